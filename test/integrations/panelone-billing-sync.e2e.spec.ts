// PSA billing sync against the PanelOne simulator: with the tenant setting off nothing of the
// billing API is called or stored; on, the PanelOne sync walks the catalog, the agreements
// (cursor paging, every page) and the ACTIVE agreements' additions, stores each once, and a
// fault storm (429 with Retry-After, 5xx) ends with the same rows as a fault-free run; a call
// that keeps failing fails the sync with PanelOne's name and leaves the stored rows as they were.
// Then the reconciliation's billed figures equal the generated world's own truth.
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { generateDataset, startPanelOneSimulator, startPax8Simulator, type PanelOneSimulator, type Pax8Simulator } from '../../simulators/index.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { IntegrationSyncService, PAX8_SYNC_PARTS } from '../../src/integrations/integration-sync.service.js';
import { MappingService } from '../../src/mapping/mapping.service.js';
import { SnapshotsService } from '../../src/snapshots/snapshots.service.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { FAST_RETRY, bearer, panelOneTenant } from './support.js';

let api: TestApi;
let db: DataSource;
let sim: PanelOneSimulator;
let sync: IntegrationSyncService;
let tenant: string;

const stored = async () => ({
  agreements: await db.query(`SELECT id, organization_id, status, raw FROM panelone_agreement WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY id`, [tenant]),
  additions: await db.query(`SELECT id, agreement_id, catalog_item_id, quantity::int, unit_price::float, billing_cycle, cancelled_date, version, raw FROM panelone_addition
    WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY id`, [tenant]),
  items: await db.query(`SELECT id, sku, name, raw FROM panelone_catalog_item WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY id`, [tenant]),
});

beforeAll(async () => {
  // More agreements than one page of 1000 holds: 1600 clients.
  sim = await startPanelOneSimulator({ dataset: generateDataset({ clients: 1600, devices: 6000, subscriptions: 0, seed: 9 }) });
  api = await startTestApi();
  db = api.app.get<DataSource>(getDataSourceToken());
  api.app.get(IntegrationConnections).retryOptions = FAST_RETRY;
  sync = api.app.get(IntegrationSyncService);
  tenant = await panelOneTenant(api, sim, 'psa-sync');
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});
afterEach(() => sim.reset());

const billingRoutes = () => Object.entries(sim.stats().byRoute).filter(([route]) => /agreements|catalog/.test(route));

it('with PSA billing off, the sync neither calls the billing API nor stores anything of it', async () => {
  sim.resetStats();
  expect(await sync.syncPanelOneOrganizations(tenant)).toEqual({ organizations: sim.dataset.organizations.length });
  expect(billingRoutes()).toEqual([]);
  expect(await stored()).toEqual({ agreements: [], additions: [], items: [] });
});

let baseline: Awaited<ReturnType<typeof stored>>;

it('on: every agreement, the ACTIVE ones\' additions and the catalog, each once, over several pages', async () => {
  const world = sim.dataset.billing;
  expect(world.agreements.length).toBeGreaterThan(1000);
  sim.resetStats();
  const counts = await sync.syncPanelOneOrganizations(tenant, undefined, undefined, { billing: true });
  const active = world.agreements.filter((a) => a.status === 'ACTIVE');
  const activeIds = new Set(active.map((a) => a.id));
  const additions = world.additions.filter((a) => activeIds.has(a.agreementId));
  expect(counts).toEqual({ organizations: sim.dataset.organizations.length, psaCatalogItems: world.catalog.length,
    agreements: world.agreements.length, additions: additions.length });
  expect(sim.stats().byRoute['GET /api/v2/agreements']).toBe(Math.ceil(world.agreements.length / 1000));
  expect(sim.stats().byRoute['GET /api/v2/agreements/{id}/additions']).toBe(active.length);
  baseline = await stored();
  expect(baseline.agreements.map((a: { id: string }) => a.id)).toEqual(world.agreements.map((a) => a.id).sort());
  expect(baseline.additions.map((a: { id: string }) => a.id)).toEqual(additions.map((a) => a.id).sort());
  const sample = additions[0];
  expect(baseline.additions.find((a: { id: string }) => a.id === sample.id)).toMatchObject({
    agreement_id: sample.agreementId, catalog_item_id: sample.catalogItemId, quantity: sample.quantity, unit_price: sample.unitPrice,
    billing_cycle: sample.billingCycle, version: String(sample.version), raw: JSON.parse(JSON.stringify(sample)),
  });
});

