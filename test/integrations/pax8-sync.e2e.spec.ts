// Pax8 syncs against the Pax8 simulator: every record once across pages, one paged walk for
// subscriptions, pricing only for per-device products, token refresh on 401, fault storms that
// recover to the same stored data as a fault-free run, and failures that end in a clear error
// naming Pax8 and the call while the previously stored data stays exactly as it was.
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { generateDataset, startPax8Simulator, type Pax8Simulator } from '../../simulators/index.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { IntegrationSyncService, type SyncProgress } from '../../src/integrations/integration-sync.service.js';
import { suggestPerDevice } from '../../src/integrations/per-device.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { FAST_RETRY, integrationStatus, pax8Tenant, storedPax8 } from './support.js';

let api: TestApi;
let db: DataSource;
let sim: Pax8Simulator;
let sync: IntegrationSyncService;
let baseline: Awaited<ReturnType<typeof storedPax8>>;
let baselineTenant: string;

beforeAll(async () => {
  sim = await startPax8Simulator({ dataset: generateDataset({ clients: 300, seed: 7 }) });
  api = await startTestApi();
  db = api.app.get<DataSource>(getDataSourceToken());
  api.app.get(IntegrationConnections).retryOptions = FAST_RETRY;
  sync = api.app.get(IntegrationSyncService);
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});
afterEach(() => sim.reset());

const allParts = ['companies', 'contacts', 'catalog', 'pricing', 'subscriptions'] as const;

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IntegrationError);
  return err as IntegrationError;
}

describe('a fault-free full sync', () => {
  it('stores every record once, walks subscriptions in one paged pass, prices only per-device products', async () => {
    const d = sim.dataset;
    baselineTenant = await pax8Tenant(api, sim, 'pax8-base');
    const updates: SyncProgress[] = [];
    sim.resetStats();
    const counts = await sync.syncPax8(baselineTenant, [...allParts], (u) => { updates.push(u); });

    const contacts = Object.values(d.contacts).flat();
    const perDevice = d.products.filter((p) => suggestPerDevice(p.name));
    expect(counts).toEqual({
      companies: d.companies.length, contacts: contacts.length, catalog: d.products.length,
      pricing: perDevice.length, subscriptions: d.subscriptions.length,
    });
    expect(d.companies.length).toBeGreaterThan(200); // several pages of 200
    expect(d.subscriptions.length).toBeGreaterThan(400);

    baseline = await storedPax8(db, baselineTenant);
    expect(baseline.companies.map((c: { id: string }) => c.id)).toEqual(d.companies.map((c) => c.id).sort());
    expect(baseline.subscriptions.map((s: { id: string }) => s.id)).toEqual(d.subscriptions.map((s) => s.id).sort());
    expect(baseline.contacts.map((c: { id: string }) => c.id)).toEqual(contacts.map((c) => c.id).sort());
    expect(baseline.pricing.map((p: { product_id: string }) => p.product_id)).toEqual(perDevice.map((p) => p.id).sort());
    // The record is kept as sent; typed columns are extracted from it.
    const sub = d.subscriptions[0];
    const row = baseline.subscriptions.find((s: { id: string }) => s.id === sub.id);
    expect(row).toMatchObject({ company_id: sub.companyId, product_id: sub.productId, status: sub.status, billing_term: sub.billingTerm, removed: false });
    expect(Number(row.quantity)).toBe(sub.quantity);
    expect(row.raw).toEqual(JSON.parse(JSON.stringify(sub)));
    expect(baseline.pricing[0].pricing).toEqual(JSON.parse(JSON.stringify(d.pricing[baseline.pricing[0].product_id])));

    const stats = sim.stats();
    expect(stats.byRoute['GET /v1/subscriptions']).toBe(Math.ceil(d.subscriptions.length / 200));
    expect(stats.byRoute['GET /v1/companies']).toBe(Math.ceil(d.companies.length / 200));
    expect(stats.byRoute['GET /v1/products/{productId}/pricing']).toBe(perDevice.length);
    expect(stats.byRoute['POST /oauth/token']).toBe(1); // the token is cached

    expect(new Set(updates.map((u) => u.phase))).toEqual(new Set([...allParts, 'saving']));
    expect(updates.filter((u) => u.phase === 'subscriptions').at(-1)).toEqual({ phase: 'subscriptions', done: d.subscriptions.length, total: d.subscriptions.length });

    const status = await integrationStatus(api, baselineTenant, 'pax8');
    expect(status).toMatchObject({ status: 'ok', lastError: null });
    expect(status.lastSyncAt).not.toBeNull();
  });

  it('an admin\'s per-device choice decides which products are priced', async () => {
    const tenant = await pax8Tenant(api, sim, 'pax8-price');
    const byName = (name: string) => sim.dataset.products.find((p) => p.name === name)!.id;
    const forced = byName('Keeper Business');
    const excluded = byName('Huntress Managed EDR');
    await db.query(`INSERT INTO product_setting (tenant_id, product_id, per_device) VALUES ($1, $2, true), ($1, $3, false)`, [tenant, forced, excluded]);
    const counts = await sync.syncPax8(tenant, ['catalog', 'pricing']);
    const expected = sim.dataset.products.filter((p) => (p.id === forced || suggestPerDevice(p.name)) && p.id !== excluded).map((p) => p.id).sort();
    expect(counts).toEqual({ catalog: sim.dataset.products.length, pricing: expected.length });
    const { pricing } = await storedPax8(db, tenant);
    expect(pricing.map((p: { product_id: string }) => p.product_id)).toEqual(expected);
  });
});

