// Original file: proto/nasunet/v1/common.proto


export interface ModelRef {
  'name'?: (string);
  'version'?: (number);
  'alias'?: (string);
  'selector'?: "version"|"alias";
}

export interface ModelRef__Output {
  'name': (string);
  'version'?: (number);
  'alias'?: (string);
  'selector'?: "version"|"alias";
}
