// Original file: proto/nasunet/v1/registry_service.proto

import type { Genotype as _nasunet_v1_Genotype, Genotype__Output as _nasunet_v1_Genotype__Output } from '../../nasunet/v1/Genotype.js';

export interface ListGenotypesResponse {
  'genotypes'?: (_nasunet_v1_Genotype)[];
  'nextPageToken'?: (string);
}

export interface ListGenotypesResponse__Output {
  'genotypes': (_nasunet_v1_Genotype__Output)[];
  'nextPageToken': (string);
}
