// Original file: proto/nasunet/v1/training_service.proto


export interface CancelTrainingRequest {
  'jobId'?: (string);
}

export interface CancelTrainingRequest__Output {
  'jobId': (string);
}
