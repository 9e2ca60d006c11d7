// Original file: proto/nasunet/v1/training_service.proto


export interface WatchTrainingRequest {
  'jobId'?: (string);
}

export interface WatchTrainingRequest__Output {
  'jobId': (string);
}
