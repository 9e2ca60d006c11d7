// Original file: proto/nasunet/v1/inference_service.proto

export const MaskEncoding = {
  MASK_ENCODING_UNSPECIFIED: 'MASK_ENCODING_UNSPECIFIED',
  MASK_ENCODING_RAW_UINT8: 'MASK_ENCODING_RAW_UINT8',
  MASK_ENCODING_PNG: 'MASK_ENCODING_PNG',
  MASK_ENCODING_NIFTI_GZ: 'MASK_ENCODING_NIFTI_GZ',
} as const;

export type MaskEncoding =
  | 'MASK_ENCODING_UNSPECIFIED'
  | 0
  | 'MASK_ENCODING_RAW_UINT8'
  | 1
  | 'MASK_ENCODING_PNG'
  | 2
  | 'MASK_ENCODING_NIFTI_GZ'
  | 3

export type MaskEncoding__Output = typeof MaskEncoding[keyof typeof MaskEncoding]
