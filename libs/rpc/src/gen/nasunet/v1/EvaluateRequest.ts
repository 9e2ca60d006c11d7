// Original file: proto/nasunet/v1/training_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';
import type { DatasetRef as _nasunet_v1_DatasetRef, DatasetRef__Output as _nasunet_v1_DatasetRef__Output } from '../../nasunet/v1/DatasetRef.js';

export interface EvaluateRequest {
  'model'?: (_nasunet_v1_ModelRef | null);
  'dataset'?: (_nasunet_v1_DatasetRef | null);
  'computeHd95'?: (boolean);
}

export interface EvaluateRequest__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
  'dataset': (_nasunet_v1_DatasetRef__Output | null);
  'computeHd95': (boolean);
}
