// Original file: proto/nasunet/v1/search_service.proto


export interface AlphaMatrix {
  'kind'?: (string);
  'edges'?: (number);
  'ops'?: (string)[];
  'values'?: (number | string)[];
}

export interface AlphaMatrix__Output {
  'kind': (string);
  'edges': (number);
  'ops': (string)[];
  'values': (number)[];
}
