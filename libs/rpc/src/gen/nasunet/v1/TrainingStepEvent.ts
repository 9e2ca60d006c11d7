// Original file: proto/nasunet/v1/training_service.proto


export interface TrainingStepEvent {
  'epoch'?: (number);
  'step'?: (number);
  'stepsPerEpoch'?: (number);
  'loss'?: (number | string);
  'learningRate'?: (number | string);
  'etaSeconds'?: (number | string);
  'totalSteps'?: (number);
}

export interface TrainingStepEvent__Output {
  'epoch': (number);
  'step': (number);
  'stepsPerEpoch': (number);
  'loss': (number);
  'learningRate': (number);
  'etaSeconds': (number);
  'totalSteps': (number);
}
