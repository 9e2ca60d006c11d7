// Original file: proto/nasunet/v1/registry_service.proto

import type { DatasetMetadata as _nasunet_v1_DatasetMetadata, DatasetMetadata__Output as _nasunet_v1_DatasetMetadata__Output } from '../../nasunet/v1/DatasetMetadata.js';

export interface RegisterDatasetUriRequest {
  'metadata'?: (_nasunet_v1_DatasetMetadata | null);
  'uri'?: (string);
}

export interface RegisterDatasetUriRequest__Output {
  'metadata': (_nasunet_v1_DatasetMetadata__Output | null);
  'uri': (string);
}
