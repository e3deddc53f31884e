// PostgreSQL restarted during a snapshot. A SECOND cluster this spec owns (embedded PostgreSQL in a
// temp dir) backs its own API and worker; the shared test database is not touched. While the
// cluster is down the API answers 503 in the standard error shape (summary and health); it recovers
// by itself once PostgreSQL is back on the same port; the snapshot interrupted by the restart ends
// failed and is never visible, and the last complete snapshot is still the one served.
import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { signContextToken } from '../../src/auth/context-token.js';
import type { Role } from '../../src/auth/principal.js';
import { createApi, createWorker, initApi } from '../../src/bootstrap.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/database/embedded.js';
import { runMigrations } from '../../src/database/migrate.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { TEST_JWT_SECRET, testConfig, uniqueTenant, type TestApi } from '../support/app.js';
import { WORKER_ENV } from '../sync/support.js';
import { bearer, configureTenant, expectErrorShape, startUpstreams, summary, until, type Upstreams } from './support.js';

jest.setTimeout(900_000);

const tenant = uniqueTenant('pgr');
let dir: string;
let cluster: EmbeddedHandle | undefined;
let port: number;
let url: string;
let app: NestFastifyApplication;
let worker: INestApplicationContext;
let up: Upstreams;
let http: ReturnType<typeof request>;
const token = (role: Role) => signContextToken({ secret: TEST_JWT_SECRET, tenantId: tenant, roles: [role] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'b1r-pgrestart-'));
  cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), database: 'restart' });
  port = cluster.port;
  url = cluster.url;
  await runMigrations(url);
  const config = testConfig({ ...WORKER_ENV, DATABASE_URL: url });
  app = await createApi(config, url);
  await initApi(app);
  http = request(app.getHttpServer());
  worker = await createWorker(config, url);
  worker.get(IntegrationConnections).retryOptions = { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 5_000, totalTimeoutMs: 10_000 };
  await worker.init();
  up = await startUpstreams({ seed: 31, clients: 10, devices: 3000 });
});
afterAll(async () => {
  await worker?.close().catch(() => undefined);
  await app?.close().catch(() => undefined);
  await up?.close();
  await cluster?.stop().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(id: string) {
  return (await http.get(`/api/v1/sync/runs/${id}`).set(bearer(await token('viewer'))).expect(200)).body;
}

it('answers 503 in the standard shape while PostgreSQL is down, recovers by itself, and never shows the interrupted snapshot', async () => {
  await configureTenant({ http, token: (_t: string, role: Role) => token(role) } as unknown as TestApi, tenant, up);
  const tech = bearer(await token('technician'));
  const viewer = bearer(await token('viewer'));

  // A first, complete snapshot.
  const first = await http.post('/api/v1/snapshots').set(tech).expect(202);
  const done = await until('the first snapshot', async () => { const r = await run(first.body.id); return ['succeeded', 'failed'].includes(r.status) && r; }, 240_000, 250);
  expect(done.status).toBe('succeeded');
  const listBefore = (await http.get('/api/v1/snapshots').set(viewer).expect(200)).body;
  const summaryBefore = (await http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
  expect(listBefore.items).toHaveLength(1);

  // A second snapshot, slowed down upstream so it is mid-way when PostgreSQL goes away.
  up.panelone.setFaults({ slowRate: 1, slowMs: 400 });
  const second = await http.post('/api/v1/snapshots').set(tech).expect(202);
  await until('the second snapshot to be under way', async () => {
    const r = await run(second.body.id);
    return r.status === 'running' && r.progress.done > 0;
  }, 240_000, 100);

  await cluster!.stop();
  cluster = undefined;

  const down = await until('a 503 from the summary', async () => {
    const res = await http.get('/api/v1/reconciliation/summary').set(viewer);
    return res.status === 503 && res;
  }, 120_000, 250);
  expectErrorShape(down.body, 503, 'summary while PostgreSQL is down');
  expect(down.body.message).toMatch(/database is unavailable/i);
  const health = await http.get('/api/v1/health');
  expectErrorShape(health.body, 503, 'health while PostgreSQL is down');
  const list = await http.get('/api/v1/snapshots').set(viewer);
  expectErrorShape(list.body, 503, 'snapshot list while PostgreSQL is down');

  // Whatever retries the interrupted run gets, PanelOne is down from now on: it can only fail.
  up.panelone.setFaults({ down: true });
  cluster = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, database: 'restart' });

  await until('the API to recover by itself', async () => (await http.get('/api/v1/health')).status === 200, 180_000, 500);
  await until('the summary to be served again', async () => (await http.get('/api/v1/reconciliation/summary').set(viewer)).status === 200, 180_000, 500);
  const interrupted = await until('the interrupted run to end', async () => { const r = await run(second.body.id); return ['succeeded', 'failed'].includes(r.status) && r; }, 300_000, 500);
  expect(interrupted.status).toBe('failed');
  expect(interrupted.error).toEqual(expect.any(String));
  // A retry of it may have been queued (lease reclaim); with PanelOne down it fails too. Nothing stays queued or running.
  const runs = await until('every run to end', async () => {
    const res = await http.get('/api/v1/sync/runs').set(viewer).expect(200);
    return res.body.items.every((r: { status: string }) => r.status === 'succeeded' || r.status === 'failed') && res.body.items;
  }, 300_000, 500);
  expect(runs.filter((r: { status: string }) => r.status === 'succeeded')).toHaveLength(1); // the first snapshot only

  expect((await http.get('/api/v1/snapshots').set(viewer).expect(200)).body).toEqual(listBefore);
  expect((await http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body).toEqual(summaryBefore);

  // In the database: no snapshot left half-built, and the complete one holds all its rows.
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT s.status, s.device_count, (SELECT count(*)::int FROM snapshot_device d WHERE d.tenant_id = s.tenant_id AND d.snapshot_id = s.id) AS rows
       FROM snapshot s WHERE s.tenant_id = $1`, [tenant]);
    expect(rows.filter((r) => r.status === 'complete')).toEqual([{ status: 'complete', device_count: 3000, rows: 3000 }]);
    expect(rows.filter((r) => r.status !== 'complete' && r.status !== 'failed')).toEqual([]);
    expect(rows.filter((r) => r.status !== 'complete').every((r) => r.rows === 0)).toBe(true);
    const stuck = await db.query(`SELECT id, status FROM sync_run WHERE tenant_id = $1 AND status IN ('queued', 'running')`, [tenant]);
    expect(stuck.rows).toEqual([]);
  } finally {
    await db.end();
  }
  summary('pg-restart', { restarts: 1, status503Checked: 3 });
});
