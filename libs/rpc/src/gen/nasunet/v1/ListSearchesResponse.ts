// Original file: proto/nasunet/v1/search_service.proto

import type { SearchJob as _nasunet_v1_SearchJob, SearchJob__Output as _nasunet_v1_SearchJob__Output } from '../../nasunet/v1/SearchJob.js';

export interface ListSearchesResponse {
  'jobs'?: (_nasunet_v1_SearchJob)[];
  'nextPageToken'?: (string);
}

export interface ListSearchesResponse__Output {
  'jobs': (_nasunet_v1_SearchJob__Output)[];
  'nextPageToken': (string);
}
