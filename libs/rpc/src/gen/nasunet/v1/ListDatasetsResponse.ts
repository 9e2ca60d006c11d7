// Original file: proto/nasunet/v1/registry_service.proto

import type { Dataset as _nasunet_v1_Dataset, Dataset__Output as _nasunet_v1_Dataset__Output } from '../../nasunet/v1/Dataset.js';

export interface ListDatasetsResponse {
  'datasets'?: (_nasunet_v1_Dataset)[];
  'nextPageToken'?: (string);
}

export interface ListDatasetsResponse__Output {
  'datasets': (_nasunet_v1_Dataset__Output)[];
  'nextPageToken': (string);
}
