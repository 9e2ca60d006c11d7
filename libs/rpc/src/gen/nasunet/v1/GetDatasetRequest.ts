// Original file: proto/nasunet/v1/registry_service.proto


export interface GetDatasetRequest {
  'name'?: (string);
}

export interface GetDatasetRequest__Output {
  'name': (string);
}
