// Original file: proto/nasunet/v1/registry_service.proto

import type { Long } from '@grpc/proto-loader';

export interface Artifact {
  'name'?: (string);
  'digest'?: (string);
  'sizeBytes'?: (number | string | Long);
}

export interface Artifact__Output {
  'name': (string);
  'digest': (string);
  'sizeBytes': (string);
}
