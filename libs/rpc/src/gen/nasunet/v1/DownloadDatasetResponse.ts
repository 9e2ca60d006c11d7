// Original file: proto/nasunet/v1/registry_service.proto

import type { Dataset as _nasunet_v1_Dataset, Dataset__Output as _nasunet_v1_Dataset__Output } from '../../nasunet/v1/Dataset.js';
import type { FileChunk as _nasunet_v1_FileChunk, FileChunk__Output as _nasunet_v1_FileChunk__Output } from '../../nasunet/v1/FileChunk.js';

export interface DownloadDatasetResponse {
  'dataset'?: (_nasunet_v1_Dataset | null);
  'file'?: (_nasunet_v1_FileChunk | null);
  'part'?: "dataset"|"file";
}

export interface DownloadDatasetResponse__Output {
  'dataset'?: (_nasunet_v1_Dataset__Output | null);
  'file'?: (_nasunet_v1_FileChunk__Output | null);
  'part'?: "dataset"|"file";
}
