// Original file: proto/nasunet/v1/search_service.proto

import type { SearchJob as _nasunet_v1_SearchJob, SearchJob__Output as _nasunet_v1_SearchJob__Output } from '../../nasunet/v1/SearchJob.js';

export interface StartSearchResponse {
  'job'?: (_nasunet_v1_SearchJob | null);
  'jobs'?: (_nasunet_v1_SearchJob)[];
  'groupId'?: (string);
}

export interface StartSearchResponse__Output {
  'job': (_nasunet_v1_SearchJob__Output | null);
  'jobs': (_nasunet_v1_SearchJob__Output)[];
  'groupId': (string);
}
