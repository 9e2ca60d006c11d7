// Original file: proto/nasunet/v1/search_service.proto


export interface WatchSearchRequest {
  'jobId'?: (string);
}

export interface WatchSearchRequest__Output {
  'jobId': (string);
}
