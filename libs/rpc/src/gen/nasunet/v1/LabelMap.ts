// Original file: proto/nasunet/v1/inference_service.proto

import type { MaskEncoding as _nasunet_v1_MaskEncoding, MaskEncoding__Output as _nasunet_v1_MaskEncoding__Output } from '../../nasunet/v1/MaskEncoding.js';

export interface LabelMap {
  'height'?: (number);
  'width'?: (number);
  'encoding'?: (_nasunet_v1_MaskEncoding);
  'data'?: (Buffer | Uint8Array | string);
}

export interface LabelMap__Output {
  'height': (number);
  'width': (number);
  'encoding': (_nasunet_v1_MaskEncoding__Output);
  'data': (Buffer);
}
