// Original file: proto/nasunet/v1/inference_service.proto

import type { Long } from '@grpc/proto-loader';

export interface DicomSegment {
  'segmentNumber'?: (number);
  'label'?: (string);
  'voxelCount'?: (number | string | Long);
  'volumeMl'?: (number | string);
  'typeScheme'?: (string);
  'typeCode'?: (string);
}

export interface DicomSegment__Output {
  'segmentNumber': (number);
  'label': (string);
  'voxelCount': (string);
  'volumeMl': (number);
  'typeScheme': (string);
  'typeCode': (string);
}