describe('faults that a sync recovers from', () => {
  it.each([
    ['a 429 storm, half with Retry-After', { rate429: 0.25, retryAfterRatio: 0.5, seed: 11 }],
    ['a 429 storm without Retry-After', { rate429: 0.25, retryAfterRatio: 0, seed: 12 }],
    ['5xx answers and dropped connections', { rate5xx: 0.15, dropRate: 0.05, seed: 13 }],
    ['a token that expires every 25 calls', { tokenExpiresAfterCalls: 25 }],
    ['records moving between pages', { shiftBetweenPages: true }],
  ])('%s: the stored data equals the fault-free run', async (_label, faults) => {
    const tenant = await pax8Tenant(api, sim, 'pax8-fault');
    sim.setFaults(faults);
    await sync.syncPax8(tenant, [...allParts]);
    const stats = sim.stats();
    expect(stats.faultsInjected).toBeGreaterThan(0);
    if ('tokenExpiresAfterCalls' in faults) expect(stats.byRoute['POST /oauth/token']).toBeGreaterThan(1);
    expect(await storedPax8(db, tenant)).toEqual(baseline);
    expect(await integrationStatus(api, tenant, 'pax8')).toMatchObject({ status: 'ok', lastError: null });
  });
});

describe('failures', () => {
  it('a permanently failing upstream ends in a clear error naming Pax8 and the call; stored data untouched', async () => {
    const before = await storedPax8(db, baselineTenant, { withSeen: true });
    sim.setFaults({ down: true });
    const err = await failure(sync.syncPax8(baselineTenant, [...allParts]));
    expect(err).toMatchObject({ kind: 'upstream-down', integration: 'pax8', call: 'GET /companies page 0' });
    expect(err.message).toMatch(/^Pax8 is unavailable \(GET \/companies page 0\): HTTP 503 Service unavailable, after 12 attempts\. Try again later\.$/);
    expect(await storedPax8(db, baselineTenant, { withSeen: true })).toEqual(before);
    expect(await integrationStatus(api, baselineTenant, 'pax8')).toMatchObject({ status: 'error', lastError: err.message });
  });

  it('a failure late in the sync (subscriptions page 2) applies none of the parts fetched before it', async () => {
    const d = sim.dataset;
    const before = await storedPax8(db, baselineTenant, { withSeen: true });
    const renamed = d.companies[0];
    const originalName = renamed.name;
    const removed = d.subscriptions.pop()!;
    renamed.name = 'Renamed Holdings Ltd';
    try {
      sim.setFaults({ failPaths: ['^/v1/subscriptions\\?.*page=2\\b'] });
      const err = await failure(sync.syncPax8(baselineTenant, [...allParts]));
      expect(err).toMatchObject({ kind: 'upstream-down', call: 'GET /subscriptions page 2' });
      expect(err.message).toContain('Pax8 is unavailable (GET /subscriptions page 2)');
      expect(await storedPax8(db, baselineTenant, { withSeen: true })).toEqual(before);

      // Once the upstream is back, the next sync picks the changes up; history is kept.
      sim.reset();
      await sync.syncPax8(baselineTenant, [...allParts]);
      const after = await storedPax8(db, baselineTenant);
      expect(after.companies.find((c: { id: string }) => c.id === renamed.id).name).toBe('Renamed Holdings Ltd');
      expect(after.subscriptions.find((s: { id: string }) => s.id === removed.id)).toMatchObject({ removed: true });
      expect(after.subscriptions.filter((s: { removed: boolean }) => s.removed)).toHaveLength(1);
      expect(await integrationStatus(api, baselineTenant, 'pax8')).toMatchObject({ status: 'ok', lastError: null });
    } finally {
      renamed.name = originalName;
      d.subscriptions.push(removed);
    }
    // Seen again: the removal mark is cleared.
    await sync.syncPax8(baselineTenant, ['subscriptions']);
    const again = await storedPax8(db, baselineTenant);
    expect(again.subscriptions.find((s: { id: string }) => s.id === removed.id)).toMatchObject({ removed: false });
  });

  it('a company deleted upstream after the company list is skipped for contacts; its contacts are marked removed', async () => {
    const d = sim.dataset;
    const tenant = await pax8Tenant(api, sim, 'pax8-gone');
    await sync.syncPax8(tenant, ['companies', 'contacts']);
    const index = d.companies.findIndex((c) => (d.contacts[c.id] ?? []).length > 0);
    const [gone] = d.companies.splice(index, 1);
    try {
      // Contacts only: the company list comes from the stored companies, which still include it.
      const counts = await sync.syncPax8(tenant, ['contacts']);
      expect(counts.contacts).toBe(Object.values(d.contacts).flat().length - d.contacts[gone.id].length);
      const { contacts } = await storedPax8(db, tenant);
      const removed = contacts.filter((c: { removed: boolean }) => c.removed);
      expect(removed.map((c: { id: string }) => c.id).sort()).toEqual(d.contacts[gone.id].map((c) => c.id).sort());
    } finally {
      d.companies.splice(index, 0, gone);
    }
  });

  it('when every contacts call answers "not found", the sync fails instead of marking every contact removed', async () => {
    const tenant = await pax8Tenant(api, sim, 'pax8-allgone');
    await sync.syncPax8(tenant, ['companies', 'contacts']);
    const before = await storedPax8(db, tenant, { withSeen: true });
    const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
    // A base URL that answers 404 for everything but the list the stored companies came from.
    await api.http.put('/api/v1/integrations/pax8').set(admin)
      .send({ baseUrl: `${sim.url}/wrong`, tokenUrl: sim.tokenUrl, audience: sim.audience, clientId: sim.clientId, enabled: true }).expect(200);
    const err = await failure(sync.syncPax8(tenant, ['contacts']));
    expect(err).toMatchObject({ kind: 'not-found', integration: 'pax8' });
    expect(err.message).toMatch(/^Pax8 answered "not found" \(GET \/companies\/[0-9a-f-]+\/contacts page 0\): Not found\. Check the Pax8 base URL/);
    expect(await storedPax8(db, tenant, { withSeen: true })).toEqual(before);
  });

  it('a malformed page fails cleanly', async () => {
    const tenant = await pax8Tenant(api, sim, 'pax8-malformed');
    sim.setFaults({ malformedRate: 1 });
    const err = await failure(sync.syncPax8(tenant, ['companies']));
    expect(err).toMatchObject({ kind: 'malformed-response', integration: 'pax8', call: 'GET /companies page 0' });
    expect(err.message).toBe('Pax8 sent a response in an unexpected format (GET /companies page 0): the body is not valid JSON. Check the Pax8 base URL; if it is right, try again later.');
    expect((await storedPax8(db, tenant)).companies).toEqual([]);
  });

  it('wrong credentials, a disabled integration and an unknown part are clear errors', async () => {
    const tenant = await pax8Tenant(api, sim, 'pax8-creds');
    const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
    await api.http.put('/api/v1/integrations/pax8').set(admin)
      .send({ baseUrl: sim.url, tokenUrl: sim.tokenUrl, audience: sim.audience, clientId: sim.clientId, clientSecret: 'not-the-secret', enabled: true }).expect(200);
    const bad = await failure(sync.syncPax8(tenant, ['companies']));
    expect(bad).toMatchObject({ kind: 'bad-credentials', call: 'POST /oauth/token' });
    expect(bad.message).not.toContain('not-the-secret');
    const status = await integrationStatus(api, tenant, 'pax8');
    expect(status).toMatchObject({ status: 'error', lastSyncAt: null });
    expect(status.lastError).toMatch(/^Pax8 rejected the credentials/);

    await api.http.put('/api/v1/integrations/pax8').set(admin)
      .send({ baseUrl: sim.url, tokenUrl: sim.tokenUrl, audience: sim.audience, clientId: sim.clientId, enabled: false }).expect(200);
    const off = await failure(sync.syncPax8(tenant, ['companies']));
    expect(off.message).toBe('Pax8 is not ready: it is switched off. Set up and enable Pax8 on the integrations settings page.');
    await expect(sync.syncPax8(tenant, ['everything' as never])).rejects.toThrow(/Unknown Pax8 sync part: everything/);
  });
});
