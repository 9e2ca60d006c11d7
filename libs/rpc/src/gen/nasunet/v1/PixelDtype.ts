// Original file: proto/nasunet/v1/common.proto

export const PixelDtype = {
  PIXEL_DTYPE_UNSPECIFIED: 'PIXEL_DTYPE_UNSPECIFIED',
  PIXEL_DTYPE_UINT8: 'PIXEL_DTYPE_UINT8',
  PIXEL_DTYPE_UINT16: 'PIXEL_DTYPE_UINT16',
  PIXEL_DTYPE_INT16: 'PIXEL_DTYPE_INT16',
  PIXEL_DTYPE_FLOAT32: 'PIXEL_DTYPE_FLOAT32',
} as const;

export type PixelDtype =
  | 'PIXEL_DTYPE_UNSPECIFIED'
  | 0
  | 'PIXEL_DTYPE_UINT8'
  | 1
  | 'PIXEL_DTYPE_UINT16'
  | 2
  | 'PIXEL_DTYPE_INT16'
  | 3
  | 'PIXEL_DTYPE_FLOAT32'
  | 4

export type PixelDtype__Output = typeof PixelDtype[keyof typeof PixelDtype]
