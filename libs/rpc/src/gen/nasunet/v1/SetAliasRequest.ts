// Original file: proto/nasunet/v1/registry_service.proto


export interface SetAliasRequest {
  'name'?: (string);
  'alias'?: (string);
  'version'?: (number);
}

export interface SetAliasRequest__Output {
  'name': (string);
  'alias': (string);
  'version': (number);
}
