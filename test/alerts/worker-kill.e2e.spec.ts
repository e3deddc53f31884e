// An alert is written to the outbox in the reconciliation's own transaction, so a worker that
// dies after the COMMIT loses nothing: here the worker process sends, the receiver holds the
// request unanswered, the worker is SIGKILLed, and a fresh worker process delivers it, with the
// same X-B1R-Delivery id (the receiver acts on it once).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestApi, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, uniqueTenant, type TestApi } from '../support/app.js';
import { pages, seedScenario, snapshots } from '../reconciliation/scenario.js';
import { WebhookReceiver } from './support.js';

const SECRET = 'whsec-kill-0123456789abcdef';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(); // no worker modules: only the child processes deliver
});
afterAll(() => api.close());

function startWorker(): { child: ChildProcess; ready: Promise<void>; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/alert-worker.mjs', import.meta.url))], {
    env: {
      ...process.env, PANELONE_JWT_SECRET: TEST_JWT_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, LOG_LEVEL: 'silent', PANELONE_ORIGINS: '',
      OUTBOUND_ALLOWLIST: '127.0.0.0/8', ALERT_ATTEMPT_TIMEOUT_MS: '1000', ALERT_RETRY_BASE_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => { stderr += c; });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => { out += c; if (out.includes('WORKER-READY')) resolve(); });
    child.on('exit', () => reject(new Error(`worker exited early: ${stderr}`)));
  });
  return { child, ready, exited };
}

it('a worker SIGKILLed after the commit: a fresh worker delivers the alert, with the same delivery id', async () => {
  const tenant = uniqueTenant('alerts-kill');
  const devices = await seedScenario(api, tenant);
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
  const receiver = new WebhookReceiver(SECRET);
  const url = await receiver.start();
  await api.http.put('/api/v1/alerts/channels').set(admin).send({ channels: [{ kind: 'webhook', name: 'hook', enabled: true, url, secret: SECRET }] }).expect(200);

  const first = startWorker();
  try {
    await first.ready;
    receiver.mode = 'hang';
    await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices.filter((d) => !['b5', 'b6'].includes(d.id))) });
    await receiver.waitFor(() => receiver.requests.length === 1);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
  } finally {
    first.child.kill('SIGKILL');
  }
  expect(receiver.alerts.size).toBe(0);

  receiver.mode = 200;
  const second = startWorker();
  try {
    await second.ready;
    await receiver.waitFor(() => receiver.alerts.size === 1);
    const ids = receiver.requests.map((r) => r.deliveryId);
    expect(new Set(ids).size).toBe(1);
    expect([...receiver.alerts.values()][0].body.counts).toEqual({ new: 0, worsened: 1, closed: 1 });
    const log = (await api.http.get('/api/v1/alerts/deliveries').set(admin).expect(200)).body;
    expect(log.items).toHaveLength(1);
    expect(log.items[0].id).toBe(ids[0]);
  } finally {
    second.child.kill('SIGKILL');
    await second.exited;
    await receiver.close();
  }
});
