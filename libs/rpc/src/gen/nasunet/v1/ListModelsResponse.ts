// Original file: proto/nasunet/v1/registry_service.proto

import type { Model as _nasunet_v1_Model, Model__Output as _nasunet_v1_Model__Output } from '../../nasunet/v1/Model.js';

export interface ListModelsResponse {
  'models'?: (_nasunet_v1_Model)[];
  'nextPageToken'?: (string);
}

export interface ListModelsResponse__Output {
  'models': (_nasunet_v1_Model__Output)[];
  'nextPageToken': (string);
}
