// Original file: proto/nasunet/v1/training_service.proto


export interface TrainingHyperParameters {
  'epochs'?: (number);
  'batchSize'?: (number);
  'learningRate'?: (number | string);
  'weightDecay'?: (number | string);
  'diceWeight'?: (number | string);
  'initChannels'?: (number);
  'depth'?: (number);
  'imageSize'?: (number);
  'augment'?: (boolean);
  'validationFraction'?: (number | string);
  'maxSteps'?: (number);
  'maxSeconds'?: (number | string);
  'maxCases'?: (number);
  'contextSlices'?: (number);
}

export interface TrainingHyperParameters__Output {
  'epochs': (number);
  'batchSize': (number);
  'learningRate': (number);
  'weightDecay': (number);
  'diceWeight': (number);
  'initChannels': (number);
  'depth': (number);
  'imageSize': (number);
  'augment': (boolean);
  'validationFraction': (number);
  'maxSteps': (number);
  'maxSeconds': (number);
  'maxCases': (number);
  'contextSlices': (number);
}
