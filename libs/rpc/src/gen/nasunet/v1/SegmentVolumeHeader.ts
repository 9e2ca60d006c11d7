// Original file: proto/nasunet/v1/inference_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';
import type { VolumeInputFormat as _nasunet_v1_VolumeInputFormat, VolumeInputFormat__Output as _nasunet_v1_VolumeInputFormat__Output } from '../../nasunet/v1/VolumeInputFormat.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from '../../nasunet/v1/Spacing.js';
import type { MaskEncoding as _nasunet_v1_MaskEncoding, MaskEncoding__Output as _nasunet_v1_MaskEncoding__Output } from '../../nasunet/v1/MaskEncoding.js';

export interface SegmentVolumeHeader {
  'model'?: (_nasunet_v1_ModelRef | null);
  'format'?: (_nasunet_v1_VolumeInputFormat);
  'spacing'?: (_nasunet_v1_Spacing | null);
  'maskEncoding'?: (_nasunet_v1_MaskEncoding);
}

export interface SegmentVolumeHeader__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
  'format': (_nasunet_v1_VolumeInputFormat__Output);
  'spacing': (_nasunet_v1_Spacing__Output | null);
  'maskEncoding': (_nasunet_v1_MaskEncoding__Output);
}
