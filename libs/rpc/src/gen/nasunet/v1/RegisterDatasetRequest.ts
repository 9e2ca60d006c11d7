// Original file: proto/nasunet/v1/registry_service.proto

import type { DatasetMetadata as _nasunet_v1_DatasetMetadata, DatasetMetadata__Output as _nasunet_v1_DatasetMetadata__Output } from '../../nasunet/v1/DatasetMetadata.js';
import type { FileChunk as _nasunet_v1_FileChunk, FileChunk__Output as _nasunet_v1_FileChunk__Output } from '../../nasunet/v1/FileChunk.js';

export interface RegisterDatasetRequest {
  'metadata'?: (_nasunet_v1_DatasetMetadata | null);
  'file'?: (_nasunet_v1_FileChunk | null);
  'part'?: "metadata"|"file";
}

export interface RegisterDatasetRequest__Output {
  'metadata'?: (_nasunet_v1_DatasetMetadata__Output | null);
  'file'?: (_nasunet_v1_FileChunk__Output | null);
  'part'?: "metadata"|"file";
}
