// What an audit entry is about. The first part names the thing, the rest what happened to it,
// so `type=settings.` finds every settings change. Exceptions and actions add theirs here.
export const AUDIT_TYPES = [
  'mapping.changed',
  'product.per-device-changed',
  'settings.rules-changed',
  'settings.schedule-changed',
  'settings.retention-changed',
  'api-key.created',
  'api-key.revoked',
  'integration.configured',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];
