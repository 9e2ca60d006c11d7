// Original file: proto/nasunet/v1/registry_service.proto

import type { Dataset as _nasunet_v1_Dataset, Dataset__Output as _nasunet_v1_Dataset__Output } from '../../nasunet/v1/Dataset.js';
import type { DatasetFile as _nasunet_v1_DatasetFile, DatasetFile__Output as _nasunet_v1_DatasetFile__Output } from '../../nasunet/v1/DatasetFile.js';

export interface GetDatasetResponse {
  'dataset'?: (_nasunet_v1_Dataset | null);
  'files'?: (_nasunet_v1_DatasetFile)[];
}

export interface GetDatasetResponse__Output {
  'dataset': (_nasunet_v1_Dataset__Output | null);
  'files': (_nasunet_v1_DatasetFile__Output)[];
}
