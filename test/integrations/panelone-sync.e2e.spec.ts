// PanelOne against its simulator: cursor paging of organizations (stored in bulk) and devices
// (streamed a page at a time), each record once; fault storms recover to the same result as a
// fault-free run; failures end in a clear error naming PanelOne and the call, with the stored
// organizations untouched.
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { generateDataset, startPanelOneSimulator, type PanelOneSimulator } from '../../simulators/index.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { OutboundHttp } from '../../src/outbound/outbound-http.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { PanelOneClient } from '../../src/integrations/panelone.client.js';
import { IntegrationSyncService, type PanelOneDevice } from '../../src/integrations/integration-sync.service.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { FAST_RETRY, integrationStatus, panelOneTenant, storedOrganizations } from './support.js';

let api: TestApi;
let db: DataSource;
let sim: PanelOneSimulator;
let sync: IntegrationSyncService;
let tenant: string;
let baselineOrganizations: unknown[];
let baselineDevices: Map<string, PanelOneDevice>;

beforeAll(async () => {
  sim = await startPanelOneSimulator({ dataset: generateDataset({ clients: 1100, devices: 2500, seed: 5 }) });
  api = await startTestApi();
  db = api.app.get<DataSource>(getDataSourceToken());
  api.app.get(IntegrationConnections).retryOptions = FAST_RETRY;
  sync = api.app.get(IntegrationSyncService);
  tenant = await panelOneTenant(api, sim, 'p1');
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});
afterEach(() => sim.reset());

/** Walks the device stream; fails the test if a device comes twice or a page is over 1000. */
async function walkDevices(tenantId: string): Promise<{ devices: Map<string, PanelOneDevice>; pages: number }> {
  const devices = new Map<string, PanelOneDevice>();
  let pages = 0;
  for await (const page of sync.panelOneDevicePages(tenantId)) {
    pages++;
    expect(page.length).toBeLessThanOrEqual(1000);
    for (const device of page) {
      expect(devices.has(device.id)).toBe(false);
      devices.set(device.id, device);
    }
  }
  return { devices, pages };
}

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IntegrationError);
  return err as IntegrationError;
}

const drain = async (pages: AsyncIterable<unknown>) => {
  for await (const _page of pages) { /* streamed and dropped */ }
};

describe('a fault-free sync', () => {
  it('stores every organization once, following the cursor until it is null', async () => {
    const d = sim.dataset;
    expect(d.organizations.length).toBeGreaterThan(1000);
    sim.resetStats();
    const counts = await sync.syncPanelOneOrganizations(tenant);
    expect(counts).toEqual({ organizations: d.organizations.length });
    expect(sim.stats().byRoute['GET /api/v2/organizations']).toBe(Math.ceil(d.organizations.length / 1000));
    baselineOrganizations = await storedOrganizations(db, tenant);
    expect(baselineOrganizations.map((o) => (o as { id: string }).id)).toEqual(d.organizations.map((o) => o.id).sort());
    const first = d.organizations[0];
    expect(baselineOrganizations.find((o) => (o as { id: string }).id === first.id)).toMatchObject({
      name: first.name, external_ref: first.externalRef, raw: JSON.parse(JSON.stringify(first)), removed: false,
    });
    expect(await integrationStatus(api, tenant, 'panelone')).toMatchObject({ status: 'ok', lastError: null });
  });

  it('streams every device once, a page of at most 1000 at a time', async () => {
    sim.resetStats();
    const { devices, pages } = await walkDevices(tenant);
    expect(devices.size).toBe(sim.dataset.devices.count);
    expect(pages).toBe(Math.ceil(sim.dataset.devices.count / 1000));
    expect(sim.stats().byRoute['GET /api/v2/devices']).toBe(pages);
    baselineDevices = devices;
  });
});

describe('faults that a sync recovers from', () => {
  it.each([
    ['a 429 storm, half with Retry-After', { rate429: 0.5, retryAfterRatio: 0.5, seed: 21 }],
    ['5xx answers and dropped connections', { rate5xx: 0.2, dropRate: 0.1, seed: 22 }],
    ['slow answers', { slowRate: 0.5, slowMs: 30, seed: 23 }],
    ['records moving between pages', { shiftBetweenPages: true }],
  ])('%s: the same organizations and devices as the fault-free run', async (_label, faults) => {
    const other = await panelOneTenant(api, sim, 'p1-fault');
    sim.setFaults(faults);
    await sync.syncPanelOneOrganizations(other);
    const { devices } = await walkDevices(other);
    expect(sim.stats().faultsInjected).toBeGreaterThan(0);
    expect(await storedOrganizations(db, other)).toEqual(baselineOrganizations);
    expect(devices).toEqual(baselineDevices);
  });
});

