// Original file: proto/nasunet/v1/common.proto

import type { PixelDtype as _nasunet_v1_PixelDtype, PixelDtype__Output as _nasunet_v1_PixelDtype__Output } from '../../nasunet/v1/PixelDtype.js';

export interface RawImage {
  'dtype'?: (_nasunet_v1_PixelDtype);
  'height'?: (number);
  'width'?: (number);
  'channels'?: (number);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RawImage__Output {
  'dtype': (_nasunet_v1_PixelDtype__Output);
  'height': (number);
  'width': (number);
  'channels': (number);
  'data': (Buffer);
}
