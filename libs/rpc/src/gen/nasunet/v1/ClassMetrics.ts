// Original file: proto/nasunet/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface ClassMetrics {
  'classIndex'?: (number);
  'className'?: (string);
  'dice'?: (number | string);
  'iou'?: (number | string);
  'hd95Mm'?: (number | string);
  'truthVoxels'?: (number | string | Long);
  'predVoxels'?: (number | string | Long);
}

export interface ClassMetrics__Output {
  'classIndex': (number);
  'className': (string);
  'dice': (number);
  'iou': (number);
  'hd95Mm': (number);
  'truthVoxels': (string);
  'predVoxels': (string);
}
