// Original file: proto/nasunet/v1/registry_service.proto


export interface DeleteAliasResponse {
  'previousVersion'?: (number);
}

export interface DeleteAliasResponse__Output {
  'previousVersion': (number);
}
