// Original file: proto/nasunet/v1/registry_service.proto

import type { PageRequest as _nasunet_v1_PageRequest, PageRequest__Output as _nasunet_v1_PageRequest__Output } from '../../nasunet/v1/PageRequest.js';

export interface ListAuditEventsRequest {
  'name'?: (string);
  'page'?: (_nasunet_v1_PageRequest | null);
}

export interface ListAuditEventsRequest__Output {
  'name': (string);
  'page': (_nasunet_v1_PageRequest__Output | null);
}
