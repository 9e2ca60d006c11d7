// Original file: proto/nasunet/v1/inference_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';
import type { RawImage as _nasunet_v1_RawImage, RawImage__Output as _nasunet_v1_RawImage__Output } from '../../nasunet/v1/RawImage.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from '../../nasunet/v1/Spacing.js';
import type { MaskEncoding as _nasunet_v1_MaskEncoding, MaskEncoding__Output as _nasunet_v1_MaskEncoding__Output } from '../../nasunet/v1/MaskEncoding.js';

export interface SegmentRequest {
  'model'?: (_nasunet_v1_ModelRef | null);
  'raw'?: (_nasunet_v1_RawImage | null);
  'png'?: (Buffer | Uint8Array | string);
  'spacing'?: (_nasunet_v1_Spacing | null);
  'maskEncoding'?: (_nasunet_v1_MaskEncoding);
  'image'?: "raw"|"png";
}

export interface SegmentRequest__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
  'raw'?: (_nasunet_v1_RawImage__Output | null);
  'png'?: (Buffer);
  'spacing': (_nasunet_v1_Spacing__Output | null);
  'maskEncoding': (_nasunet_v1_MaskEncoding__Output);
  'image'?: "raw"|"png";
}
