// Original file: proto/nasunet/v1/inference_service.proto

import type { ResolvedModel as _nasunet_v1_ResolvedModel, ResolvedModel__Output as _nasunet_v1_ResolvedModel__Output } from '../../nasunet/v1/ResolvedModel.js';
import type { LabelMap as _nasunet_v1_LabelMap, LabelMap__Output as _nasunet_v1_LabelMap__Output } from '../../nasunet/v1/LabelMap.js';
import type { ClassVolume as _nasunet_v1_ClassVolume, ClassVolume__Output as _nasunet_v1_ClassVolume__Output } from '../../nasunet/v1/ClassVolume.js';

export interface SegmentResponse {
  'model'?: (_nasunet_v1_ResolvedModel | null);
  'mask'?: (_nasunet_v1_LabelMap | null);
  'classVolumes'?: (_nasunet_v1_ClassVolume)[];
  'latencyMs'?: (number | string);
}

export interface SegmentResponse__Output {
  'model': (_nasunet_v1_ResolvedModel__Output | null);
  'mask': (_nasunet_v1_LabelMap__Output | null);
  'classVolumes': (_nasunet_v1_ClassVolume__Output)[];
  'latencyMs': (number);
}
