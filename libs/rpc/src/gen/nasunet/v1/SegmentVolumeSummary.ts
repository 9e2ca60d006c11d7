// Original file: proto/nasunet/v1/inference_service.proto

import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';
import type { Spacing as _nasunet_v1_Spacing, Spacing__Output as _nasunet_v1_Spacing__Output } from '../../nasunet/v1/Spacing.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from '../../nasunet/v1/ClassVolume.js';
import type { MaskEncoding as _nasunet_v1_MaskEncoding, MaskEncoding__Output as _nasunet_v1_MaskEncoding__Output } from '../../nasunet/v1/MaskEncoding.js';
import type { Long } from '@grpc/proto-loader';

export interface SegmentVolumeSummary {
  'model'?: (_nasunet_v1_ResolvedModel | null);
  'width'?: (number);
  'height'?: (number);
  'depth'?: (number);
  'spacing'?: (_nasunet_v1_Spacing | null);
  'classVolumes'?: (_nasunet_v1_ClassVolume)[];
  'encoding'?: (_nasunet_v1_MaskEncoding);
  'maskSizeBytes'?: (number | string | Long);
  'latencyMs'?: (number | string);
}

export interface SegmentVolumeSummary__Output {
  'model': (_nasunet_v1_ResolvedModel__Output | null);
  'width': (number);
  'height': (number);
  'depth': (number);
  'spacing': (_nasunet_v1_Spacing__Output | null);
  'classVolumes': (_nasunet_v1_ClassVolume__Output)[];
  'encoding': (_nasunet_v1_MaskEncoding__Output);
  'maskSizeBytes': (string);
  'latencyMs': (number);
}
