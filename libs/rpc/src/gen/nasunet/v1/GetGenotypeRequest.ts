// Original file: proto/nasunet/v1/registry_service.proto

import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from '../../nasunet/v1/GenotypeRef.js';

export interface GetGenotypeRequest {
  'genotype'?: (_nasunet_v1_GenotypeRef | null);
}

export interface GetGenotypeRequest__Output {
  'genotype': (_nasunet_v1_GenotypeRef__Output | null);
}