it('a storm of 429s (with Retry-After) and 5xx recovers to the same rows', async () => {
  sim.setFaults({ seed: 3, rate429: 0.2, retryAfterRatio: 0.5, retryAfterSeconds: 0, rate5xx: 0.2 });
  await sync.syncPanelOneOrganizations(tenant, undefined, undefined, { billing: true });
  const faults = sim.stats().faults;
  expect(faults.rate429).toBeGreaterThan(0);
  expect(faults.rate5xx).toBeGreaterThan(0);
  expect(await stored()).toEqual(baseline);
});

it('a billing call that keeps failing fails the sync naming PanelOne and the call; the stored rows stay as they were', async () => {
  sim.setFaults({ failPaths: ['/api/v2/agreements/[^/]+/additions'] });
  const err = await sync.syncPanelOneOrganizations(tenant, undefined, undefined, { billing: true }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IntegrationError);
  expect((err as Error).message).toMatch(/PanelOne/);
  expect((err as Error).message).toMatch(/additions/);
  expect(await stored()).toEqual(baseline);
});

describe('the reconciliation of a generated world with PSA billing on', () => {
  let world: ReturnType<typeof generateDataset>;
  let pax8: Pax8Simulator;
  let panelone: PanelOneSimulator;
  let other: string;
  beforeAll(async () => {
    world = generateDataset({ seed: 11 });
    pax8 = await startPax8Simulator({ dataset: world });
    panelone = await startPanelOneSimulator({ dataset: world });
    other = await panelOneTenant(api, panelone, 'psa-world');
    const admin = bearer(await api.token(other, 'admin'));
    await api.http.put('/api/v1/integrations/pax8').set(admin)
      .send({ baseUrl: pax8.url, tokenUrl: pax8.tokenUrl, audience: pax8.audience, clientId: pax8.clientId, clientSecret: pax8.clientSecret, enabled: true }).expect(200);
    await api.http.put('/api/v1/settings').set(admin).send({ psaBilling: { enabled: true } }).expect(200);
    // The steps of full-reconcile, in its order (the worker's tool runs these services).
    await sync.syncPax8(other, [...PAX8_SYNC_PARTS]);
    await sync.syncPanelOneOrganizations(other, undefined, undefined, { billing: true });
    await api.app.get(MappingService).suggest(other);
    await api.app.get(SnapshotsService).take(other, { trigger: 'sync-all', devices: sync.panelOneDevicePages(other) });
  });
  afterAll(async () => {
    await pax8?.close();
    await panelone?.close();
  });

  it("every line's billed equals the world's truth, through the suggested PSA item mappings; each scenario is there", async () => {
    const viewer = bearer(await api.token(other, 'viewer'));
    const list = await api.http.get('/api/v1/reconciliation/clients?limit=200').set(viewer).expect(200);
    const lines = new Map<string, { billed: number; billedVariance: number; billingStatus: string }>();
    for (const row of list.body.items) for (const line of row.lines) lines.set(`${row.clientId}/${line.productId}`, line);
    const statuses = new Set<string>();
    let compared = 0;
    for (const truth of world.billing.truth) {
      const line = lines.get(`${truth.organizationId}/${truth.productId}`);
      if (!line || line.billed === undefined) continue;
      expect([truth.organizationId, truth.productId, line.billed]).toEqual([truth.organizationId, truth.productId, truth.billed]);
      statuses.add(line.billingStatus);
      compared++;
    }
    expect(compared).toBeGreaterThan(world.billing.truth.length * 0.8);
    expect([...statuses].sort()).toEqual(['billed', 'over-billed', 'under-billed']);
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(summary.underBilled.amount).toBeGreaterThan(0);
    const items = (await api.http.get('/api/v1/catalog/psa-items').set(bearer(await api.token(other, 'admin'))).expect(200)).body.items;
    expect(items.filter((i: { state: string }) => i.state === 'none').map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['Managed Workstation Bundle', 'Onsite Support (hourly)']));
  });
});
