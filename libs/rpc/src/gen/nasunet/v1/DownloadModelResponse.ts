// Original file: proto/nasunet/v1/registry_service.proto

import type { Model as _nasunet_v1_Model, Model__Output as _nasunet_v1_Model__Output } from '../../nasunet/v1/Model.js';
import type { ArtifactChunk as _nasunet_v1_ArtifactChunk, ArtifactChunk__Output as _nasunet_v1_ArtifactChunk__Output } from '../../nasunet/v1/ArtifactChunk.js';

export interface DownloadModelResponse {
  'model'?: (_nasunet_v1_Model | null);
  'chunk'?: (_nasunet_v1_ArtifactChunk | null);
  'part'?: "model"|"chunk";
}

export interface DownloadModelResponse__Output {
  'model'?: (_nasunet_v1_Model__Output | null);
  'chunk'?: (_nasunet_v1_ArtifactChunk__Output | null);
  'part'?: "model"|"chunk";
}
