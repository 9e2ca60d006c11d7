// Original file: proto/nasunet/v1/search_service.proto


export interface SearchBudget {
  'maxEpochs'?: (number);
  'maxSteps'?: (number);
  'maxSeconds'?: (number | string);
}

export interface SearchBudget__Output {
  'maxEpochs': (number);
  'maxSteps': (number);
  'maxSeconds': (number);
}
