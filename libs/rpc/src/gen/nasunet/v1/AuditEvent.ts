// Original file: proto/nasunet/v1/registry_service.proto

import type { AuditAction as _nasunet_v1_AuditAction, AuditAction__Output as _nasunet_v1_AuditAction__Output } from '../../nasunet/v1/AuditAction.js';

export interface AuditEvent {
  'time'?: (string);
  'actor'?: (string);
  'action'?: (_nasunet_v1_AuditAction);
  'modelName'?: (string);
  'version'?: (number);
  'alias'?: (string);
  'previousVersion'?: (number);
  'reason'?: (string);
}

export interface AuditEvent__Output {
  'time': (string);
  'actor': (string);
  'action': (_nasunet_v1_AuditAction__Output);
  'modelName': (string);
  'version': (number);
  'alias': (string);
  'previousVersion': (number);
  'reason': (string);
}
