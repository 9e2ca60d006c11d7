// Original file: proto/nasunet/v1/registry_service.proto

import type { Model as _nasunet_v1_Model, Model__Output as _nasunet_v1_Model__Output } from '../../nasunet/v1/Model.js';

export interface RetireModelResponse {
  'model'?: (_nasunet_v1_Model | null);
  'alreadyRetired'?: (boolean);
}

export interface RetireModelResponse__Output {
  'model': (_nasunet_v1_Model__Output | null);
  'alreadyRetired': (boolean);
}
