// Original file: proto/nasunet/v1/common.proto


export interface ResolvedModel {
  'name'?: (string);
  'version'?: (number);
  'alias'?: (string);
  'weightsDigest'?: (string);
}

export interface ResolvedModel__Output {
  'name': (string);
  'version': (number);
  'alias': (string);
  'weightsDigest': (string);
}
