// Original file: proto/nasunet/v1/search_service.proto


export interface GetSearchRequest {
  'jobId'?: (string);
}

export interface GetSearchRequest__Output {
  'jobId': (string);
}
