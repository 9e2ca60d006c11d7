// Original file: proto/nasunet/v1/common.proto


export interface Spacing {
  'xMm'?: (number | string);
  'yMm'?: (number | string);
  'zMm'?: (number | string);
}

export interface Spacing__Output {
  'xMm': (number);
  'yMm': (number);
  'zMm': (number);
}
