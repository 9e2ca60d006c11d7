// Original file: proto/nasunet/v1/registry_service.proto

import type { Long } from '@grpc/proto-loader';

export interface DatasetFile {
  'relativePath'?: (string);
  'sizeBytes'?: (number | string | Long);
  'digest'?: (string);
}

export interface DatasetFile__Output {
  'relativePath': (string);
  'sizeBytes': (string);
  'digest': (string);
}
