// Original file: proto/nasunet/v1/search_service.proto


export interface SearchStepEvent {
  'epoch'?: (number);
  'step'?: (number);
  'stepsPerEpoch'?: (number);
  'weightLoss'?: (number | string);
  'alphaLoss'?: (number | string);
  'etaSeconds'?: (number | string);
}

export interface SearchStepEvent__Output {
  'epoch': (number);
  'step': (number);
  'stepsPerEpoch': (number);
  'weightLoss': (number);
  'alphaLoss': (number);
  'etaSeconds': (number);
}
