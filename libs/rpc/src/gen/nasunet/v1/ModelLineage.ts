// Original file: proto/nasunet/v1/registry_service.proto


export interface ModelLineage {
  'trainingJobId'?: (string);
  'datasetDigest'?: (string);
}

export interface ModelLineage__Output {
  'trainingJobId': (string);
  'datasetDigest': (string);
}
