// Original file: proto/nasunet/v1/common.proto


export interface DatasetRef {
  'name'?: (string);
  'digest'?: (string);
}

export interface DatasetRef__Output {
  'name': (string);
  'digest': (string);
}
