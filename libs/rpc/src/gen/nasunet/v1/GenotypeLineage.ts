// Original file: proto/nasunet/v1/registry_service.proto


export interface GenotypeLineage {
  'datasetDigest'?: (string);
  'searchJobId'?: (string);
}

export interface GenotypeLineage__Output {
  'datasetDigest': (string);
  'searchJobId': (string);
}