describe('failures', () => {
  it('a permanently failing upstream ends in a clear error naming PanelOne and the call; stored organizations untouched', async () => {
    const before = await storedOrganizations(db, tenant, { withSeen: true });
    sim.setFaults({ down: true });
    const orgErr = await failure(sync.syncPanelOneOrganizations(tenant));
    expect(orgErr).toMatchObject({ kind: 'upstream-down', integration: 'panelone', call: 'GET /api/v2/organizations page 1' });
    expect(orgErr.message).toMatch(/^PanelOne is unavailable \(GET \/api\/v2\/organizations page 1\): HTTP 503 Service unavailable, after 12 attempts\. Try again later\.$/);
    expect(await storedOrganizations(db, tenant, { withSeen: true })).toEqual(before);

    const deviceErr = await failure(drain(sync.panelOneDevicePages(tenant)));
    expect(deviceErr).toMatchObject({ kind: 'upstream-down', call: 'GET /api/v2/devices page 1' });
    expect(await integrationStatus(api, tenant, 'panelone')).toMatchObject({ status: 'error', lastError: deviceErr.message });
  });

  it('a failure on the second organizations page applies nothing; the next sync marks the vanished ones removed', async () => {
    const d = sim.dataset;
    const before = await storedOrganizations(db, tenant, { withSeen: true });
    const gone = d.organizations.pop()!;
    try {
      sim.setFaults({ failPaths: ['^/api/v2/organizations\\?.*after='] });
      const err = await failure(sync.syncPanelOneOrganizations(tenant));
      expect(err.call).toBe('GET /api/v2/organizations page 2');
      expect(await storedOrganizations(db, tenant, { withSeen: true })).toEqual(before);
      sim.reset();
      await sync.syncPanelOneOrganizations(tenant);
      const after = await storedOrganizations(db, tenant);
      expect(after.filter((o: { removed: boolean }) => o.removed).map((o: { id: string }) => o.id)).toEqual([gone.id]);
    } finally {
      d.organizations.push(gone);
    }
  });

  it('a malformed device page fails the stream cleanly', async () => {
    sim.setFaults({ malformedRate: 1 });
    const err = await failure(drain(sync.panelOneDevicePages(tenant)));
    expect(err).toMatchObject({ kind: 'malformed-response', integration: 'panelone', call: 'GET /api/v2/devices page 1' });
    expect(err.message).toMatch(/^PanelOne sent a response in an unexpected format \(GET \/api\/v2\/devices page 1\): the body is not valid JSON\./);
  });

  it('an upstream that never answers in time ends in a timeout error after the bounded attempts', async () => {
    sim.setFaults({ slowRate: 1, slowMs: 400 });
    const client = new PanelOneClient({ baseUrl: sim.url, apiToken: sim.apiToken }, { ...FAST_RETRY, maxAttempts: 3, attemptTimeoutMs: 50 }, api.app.get(OutboundHttp));
    const err = await failure(drain(client.organizationPages()));
    expect(err).toMatchObject({ kind: 'timeout', integration: 'panelone', call: 'GET /api/v2/organizations page 1' });
    expect(err.message).toBe('PanelOne did not answer in time (GET /api/v2/organizations page 1): no answer after 3 attempts. Try again later.');
  });

  it('a caller that cancels the device stream gets its abort, and the integration status is left alone', async () => {
    const before = await integrationStatus(api, tenant, 'panelone');
    const controller = new AbortController();
    sim.setFaults({ slowRate: 1, slowMs: 200 });
    const walking = drain(sync.panelOneDevicePages(tenant, controller.signal));
    setTimeout(() => controller.abort(new Error('stopped by the caller')), 20);
    await expect(walking).rejects.toThrow('stopped by the caller');
    expect(await integrationStatus(api, tenant, 'panelone')).toEqual(before);
  });

  it('a wrong API token is a bad-credentials error that does not contain the token', async () => {
    const other = await panelOneTenant(api, sim, 'p1-bad');
    const admin = { Authorization: `Bearer ${await api.token(other, 'admin')}` };
    await api.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl: sim.url, apiToken: 'p1-wrong-token-xyz', enabled: true }).expect(200);
    const err = await failure(sync.syncPanelOneOrganizations(other));
    expect(err).toMatchObject({ kind: 'bad-credentials', call: 'GET /api/v2/organizations page 1' });
    expect(err.message).toBe('PanelOne rejected the credentials (GET /api/v2/organizations page 1): Invalid API token. Check the PanelOne credentials on the integrations settings page.');
    expect(await integrationStatus(api, other, 'panelone')).toMatchObject({ status: 'error', lastError: err.message });
  });
});
