// A snapshot whose process is killed (SIGKILL) mid-ingest leaves nothing: while it runs its rows
// are invisible to readers, and after the kill PostgreSQL has rolled them back.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestApi, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, uniqueTenant, type TestApi } from '../support/app.js';
import { db, pages, seedScenario, snapshots } from './scenario.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

it('a killed snapshot process leaves the previous results and no rows of its own', async () => {
  const tenant = uniqueTenant('kill');
  const devices = await seedScenario(api, tenant);
  const first = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  const viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  const before = (await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200)).body;

  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/snapshot-then-hang.mjs', import.meta.url)), tenant], {
    env: { ...process.env, PANELONE_JWT_SECRET: TEST_JWT_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, LOG_LEVEL: 'silent', PANELONE_ORIGINS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => { out += c; if (out.includes('SNAPSHOT-BUILDING')) resolve(); });
    child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
  });

  // Mid-transaction: 1,500 devices streamed into the COPY, none visible to anyone else.
  const [during] = await db(api).query(
    `SELECT (SELECT count(*) FROM snapshot WHERE tenant_id = $1)::int AS snapshots, (SELECT count(*) FROM snapshot_device WHERE tenant_id = $1)::int AS devices`, [tenant],
  );
  expect(during).toEqual({ snapshots: 1, devices: 27 });
  expect((await api.http.get('/api/v1/snapshots').set(viewer).expect(200)).body.items.map((s: { id: string }) => s.id)).toEqual([first.snapshotId]);

  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const [after] = await db(api).query(
    `SELECT (SELECT count(*) FROM snapshot WHERE tenant_id = $1)::int AS snapshots, (SELECT count(*) FROM snapshot_device WHERE tenant_id = $1)::int AS devices`, [tenant],
  );
  expect(after).toEqual({ snapshots: 1, devices: 27 });
  expect((await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200)).body).toEqual(before);
  // And the next snapshot works normally.
  const next = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  expect(next.deviceCount).toBe(27);
});
