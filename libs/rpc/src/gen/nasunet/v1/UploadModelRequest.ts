// Original file: proto/nasunet/v1/registry_service.proto

import type { ModelMetadata as _nasunet_v1_ModelMetadata, ModelMetadata__Output as _nasunet_v1_ModelMetadata__Output } from '../../nasunet/v1/ModelMetadata.js';
import type { ArtifactChunk as _nasunet_v1_ArtifactChunk, ArtifactChunk__Output as _nasunet_v1_ArtifactChunk__Output } from '../../nasunet/v1/ArtifactChunk.js';

export interface UploadModelRequest {
  'metadata'?: (_nasunet_v1_ModelMetadata | null);
  'chunk'?: (_nasunet_v1_ArtifactChunk | null);
  'part'?: "metadata"|"chunk";
}

export interface UploadModelRequest__Output {
  'metadata'?: (_nasunet_v1_ModelMetadata__Output | null);
  'chunk'?: (_nasunet_v1_ArtifactChunk__Output | null);
  'part'?: "metadata"|"chunk";
}
