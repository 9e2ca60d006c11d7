// Original file: proto/nasunet/v1/common.proto


export interface PageRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface PageRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
}
