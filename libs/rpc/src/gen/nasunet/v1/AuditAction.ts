// Original file: proto/nasunet/v1/registry_service.proto

export const AuditAction = {
  AUDIT_ACTION_UNSPECIFIED: 'AUDIT_ACTION_UNSPECIFIED',
  AUDIT_ACTION_SET_ALIAS: 'AUDIT_ACTION_SET_ALIAS',
  AUDIT_ACTION_DELETE_ALIAS: 'AUDIT_ACTION_DELETE_ALIAS',
  AUDIT_ACTION_RETIRE_MODEL: 'AUDIT_ACTION_RETIRE_MODEL',
} as const;

export type AuditAction =
  | 'AUDIT_ACTION_UNSPECIFIED'
  | 0
  | 'AUDIT_ACTION_SET_ALIAS'
  | 1
  | 'AUDIT_ACTION_DELETE_ALIAS'
  | 2
  | 'AUDIT_ACTION_RETIRE_MODEL'
  | 3

export type AuditAction__Output = typeof AuditAction[keyof typeof AuditAction]
