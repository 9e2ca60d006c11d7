// Original file: proto/nasunet/v1/search_service.proto

import type { SearchJob as _nasunet_v1_SearchJob, SearchJob__Output as _nasunet_v1_SearchJob__Output } from '../../nasunet/v1/SearchJob.js';
import type { SeedAgreement as _nasunet_v1_SeedAgreement, SeedAgreement__Output as _nasunet_v1_SeedAgreement__Output } from '../../nasunet/v1/SeedAgreement.js';

export interface GetSearchGroupResponse {
  'groupId'?: (string);
  'jobs'?: (_nasunet_v1_SearchJob)[];
  'agreement'?: (_nasunet_v1_SeedAgreement | null);
}

export interface GetSearchGroupResponse__Output {
  'groupId': (string);
  'jobs': (_nasunet_v1_SearchJob__Output)[];
  'agreement': (_nasunet_v1_SeedAgreement__Output | null);
}
