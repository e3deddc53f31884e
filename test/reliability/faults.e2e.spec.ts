// Upstream faults through the simulators' seeded fault engine, over real HTTP:
// - a full sync-all against a stormy upstream pair (10% 429 of which half carry Retry-After, 5% 5xx,
//   some slow calls and some dropped sockets, on both APIs and the Pax8 token endpoint) stores exactly
//   what the same sync-all stores against a calm pair of the same world: every synced, snapshot and
//   reconciliation table compared row by row (timestamps and generated ids aside), and the same
//   reconciliation as the API shows it;
// - an upstream that stays down: the run fails, in plain words, within a bounded time; the data
//   synced before and the last complete snapshot are unchanged and still served.
// SIGKILL of a worker mid-run is covered by test/sync/worker.e2e.spec.ts (not repeated here).
import { jest } from '@jest/globals';
import type pg from 'pg';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, configureTenant, dumpTenant, ownQueue, pool, runTool, startUpstreams, startWorker, summary, type Upstreams, type Worker } from './support.js';

jest.setTimeout(900_000);

/** Tables whose content a sync, snapshot or reconcile writes (compared between the two runs). */
const DATA_TABLES = [
  'pax8_company', 'pax8_contact', 'pax8_product', 'pax8_product_pricing', 'pax8_subscription', 'panelone_organization',
  'client_mapping', 'product_setting', 'snapshot', 'snapshot_client', 'snapshot_device', 'reconciliation_client', 'reconciliation_line', 'tenant_settings',
];

const STORM = { seed: 8, rate429: 0.1, retryAfterRatio: 0.5, retryAfterSeconds: 1, rate5xx: 0.05, slowRate: 0.05, slowMs: 400, dropRate: 0.03, includeTokenEndpoint: true };
/** Enough attempts to ride out the storm, short waits (Retry-After is still honoured, up to 1 s). */
const STORM_RETRY = { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 100, retryAfterCapMs: 1000, attemptTimeoutMs: 10_000, totalTimeoutMs: 180_000 };
/** A permanent outage gives up after at most this long per call. */
const OUTAGE_RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, retryAfterCapMs: 100, attemptTimeoutMs: 5_000, totalTimeoutMs: 15_000 };

const QUEUE = ownQueue('faults');
const WORLD = { seed: 5, clients: 40, devices: 6000, now: Date.UTC(2026, 10, 20, 12) };

let api: TestApi;
let db: pg.Pool;
let worker: Worker;
const up: Record<'calm' | 'storm', Upstreams> = {} as never;
const T = { calm: uniqueTenant('calm'), storm: uniqueTenant('storm') };

beforeAll(async () => {
  api = await startTestApi({ env: QUEUE });
  db = pool();
  up.calm = await startUpstreams(WORLD);
  up.storm = await startUpstreams(WORLD);
  worker = await startWorker(QUEUE);
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await db?.end();
  await up.calm?.close();
  await up.storm?.close();
});

async function dataDump(tenant: string) {
  const dump = await dumpTenant(db, tenant, { stable: true });
  return Object.fromEntries(DATA_TABLES.map((t) => [t, dump[t]]));
}

/** The reconciliation a viewer sees, without ids and timestamps. */
async function reconciliation(tenant: string): Promise<unknown> {
  const viewer = bearer(await api.token(tenant, 'viewer'));
  const summaryRes = await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200);
  const clients = await api.http.get('/api/v1/reconciliation/clients').query({ limit: 500 }).set(viewer).expect(200);
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (['id', 'snapshotId', 'takenAt', 'completedAt', 'asOf', 'generatedAt'].includes(k) ? undefined : x)));
  return { summary: strip(summaryRes.body), clients: strip(clients.body) };
}

it('a sync-all through 429s (half with Retry-After), 5xx, slow and dropped calls stores exactly what a calm run stores', async () => {
  worker.get(IntegrationConnections).retryOptions = STORM_RETRY;
  await configureTenant(api, T.calm, up.calm);
  await configureTenant(api, T.storm, up.storm);

  const calm = await runTool(api, T.calm, 'sync-all');
  expect(calm.error).toBeNull();
  expect(calm.status).toBe('succeeded');

  up.storm.pax8.setFaults(STORM);
  up.storm.panelone.setFaults(STORM);
  const storm = await runTool(api, T.storm, 'sync-all', 600_000);
  expect(storm.error).toBeNull();
  expect(storm.status).toBe('succeeded');
  const stats = [up.storm.pax8.stats(), up.storm.panelone.stats()];
  up.storm.pax8.setFaults({});
  up.storm.panelone.setFaults({});

  const injected = stats.reduce((n, s) => n + s.faultsInjected, 0);
  const byKind: Record<string, number> = {};
  for (const s of stats) for (const [k, v] of Object.entries(s.faults)) byKind[k] = (byKind[k] ?? 0) + v;
  // The storm really happened: every kind of fault was injected.
  expect(byKind.rate429).toBeGreaterThan(0);
  expect(byKind.rate5xx).toBeGreaterThan(0);
  expect(byKind.slow).toBeGreaterThan(0);
  expect(byKind.drop).toBeGreaterThan(0);

  const calmData = await dataDump(T.calm);
  expect(calmData.snapshot_device.length).toBe(WORLD.devices);
  expect(calmData.pax8_company.length).toBeGreaterThan(0);
  expect(await dataDump(T.storm)).toEqual(calmData);
  expect(await reconciliation(T.storm)).toEqual(await reconciliation(T.calm));

  summary('faults', {
    upstreamCalls: stats.reduce((n, s) => n + s.totalCalls, 0), faultsInjected: injected,
    ...Object.fromEntries(Object.entries(byKind).filter(([, v]) => v > 0)),
    rowsCompared: Object.values(calmData).reduce((n, rows) => n + rows.length, 0),
  });
});

it('an upstream that stays down fails the run in plain words, in bounded time; synced data and the last snapshot stay and are served', async () => {
  worker.get(IntegrationConnections).retryOptions = OUTAGE_RETRY;
  const tenant = T.calm; // synced and snapshotted by the test above (or below, when run alone)
  if (!(await db.query(`SELECT 1 FROM snapshot WHERE tenant_id = $1 AND status = 'complete'`, [tenant])).rowCount) {
    await configureTenant(api, tenant, up.calm);
    expect((await runTool(api, tenant, 'sync-all')).status).toBe('succeeded');
  }
  const viewer = bearer(await api.token(tenant, 'viewer'));
  const before = await dataDump(tenant);
  const snapshotsBefore = (await api.http.get('/api/v1/snapshots').set(viewer).expect(200)).body.items;
  const summaryBefore = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;

  for (const [label, sim] of [['Pax8', up.calm.pax8], ['PanelOne', up.calm.panelone]] as const) {
    sim.setFaults({ down: true, includeTokenEndpoint: true });
    // The deadline is generous for a loaded machine; the bound itself is OUTAGE_RETRY per call and
    // the worker's attempts: a run that never ended would time out here.
    const run = await runTool(api, tenant, 'sync-all', 300_000);
    sim.setFaults({});
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(new RegExp(`${label} is unavailable`));
    expect(run.error).not.toMatch(/undefined|\[object|TypeError|at .*\.js/);

    expect(await dataDump(tenant)).toEqual(before);
    expect((await api.http.get('/api/v1/snapshots').set(viewer).expect(200)).body.items).toEqual(snapshotsBefore);
    expect((await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body).toEqual(summaryBefore);
  }
  summary('outage', { upstreamsDown: 2 });
});
