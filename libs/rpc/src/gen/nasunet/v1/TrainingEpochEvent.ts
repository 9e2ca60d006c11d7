// Original file: proto/nasunet/v1/training_service.proto


export interface TrainingEpochEvent {
  'epoch'?: (number);
  'trainLoss'?: (number | string);
  'validationLoss'?: (number | string);
  'validationDice'?: (number | string);
  'etaSeconds'?: (number | string);
  'epochSeconds'?: (number | string);
}

export interface TrainingEpochEvent__Output {
  'epoch': (number);
  'trainLoss': (number);
  'validationLoss': (number);
  'validationDice': (number);
  'etaSeconds': (number);
  'epochSeconds': (number);
}
