// Original file: proto/nasunet/v1/search_service.proto

import type { SearchJob as _nasunet_v1_SearchJob, SearchJob__Output as _nasunet_v1_SearchJob__Output } from '../../nasunet/v1/SearchJob.js';

export interface CancelSearchResponse {
  'job'?: (_nasunet_v1_SearchJob | null);
}

export interface CancelSearchResponse__Output {
  'job': (_nasunet_v1_SearchJob__Output | null);
}
