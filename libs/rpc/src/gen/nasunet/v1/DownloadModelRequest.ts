// Original file: proto/nasunet/v1/registry_service.proto

import type { ModelRef as _nasunet_v1_ModelRef, ModelRef__Output as _nasunet_v1_ModelRef__Output } from '../../nasunet/v1/ModelRef.js';

export interface DownloadModelRequest {
  'model'?: (_nasunet_v1_ModelRef | null);
  'artifactName'?: (string);
}

export interface DownloadModelRequest__Output {
  'model': (_nasunet_v1_ModelRef__Output | null);
  'artifactName': (string);
}
