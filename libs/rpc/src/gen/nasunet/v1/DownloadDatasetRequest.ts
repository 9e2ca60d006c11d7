// Original file: proto/nasunet/v1/registry_service.proto


export interface DownloadDatasetRequest {
  'name'?: (string);
}

export interface DownloadDatasetRequest__Output {
  'name': (string);
}
