// What a tenant id may be: 1–64 characters of A–Z a–z 0–9 . _ -. Ids come from PanelOne
// context tokens (`tid`) and API keys; anything else (a lone surrogate, U+FFFD, `*`, spaces,
// NUL, 200 characters of emoji) is refused at authentication, so one id always means one tenant:
// the same row in PostgreSQL, the same cache key, the same NOTIFY payload.
export const TENANT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}
