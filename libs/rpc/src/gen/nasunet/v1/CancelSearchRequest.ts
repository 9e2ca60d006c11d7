// Original file: proto/nasunet/v1/search_service.proto


export interface CancelSearchRequest {
  'jobId'?: (string);
}

export interface CancelSearchRequest__Output {
  'jobId': (string);
}
