// Original file: proto/nasunet/v1/registry_service.proto


export interface RetireModelRequest {
  'name'?: (string);
  'version'?: (number);
  'reason'?: (string);
}

export interface RetireModelRequest__Output {
  'name': (string);
  'version': (number);
  'reason': (string);
}
