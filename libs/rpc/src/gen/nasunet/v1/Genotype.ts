// Original file: proto/nasunet/v1/registry_service.proto

import type { GenotypeLineage as _nasunet_v1_GenotypeLineage, GenotypeLineage__Output as _nasunet_v1_GenotypeLineage__Output } from '../../nasunet/v1/GenotypeLineage.js';

export interface Genotype {
  'name'?: (string);
  'version'?: (number);
  'genotypeJson'?: (string);
  'lineage'?: (_nasunet_v1_GenotypeLineage | null);
  'alphaHistoryDigest'?: (string);
  'alphaHistoryJson'?: (string);
  'createdAt'?: (string);
}

export interface Genotype__Output {
  'name': (string);
  'version': (number);
  'genotypeJson': (string);
  'lineage': (_nasunet_v1_GenotypeLineage__Output | null);
  'alphaHistoryDigest': (string);
  'alphaHistoryJson': (string);
  'createdAt': (string);
}
