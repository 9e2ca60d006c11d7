// Original file: proto/nasunet/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface ClassVolume {
  'classIndex'?: (number);
  'className'?: (string);
  'voxelCount'?: (number | string | Long);
  'volumeMm3'?: (number | string);
}

export interface ClassVolume__Output {
  'classIndex': (number);
  'className': (string);
  'voxelCount': (string);
  'volumeMm3': (number);
}
