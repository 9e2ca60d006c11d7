// Original file: proto/nasunet/v1/search_service.proto

import type { SearchStepEvent as _nasunet_v1_SearchStepEvent, SearchStepEvent__Output as _nasunet_v1_SearchStepEvent__Output } from '../../nasunet/v1/SearchStepEvent.js';
import type { SearchEpochEvent as _nasunet_v1_SearchEpochEvent, SearchEpochEvent__Output as _nasunet_v1_SearchEpochEvent__Output } from '../../nasunet/v1/SearchEpochEvent.js';
import type { SearchStateEvent as _nasunet_v1_SearchStateEvent, SearchStateEvent__Output as _nasunet_v1_SearchStateEvent__Output } from '../../nasunet/v1/SearchStateEvent.js';

export interface WatchSearchResponse {
  'jobId'?: (string);
  'time'?: (string);
  'step'?: (_nasunet_v1_SearchStepEvent | null);
  'epoch'?: (_nasunet_v1_SearchEpochEvent | null);
  'state'?: (_nasunet_v1_SearchStateEvent | null);
  'event'?: "step"|"epoch"|"state";
}

export interface WatchSearchResponse__Output {
  'jobId': (string);
  'time': (string);
  'step'?: (_nasunet_v1_SearchStepEvent__Output | null);
  'epoch'?: (_nasunet_v1_SearchEpochEvent__Output | null);
  'state'?: (_nasunet_v1_SearchStateEvent__Output | null);
  'event'?: "step"|"epoch"|"state";
}
