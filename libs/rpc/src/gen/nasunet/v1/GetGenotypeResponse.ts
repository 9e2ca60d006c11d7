// Original file: proto/nasunet/v1/registry_service.proto

import type { Genotype as _nasunet_v1_Genotype, Genotype__Output as _nasunet_v1_Genotype__Output } from '../../nasunet/v1/Genotype.js';

export interface GetGenotypeResponse {
  'genotype'?: (_nasunet_v1_Genotype | null);
}

export interface GetGenotypeResponse__Output {
  'genotype': (_nasunet_v1_Genotype__Output | null);
}
