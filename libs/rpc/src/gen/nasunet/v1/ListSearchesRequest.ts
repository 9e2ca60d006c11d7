// Original file: proto/nasunet/v1/search_service.proto

import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from '../../nasunet/v1/PageRequest.js';
import type { JobState as _nasunet_v1_JobState, JobState__Output as _nasunet_v1_JobState__Output } from '../../nasunet/v1/JobState.js';

export interface ListSearchesRequest {
  'page'?: (_nasunet_v1_PageRequest | null);
  'state'?: (_nasunet_v1_JobState);
}

export interface ListSearchesRequest__Output {
  'page': (_nasunet_v1_PageRequest__Output | null);
  'state': (_nasunet_v1_JobState__Output);
}
