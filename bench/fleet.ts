// The "everyone due at once" phase: N tenants (default 500), each a small world (~10 clients,
// ~500 devices) with its own Pax8 credentials on one simulator that enforces Pax8's 1,000 calls
// a minute per credential, all scheduled for the same minute, worked by 2 worker processes on a
// queue of their own. Reports when the last run finished, each tenant's wait (due → started),
// whether every run succeeded, the claim order's interleaving and the 429s the product caused.
import pg from 'pg';
import { freePort } from '../src/database/embedded.js';
import { startNode, type Child } from './processes.js';

export interface FleetOptions {
  tenants: number;
  env: NodeJS.ProcessEnv;
  /** node flags of the workers (those of npm run start:worker). */
  workerFlags: string[];
  databaseUrl: string;
  callAs: (tenantId: string) => <T>(method: string, path: string, body?: unknown) => Promise<T>;
  children: Child[];
  log: (m: string) => void;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export async function fleetPhase(o: FleetOptions) {
  const sims = await startNode('fleet-simulators', [
    'dist/simulators/main.js', '--profile', 'scale', '--pax8-port', '0', '--panelone-port', '0',
    '--clients', '10', '--devices', '500', '--subscriptions', '60', '--seed', '7', '--pax8-rate-limit', '1000',
  ], process.env, /^\{/, 120_000);
  o.children.push(sims.child);
  const sim = JSON.parse(sims.line) as { pax8: { url: string; tokenUrl: string; audience: string; clientId: string; clientSecret: string }; panelone: { url: string; apiToken: string } };
  const queue = 'bench-fleet';
  const port = await freePort();
  const env = { ...o.env, PORT: String(port), SYNC_QUEUE_NAME: queue, SYNC_SCHEDULE_TICK_SECONDS: '5', SYNC_CONCURRENCY: '2', PAX8_CALLS_PER_MINUTE: '900' }; // its simulator is Pax8's 1,000 a minute
  const api = await startNode('fleet-api', ['dist/src/main.js'], env, /listening on/);
  o.children.push(api.child);
  const base = `http://127.0.0.1:${port}/api/v1`;

  // The tenants, their credentials and a schedule two minutes ahead (the same minute for all).
  const prefix = `fleet-${Date.now().toString(36)}`;
  const ids = Array.from({ length: o.tenants }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map(async (tenant, j) => {
      const call = o.callAs(tenant);
      await call('PUT', '/integrations/pax8', { baseUrl: sim.pax8.url, tokenUrl: sim.pax8.tokenUrl, audience: sim.pax8.audience,
        clientId: `${sim.pax8.clientId}.t${i + j}`, clientSecret: sim.pax8.clientSecret, enabled: true });
      await call('PUT', '/integrations/panelone', { baseUrl: sim.panelone.url, apiToken: sim.panelone.apiToken, enabled: true });
    }));
  }
  void base;
  o.log(`fleet: ${ids.length} tenants set up in ${Math.round(performance.now() - t0)} ms`);
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    const due = new Date(Math.ceil((Date.now() + 40_000) / 60_000) * 60_000);
    await db.query(
      `UPDATE tenant_settings SET schedule_cron = $2, schedule_time_zone = 'UTC', schedule_enabled = true WHERE tenant_id LIKE $1 || '-%'`,
      [prefix, `${due.getUTCMinutes()} ${due.getUTCHours()} * * *`]);
    await db.query(`UPDATE tenant SET created_at = now() - interval '1 day' WHERE tenant_id LIKE $1 || '-%'`, [prefix]);
    await fetch(`${new URL(sim.pax8.url).origin}/_sim/reset-stats`, { method: 'POST' });
    const workers = await Promise.all([0, 1].map((n) => startNode(`fleet-worker-${n}`, [...o.workerFlags, 'dist/src/worker.js'], env, /worker started/)));
    for (const w of workers) o.children.push(w.child);
    o.log(`fleet: all ${ids.length} due at ${due.toISOString()}; 2 workers × SYNC_CONCURRENCY 2`);

    let runs: Array<{ tenant_id: string; status: string; created_at: Date; started_at: Date | null; finished_at: Date | null }> = [];
    const deadline = Date.now() + 60 * 60_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      runs = (await db.query(
        `SELECT tenant_id, status, created_at, started_at, finished_at FROM sync_run WHERE tenant_id LIKE $1 || '-%' AND tool = 'sync-all'`, [prefix])).rows;
      const done = runs.filter((r) => r.status === 'succeeded' || r.status === 'failed').length;
      if (runs.length === ids.length && done === ids.length) break;
      if (Date.now() > deadline) throw new Error(`fleet: ${done} of ${ids.length} runs done after an hour`);
    }
    await Promise.all(workers.map((w) => w.child.stop()));
    const stats = await (await fetch(`${new URL(sim.pax8.url).origin}/_sim/stats`)).json() as { totalCalls: number; byStatus: Record<string, number> };
    const dueMs = due.getTime();
    const waits = runs.map((r) => new Date(r.started_at!).getTime() - dueMs).sort((a, b) => a - b);
    const lastFinished = Math.max(...runs.map((r) => new Date(r.finished_at!).getTime()));
    // Interleaving: in claim order, how many tenants had a run started before the last tenant's first.
    const order = [...runs].sort((a, b) => new Date(a.started_at!).getTime() - new Date(b.started_at!).getTime());
    const durations = runs.map((r) => new Date(r.finished_at!).getTime() - new Date(r.started_at!).getTime()).sort((a, b) => a - b);
    return {
      tenants: ids.length, succeeded: runs.filter((r) => r.status === 'succeeded').length, failed: runs.filter((r) => r.status === 'failed').length,
      workers: 2, concurrencyPerWorker: 2, dueAt: due.toISOString(),
      untilLastFinishedSeconds: Math.round((lastFinished - dueMs) / 100) / 10,
      waitMs: { p50: pct(waits, 50), p95: pct(waits, 95), max: waits[waits.length - 1], firstClaim: waits[0] },
      runMs: { p50: pct(durations, 50), p95: pct(durations, 95), max: durations[durations.length - 1] },
      // The floor: the runs' own time spread over 4 slots, were nothing else waiting.
      floorSeconds: Math.round(durations.reduce((a, b) => a + b, 0) / 4 / 100) / 10,
      pax8: { calls: stats.totalCalls, status429: stats.byStatus['429'] ?? 0 },
      firstTenantsClaimed: order.slice(0, 3).map((r) => r.tenant_id.slice(prefix.length + 1)),
    };
  } finally {
    await db.end();
  }
}
