// Shared by the integrations specs: configure a tenant's integrations through the API and
// read back what a sync stored, without the timestamps that differ between runs.
import type { DataSource } from 'typeorm';
import type { PanelOneSimulator, Pax8Simulator } from '../../simulators/index.js';
import type { RetryOptions } from '../../src/integrations/resilient-http.js';
import { uniqueTenant, type TestApi } from '../support/app.js';

/** Fast retries for tests; enough attempts that a seeded fault storm always recovers. */
export const FAST_RETRY: Partial<RetryOptions> = {
  maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20, retryAfterCapMs: 20, attemptTimeoutMs: 5_000, totalTimeoutMs: 60_000,
};

export const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

export async function pax8Tenant(api: TestApi, sim: Pax8Simulator, label: string): Promise<string> {
  const tenant = uniqueTenant(label);
  const admin = bearer(await api.token(tenant, 'admin'));
  await api.http.put('/api/v1/integrations/pax8').set(admin)
    .send({ baseUrl: sim.url, tokenUrl: sim.tokenUrl, audience: sim.audience, clientId: sim.clientId, clientSecret: sim.clientSecret, enabled: true })
    .expect(200);
  return tenant;
}

export async function panelOneTenant(api: TestApi, sim: PanelOneSimulator, label: string): Promise<string> {
  const tenant = uniqueTenant(label);
  const admin = bearer(await api.token(tenant, 'admin'));
  await api.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl: sim.url, apiToken: sim.apiToken, enabled: true }).expect(200);
  return tenant;
}

export async function integrationStatus(api: TestApi, tenant: string, kind: 'pax8' | 'panelone') {
  const res = await api.http.get('/api/v1/integrations').set(bearer(await api.token(tenant, 'admin'))).expect(200);
  return (res.body as Array<{ kind: string; status: string; lastSyncAt: string | null; lastError: string | null }>).find((i) => i.kind === kind)!;
}

export async function storedPax8(db: DataSource, tenant: string, options: { withSeen?: boolean } = {}) {
  const seen = options.withSeen ? ', last_seen_at' : '';
  const q = (sql: string) => db.query(sql, [tenant]);
  return {
    companies: await q(`SELECT id, name, external_id, status, raw, removed_at IS NOT NULL AS removed${seen} FROM pax8_company WHERE tenant_id = $1 ORDER BY id`),
    contacts: await q(`SELECT id, company_id, first_name, last_name, email, phone, types, raw, removed_at IS NOT NULL AS removed${seen} FROM pax8_contact WHERE tenant_id = $1 ORDER BY id`),
    products: await q(`SELECT id, name, vendor_name, sku, vendor_sku, short_description, requires_commitment, raw, removed_at IS NOT NULL AS removed${seen} FROM pax8_product WHERE tenant_id = $1 ORDER BY id`),
    pricing: await q(`SELECT product_id, pricing${seen} FROM pax8_product_pricing WHERE tenant_id = $1 ORDER BY product_id`),
    subscriptions: await q(`SELECT id, company_id, product_id, product_name, quantity, status, billing_term, price, partner_cost, currency_code,
      start_date, end_date, raw, removed_at IS NOT NULL AS removed${seen} FROM pax8_subscription WHERE tenant_id = $1 ORDER BY id`),
  };
}

export async function storedOrganizations(db: DataSource, tenant: string, options: { withSeen?: boolean } = {}) {
  const seen = options.withSeen ? ', last_seen_at' : '';
  return db.query(`SELECT id, name, external_ref, raw, removed_at IS NOT NULL AS removed${seen} FROM panelone_organization WHERE tenant_id = $1 ORDER BY id`, [tenant]);
}
