// Original file: proto/nasunet/v1/training_service.proto

export const BaselineArchitecture = {
  BASELINE_ARCHITECTURE_UNSPECIFIED: 'BASELINE_ARCHITECTURE_UNSPECIFIED',
  BASELINE_ARCHITECTURE_UNET: 'BASELINE_ARCHITECTURE_UNET',
} as const;

export type BaselineArchitecture =
  | 'BASELINE_ARCHITECTURE_UNSPECIFIED'
  | 0
  | 'BASELINE_ARCHITECTURE_UNET'
  | 1

export type BaselineArchitecture__Output = typeof BaselineArchitecture[keyof typeof BaselineArchitecture]
