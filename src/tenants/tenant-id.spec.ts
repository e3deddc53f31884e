import { isValidTenantId } from './tenant-id.js';

describe('tenant ids', () => {
  it.each(['demo-msp', 'A', 'tenant_1.eu-west', 'x'.repeat(64), '123e4567-e89b-12d3-a456-426614174000'])('accepts %j', (id) => expect(isValidTenantId(id)).toBe(true));
  it.each(['', 'x'.repeat(65), '*', 'sur\ud800x', 'sur\ufffdx', 'a b', 'a/b', 'é', 'a\u0000b', 'a:b', 7, null, undefined])('refuses %j', (id) => expect(isValidTenantId(id)).toBe(false));
});
