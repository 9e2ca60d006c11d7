// Original file: proto/nasunet/v1/registry_service.proto

import type { Dataset as _nasunet_v1_Dataset, Dataset__Output as _nasunet_v1_Dataset__Output } from '../../nasunet/v1/Dataset.js';

export interface RegisterDatasetResponse {
  'dataset'?: (_nasunet_v1_Dataset | null);
}

export interface RegisterDatasetResponse__Output {
  'dataset': (_nasunet_v1_Dataset__Output | null);
}
