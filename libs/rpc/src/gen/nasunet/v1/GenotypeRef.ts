// Original file: proto/nasunet/v1/common.proto


export interface GenotypeRef {
  'name'?: (string);
  'version'?: (number);
}

export interface GenotypeRef__Output {
  'name': (string);
  'version': (number);
}
