// Workers for the sync specs: in-process Nest worker contexts and a compiled worker in a child
// process, all on the test database, with short leases and ticks so the specs stay quick.
import type { INestApplicationContext } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWorker } from '../../src/bootstrap.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, testConfig, type TestApi } from '../support/app.js';
import { generateDataset, startPanelOneSimulator, startPax8Simulator, type DatasetOptions, type PanelOneSimulator, type Pax8Simulator } from '../../simulators/index.js';

export const WORKER_ENV: Record<string, string> = {
  SYNC_LEASE_SECONDS: '8', // generous: a CPU-starved test machine must not look like a dead worker
  SYNC_HEARTBEAT_SECONDS: '1',
  SYNC_LEASE_CHECK_SECONDS: '1',
  SYNC_POLL_SECONDS: '1',
  SYNC_MAX_ATTEMPTS: '2',
  SYNC_RETRY_DELAY_SECONDS: '1',
  SYNC_SCHEDULE_TICK_SECONDS: '1',
  SYNC_SCHEDULE_GRACE_SECONDS: '2',
  SYNC_PROGRESS_THROTTLE_MS: '200',
  SYNC_SHUTDOWN_GRACE_SECONDS: '1',
  PAX8_CALLS_PER_MINUTE: '0', // as testConfig: the test simulators enforce no rate limit
};

/** Upstream calls give up quickly, so a permanent outage fails a run in seconds. */
const QUICK_RETRY = { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, totalTimeoutMs: 10_000 };

export async function startWorker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const app = await createWorker(testConfig({ ...WORKER_ENV, ...env }), process.env.DATABASE_URL!);
  app.get(IntegrationConnections).retryOptions = QUICK_RETRY;
  await app.init();
  return app;
}

/** `node dist/src/worker.js`, as deployed; resolves once it says it started. */
export async function startWorkerProcess(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/worker.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: process.env.DATABASE_URL!,
      PANELONE_JWT_SECRET: TEST_JWT_SECRET,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      OUTBOUND_ALLOWLIST: '127.0.0.0/8,::1,localhost',
      ...WORKER_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${output.slice(-2000)}`)));
  });
  return child;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 90_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

export interface Upstreams {
  pax8: Pax8Simulator;
  panelone: PanelOneSimulator;
  close(): Promise<void>;
}

/** Both simulators over one world (enough devices for a snapshot of many pages). */
export async function startUpstreams(world: DatasetOptions = { clients: 60, devices: 12_000 }): Promise<Upstreams> {
  const dataset = generateDataset(world);
  const pax8 = await startPax8Simulator({ dataset });
  const panelone = await startPanelOneSimulator({ dataset });
  return { pax8, panelone, close: async () => { await pax8.close(); await panelone.close(); } };
}

/** Configures both integrations for a tenant through the admin API, as an admin would. */
export async function configureTenant(api: TestApi, tenant: string, up: Upstreams): Promise<void> {
  const admin = bearer(await api.token(tenant, 'admin'));
  await api.http.put('/api/v1/integrations/pax8').set(admin).send({
    baseUrl: up.pax8.url, tokenUrl: up.pax8.tokenUrl, audience: up.pax8.audience,
    clientId: up.pax8.clientId, clientSecret: up.pax8.clientSecret, enabled: true,
  }).expect(200);
  await api.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl: up.panelone.url, apiToken: up.panelone.apiToken, enabled: true }).expect(200);
}
