// Original file: proto/nasunet/v1/registry_service.proto

import type { AuditEvent as _nasunet_v1_AuditEvent, AuditEvent__Output as _nasunet_v1_AuditEvent__Output } from '../../nasunet/v1/AuditEvent.js';

export interface ListAuditEventsResponse {
  'events'?: (_nasunet_v1_AuditEvent)[];
  'nextPageToken'?: (string);
}

export interface ListAuditEventsResponse__Output {
  'events': (_nasunet_v1_AuditEvent__Output)[];
  'nextPageToken': (string);
}
