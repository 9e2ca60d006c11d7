// Original file: proto/nasunet/v1/registry_service.proto


export interface DeleteAliasRequest {
  'name'?: (string);
  'alias'?: (string);
}

export interface DeleteAliasRequest__Output {
  'name': (string);
  'alias': (string);
}
