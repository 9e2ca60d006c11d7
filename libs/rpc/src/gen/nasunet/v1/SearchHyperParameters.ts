// Original file: proto/nasunet/v1/search_service.proto


export interface SearchHyperParameters {
  'batchSize'?: (number);
  'imageSize'?: (number);
  'warmupEpochs'?: (number);
  'patience'?: (number);
  'maxCases'?: (number);
  'alphaLearningRate'?: (number | string);
}

export interface SearchHyperParameters__Output {
  'batchSize': (number);
  'imageSize': (number);
  'warmupEpochs': (number);
  'patience': (number);
  'maxCases': (number);
  'alphaLearningRate': (number);
}
