// Original file: proto/nasunet/v1/training_service.proto


export interface GetTrainingRequest {
  'jobId'?: (string);
}

export interface GetTrainingRequest__Output {
  'jobId': (string);
}
