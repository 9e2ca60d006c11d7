// Original file: proto/nasunet/v1/search_service.proto

import type { JobState as _nasunet_v1_JobState, JobState__Output as _nasunet_v1_JobState__Output } from '../../nasunet/v1/JobState.js';
import type { GenotypeRef as _nasunet_v1_GenotypeRef, GenotypeRef__Output as _nasunet_v1_GenotypeRef__Output } from '../../nasunet/v1/GenotypeRef.js';

export interface SearchStateEvent {
  'state'?: (_nasunet_v1_JobState);
  'errorMessage'?: (string);
  'resultGenotype'?: (_nasunet_v1_GenotypeRef | null);
}

export interface SearchStateEvent__Output {
  'state': (_nasunet_v1_JobState__Output);
  'errorMessage': (string);
  'resultGenotype': (_nasunet_v1_GenotypeRef__Output | null);
}
