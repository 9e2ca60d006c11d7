// Original file: proto/nasunet/v1/inference_service.proto

export const VolumeInputFormat = {
  VOLUME_INPUT_FORMAT_UNSPECIFIED: 'VOLUME_INPUT_FORMAT_UNSPECIFIED',
  VOLUME_INPUT_FORMAT_NIFTI: 'VOLUME_INPUT_FORMAT_NIFTI',
  VOLUME_INPUT_FORMAT_SLICES: 'VOLUME_INPUT_FORMAT_SLICES',
} as const;

export type VolumeInputFormat =
  | 'VOLUME_INPUT_FORMAT_UNSPECIFIED'
  | 0
  | 'VOLUME_INPUT_FORMAT_NIFTI'
  | 1
  | 'VOLUME_INPUT_FORMAT_SLICES'
  | 2

export type VolumeInputFormat__Output = typeof VolumeInputFormat[keyof typeof VolumeInputFormat]
