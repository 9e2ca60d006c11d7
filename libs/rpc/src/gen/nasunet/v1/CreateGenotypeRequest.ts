// Original file: proto/nasunet/v1/registry_service.proto

import type { GenotypeLineage as _nasunet_v1_GenotypeLineage, GenotypeLineage__Output as _nasunet_v1_GenotypeLineage__Output } from '../../nasunet/v1/GenotypeLineage.js';

export interface CreateGenotypeRequest {
  'name'?: (string);
  'genotypeJson'?: (string);
  'lineage'?: (_nasunet_v1_GenotypeLineage | null);
  'alphaHistoryJson'?: (string);
}

export interface CreateGenotypeRequest__Output {
  'name': (string);
  'genotypeJson': (string);
  'lineage': (_nasunet_v1_GenotypeLineage__Output | null);
  'alphaHistoryJson': (string);
}
