// npm run bench [-- --clients 2000 --devices 250000 --subscriptions 12000] [--quick] [--duration 10] [--scale N]
//   [--history] [--fleet N] [--pax8-rate-limit 1000] (see docs/performance.md)
// Measures the product at MSP scale against the simulators' deterministic scale data and a real
// PostgreSQL (DATABASE_URL's server, else an embedded one in a temp folder), then prints a table
// and writes bench-results/latest.json. See docs/performance.md.
import 'reflect-metadata';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { signContextToken } from '../src/auth/context-token.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../src/database/embedded.js';
import { runMigrations } from '../src/database/migrate.js';
import { freePort } from '../src/database/embedded.js';
import { buildHistory, checkpoint, deviceRowSize, HISTORY_MONTHS, measureReads, measureRetention } from './history.js';
import { fleetPhase } from './fleet.js';
import { widgetTimings } from './widgets.js';
import { measurePickup } from './pickup.js';
import { memoryOf, resetPeak, sampleMemory, startNode, type Child } from './processes.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string' },
    devices: { type: 'string' },
    subscriptions: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string', default: '50' },
    'profile-api': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    history: { type: 'boolean' },
    fleet: { type: 'string' },
    scale: { type: 'string' },
    'pax8-rate-limit': { type: 'string', default: '1000' },
  },
  strict: true,
  allowNegative: true, // --no-history
});
const quick = args.quick!;
// --scale N multiplies the world (full: 2,000 clients, 250,000 devices; --scale 10: 20,000 and 2,500,000).
const factor = Number(args.scale ?? 1);
// The history phase runs in the full bench, and in a quick one when asked (--history); a scaled
// run only when asked (24 months of 2,500,000 devices are 60 million rows).
const withHistory = args.history ?? (!quick && factor === 1);
// Everyone due at once: tenants in the fleet phase (full run: 500; quick or scaled: only with --fleet N; 0 skips).
const fleetTenants = Number(args.fleet ?? (quick || factor !== 1 ? 0 : 500));
// Pax8's limit per credential, enforced by the simulator with 429s; the product paces itself at
// 90% of it. 1,000 as Pax8; a scaled run may raise it to spend its time on what it measures
// (at 1,000, --scale 10's 20,000 contact lists alone take ~22 minutes; the bench prints the pace).
const pax8RateLimit = Number(args['pax8-rate-limit']);
const scale = {
  clients: Number(args.clients ?? (quick ? 200 : 2000) * factor),
  devices: Number(args.devices ?? (quick ? 25_000 : 250_000) * factor),
  subscriptions: Number(args.subscriptions ?? (quick ? 1200 : 12_000) * factor),
};
const duration = Number(args.duration ?? (quick ? 3 : 10));
const warmup = quick ? 1 : 3;
const connections = Number(args.connections);

const JWT_SECRET = 'bench-panelone-shared-secret-0123456789abcdef';
const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
const PAX8_PAGE = 200;
const MB = 1024 * 1024;

const children: Child[] = [];
let embedded: EmbeddedHandle | undefined;
let scratchDir: string | undefined;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function database(): Promise<{ url: string; admin: string; name: string }> {
  const name = `bench_${Date.now().toString(36)}`;
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    scratchDir = mkdtempSync(join(tmpdir(), 'b1r-bench-'));
    embedded = await startEmbeddedPostgres({ dataDir: join(scratchDir, 'pg'), database: 'postgres' });
    admin = embedded.url;
  }
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return { url: url.toString(), admin, name };
}

interface RunDto { id: string; status: string; createdAt: string; startedAt: string | null; finishedAt: string | null; error: string | null; result: Record<string, any> | null }

/** The node flags of package.json's start:worker script (what production runs). */
function workerNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['start:worker'];
  return script.split(' ').filter((part) => part.startsWith('--'));
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 1024 ** 3), loadAtStart: loadavg().map((l) => round(l, 2)), node: process.version };
  log(`scale ${JSON.stringify(scale)}; machine ${JSON.stringify(machine)}`);

  // Simulators (deterministic scale generator) in their own process.
  const sims = await startNode('simulators', [
    'dist/simulators/main.js', '--profile', 'scale', '--pax8-port', '0', '--panelone-port', '0',
    '--clients', String(scale.clients), '--devices', String(scale.devices), '--subscriptions', String(scale.subscriptions),
    '--pax8-rate-limit', String(pax8RateLimit),
  ], process.env, /^\{/, 300_000);
  children.push(sims.child);
  const sim = JSON.parse(sims.line) as {
    pax8: { url: string; tokenUrl: string; audience: string; clientId: string; clientSecret: string };
    panelone: { url: string; apiToken: string };
    dataset: { organizations: number; companies: number; devices: number; subscriptions: number };
  };
  log(`simulators up: ${JSON.stringify(sim.dataset)}`);

  const db = await database();
  log(`database ${db.url} migrated (${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded'})`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', PANELONE_JWT_SECRET: JWT_SECRET, ENCRYPTION_KEY,
    LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_IP_PER_MINUTE: '100000000',
    SYNC_CONCURRENCY: '1', NODE_ENV: 'production', PAX8_CALLS_PER_MINUTE: String(Math.floor(pax8RateLimit * 0.9)),
    OUTBOUND_ALLOWLIST: '127.0.0.0/8,::1,localhost', // the simulators, on loopback
    PANELONE_ORIGINS: `http://127.0.0.1:${port}`, // the widget timings' host page, served at the API's origin
  };
  const profileArgs = args['profile-api'] ? ['--cpu-prof', '--cpu-prof-dir=bench-results/profiles'] : [];
  const api = await startNode('api', [...profileArgs, 'dist/src/main.js'], env, /listening on/);
  children.push(api.child);
  // The worker runs as `npm run start:worker` runs it (its V8 heap limits); BENCH_WORKER_FLAGS replaces them to try others.
  const workerFlags = process.env.BENCH_WORKER_FLAGS !== undefined
    ? process.env.BENCH_WORKER_FLAGS.split(' ').filter(Boolean)
    : workerNodeFlags();
  const worker = await startNode('worker', [...workerFlags, 'dist/src/worker.js'], env, /worker started/);
  children.push(worker.child);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const tenant = `bench-${Date.now().toString(36)}`;
  // Context tokens live at most 15 minutes: sign a fresh one for each step.
  const fresh = (tenantId = tenant) => signContextToken({ secret: JWT_SECRET, tenantId, roles: ['admin'], subject: 'bench-admin', ttlSeconds: 600 });
  const callAs = (tenantId: string) => async <T>(method: string, path: string, body?: unknown) => json<T>(`${base}${path}`, {
    method, headers: { Authorization: `Bearer ${await fresh(tenantId)}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const call = callAs(tenant);
  await call('PUT', '/integrations/pax8', { ...sim.pax8, baseUrl: sim.pax8.url, enabled: true, url: undefined });
  await call('PUT', '/integrations/panelone', { baseUrl: sim.panelone.url, apiToken: sim.panelone.apiToken, enabled: true });

  async function runTool(tool: string): Promise<{ run: RunDto; seconds: number; peakRss?: number }> {
    const t0 = Date.now();
    let run = await call<RunDto>('POST', tool.startsWith('/') ? tool : `/sync/${tool}`);
    while (run.status === 'queued' || run.status === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      run = await call<RunDto>('GET', `/sync/runs/${run.id}`);
    }
    if (run.status !== 'succeeded') throw new Error(`${tool} run ${run.status}: ${run.error}`);
    const seconds = run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : (Date.now() - t0) / 1000;
    return { run, seconds };
  }

  const results: Record<string, any> = { scale, machine, dataset: sim.dataset };

  // 0. Queue pick-up of the idle worker: enqueue → started, 20 runs one after another.
  log('queue pick-up…');
  results.pickup = await measurePickup(callAs(`${tenant}-pickup`), 20);
  log(`pick-up: ${JSON.stringify(results.pickup)}`);

  // 2. Pax8 sync: upstream calls per list vs ceil(records / 200).
  log('pax8 sync…');
  const pax8Origin = new URL(sim.pax8.url).origin;
  await json(`${pax8Origin}/_sim/reset-stats`, { method: 'POST' });
  const pax8Run = await runTool('/integrations/pax8/sync');
  const stats = await json<{ totalCalls: number; byRoute: Record<string, number> }>(`${pax8Origin}/_sim/stats`);
  const lists = {
    companies: { records: sim.dataset.companies, calls: stats.byRoute['GET /v1/companies'] ?? 0 },
    catalog: { records: Number(pax8Step(pax8Run.run, 'catalog') ?? 0), calls: stats.byRoute['GET /v1/products'] ?? 0 },
    subscriptions: { records: sim.dataset.subscriptions, calls: stats.byRoute['GET /v1/subscriptions'] ?? 0 },
  };
  const pax8Lists = Object.fromEntries(Object.entries(lists).map(([k, v]) => {
    const minimum = Math.max(1, Math.ceil(v.records / PAX8_PAGE));
    return [k, { ...v, minimum, ratio: round(v.calls / minimum, 2) }];
  }));
  results.pax8 = {
    wallSeconds: round(pax8Run.seconds, 2), tool: 'pax8-sync (companies, contacts, catalog, pricing, subscriptions)',
    rateLimitPerMinute: pax8RateLimit, pacedPerMinute: Math.floor(pax8RateLimit * 0.9),
    lists: pax8Lists, totalCalls: stats.totalCalls, byRoute: stats.byRoute, result: pax8Run.run.result,
  };
  log(`pax8: ${JSON.stringify(results.pax8.lists)} in ${results.pax8.wallSeconds}s`);
  await runTool('/integrations/panelone/sync');

  // 1 + 6. Device snapshot by the worker's device-snapshot job; worker peak RSS during it.
  log('device snapshot (worker)…');
  const workerBefore = memoryOf(worker.child.pid);
  const peakReset = resetPeak(worker.child.pid);
  const sampler = sampleMemory(worker.child.pid, 50);
  const snap = await runTool('device-snapshot');
  const workerMem = sampler.stop();
  const snapshotId = String(snap.run.result?.snapshotId);
  const taken = (snap.run.result?.steps as Array<{ result: any }>)[0].result as { deviceCount: number; billableCount: number };
  // Named in the order they happen (the run's result went through jsonb, which reorders keys).
  const stored = (taken as { timingsMs?: Record<string, number> }).timingsMs ?? {};
  const timings = Object.fromEntries(['setup', 'fetchWait', 'copy', 'judge', 'counts', 'reconcile', 'commit', 'analyze'].map((k) => [k, stored[k] ?? 0]));
  const inSnapshot = Object.values(timings).reduce((a, b) => a + b, 0);
  results.snapshot = {
    snapshotId, devices: taken.deviceCount, billable: taken.billableCount, seconds: round(snap.seconds, 2),
    devicesPerSecond: Math.round(taken.deviceCount / snap.seconds),
    // queueWait: enqueue → claimed; job: the rest of the job around the snapshot (start, progress, result).
    phasesMs: {
      queueWait: snap.run.startedAt ? Date.parse(snap.run.startedAt) - Date.parse(snap.run.createdAt) : null,
      ...timings,
      job: Math.round(snap.seconds * 1000 - inSnapshot),
    },
  };
  results.worker = {
    peakRssMb: round(workerMem.peak / MB), rssBeforeMb: round(workerBefore.rss / MB), nodeFlags: workerFlags.join(' '),
    peakMeasuredFrom: peakReset ? 'VmHWM reset before the run (clear_refs) + 50 ms VmRSS samples' : 'VmRSS samples every 50 ms',
  };
  log(`snapshot: ${JSON.stringify(results.snapshot)}; worker ${JSON.stringify(results.worker)}`);

  // 1b. Bare floor: the same pages with plain fetch, the same rows in one COPY into a same-shaped table.
  log('bare COPY floor…');
  results.snapshotFloor = await copyFloor(db.url, sim.panelone, tenant);
  results.snapshot.ratioToFloor = round(results.snapshot.seconds / results.snapshotFloor.seconds, 2);
  log(`floor: ${JSON.stringify(results.snapshotFloor)}`);

  // 3. Reconciliation of the snapshot (in a Nest context of this process: ReconciliationService.reconcile).
  log('reconciliation…');
  results.reconciliation = await timeReconcile(db.url, tenant, snapshotId);
  log(`reconcile: ${JSON.stringify(results.reconciliation)}`);

  // 3b. What changed between two snapshots: a second device snapshot, then the whole tenant's
  // changes (one call, timed) and one client's under load (its p99), the largest client's.
  // The list reads below then run on a snapshot with one before it (previousStatus looked up).
  log('second snapshot and what changed…');
  const second = await runTool('device-snapshot');
  const secondId = String(second.run.result?.snapshotId);
  const wholeTimes: number[] = [];
  let whole: { total: number; clients: unknown[] } = { total: 0, clients: [] };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    whole = await call('GET', `/snapshots/${secondId}/changes?limit=100`);
    wholeTimes.push(performance.now() - t0);
  }
  wholeTimes.sort((a, b) => a - b);
  const biggest = await call<{ items: Array<{ clientId: string; devices: number }> }>('GET', '/reconciliation/clients?sort=devices&order=desc&limit=1');
  const perClientPath = `/snapshots/${secondId}/changes?against=${snapshotId}&clientId=${encodeURIComponent(biggest.items[0]?.clientId ?? 'none')}`;
  log(`autocannon changes per client (${connections} connections, ${duration}s)…`);
  results.changes = {
    devicesPerSnapshot: taken.deviceCount,
    wholeTenant: { runsMs: wholeTimes.map((t) => Math.round(t)), medianMs: Math.round(wholeTimes[1]), changedDevices: whole.total, clientsChanged: whole.clients.length },
    perClient: { clientId: biggest.items[0]?.clientId, devices: biggest.items[0]?.devices, ...(await cannon(`${base}${perClientPath}`, { Authorization: `Bearer ${await fresh()}` })) },
  };
  log(`changes: ${JSON.stringify(results.changes)}`);

  // 4. API under load vs a bare node:http server returning the same bytes.
  const paths = {
    summary: '/reconciliation/summary',
    clients: '/reconciliation/clients?status=under-licensed&sort=monthlyImpact&order=desc',
  };
  const bodies: Record<string, string> = {};
  for (const [, path] of Object.entries(paths)) {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${await fresh()}` } });
    if (!res.ok) throw new Error(`GET ${path} → ${res.status}`);
    bodies[`/api/v1${path}`] = await res.text();
  }
  scratchDir ??= mkdtempSync(join(tmpdir(), 'b1r-bench-'));
  const bodiesFile = join(scratchDir, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const bare = await startNode('bare', ['dist/bench/bare-server.js', bodiesFile], process.env, /^bare listening/);
  children.push(bare.child);
  const barePort = Number(bare.line.split(' ').pop());
  results.api = {};
  for (const [name, path] of Object.entries(paths)) {
    log(`autocannon ${name} (${connections} connections, ${duration}s)…`);
    const real = await cannon(`${base}${path}`, { Authorization: `Bearer ${await fresh()}` });
    const floor = await cannon(`http://127.0.0.1:${barePort}/api/v1${path}`, {});
    results.api[name] = {
      path, bytes: Buffer.byteLength(bodies[`/api/v1${path}`]), api: real, bare: floor,
      throughputRatio: round(real.rps / floor.rps, 2), p99Ratio: round(real.p99 / Math.max(floor.p99, 1), 1),
    };
    log(`${name}: ${JSON.stringify(results.api[name])}`);
  }

  // 5. CSV exports: time and the API process's RSS growth while streaming.
  log('CSV exports…');
  const largest = await call<{ items: Array<{ clientId: string; devices: number }> }>('GET', '/reconciliation/clients?sort=devices&order=desc&limit=1');
  const token = await fresh();
  results.exports = {
    clients: await timedDownload(`${base}/reconciliation/export.csv`, token, api.child.pid),
    largestClient: { clientId: largest.items[0]?.clientId, devices: largest.items[0]?.devices, ...(await timedDownload(`${base}/reconciliation/clients/${encodeURIComponent(largest.items[0]?.clientId ?? 'none')}/export.csv`, token, api.child.pid)) },
    allDevices: await timedDownload(`${base}/snapshots/${snapshotId}/devices.csv`, token, api.child.pid),
  };
  log(`exports: ${JSON.stringify(results.exports)}`);

  // 7b. Widgets in Chromium against this world: first cards, filled list, drill-down (client panel with its trend).
  log('widgets in Chromium…');
  try {
    results.widgetTimings = await widgetTimings(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`, () => fresh(), largest.items[0]?.clientId ?? 'none', quick ? 5 : 20);
  } catch (err) {
    results.widgetTimings = { error: (err as Error).message.slice(0, 300) };
  }
  log(`widgets: ${JSON.stringify(results.widgetTimings)}`);

  // 8. History: the same reads, a new snapshot and the storage with 24 monthly snapshots behind the current one.
  if (withHistory) results.history = await historyPhase();

  // 9. Everyone due at once: many small tenants scheduled for the same minute, on 2 workers.
  if (fleetTenants > 0) {
    log(`fleet: ${fleetTenants} tenants due at once…`);
    // The bench's own worker would fire these schedules onto its queue too: only the fleet's two work now.
    await worker.child.stop();
    results.fleet = await fleetPhase({ tenants: fleetTenants, env, workerFlags, databaseUrl: db.url, callAs, children, log });
    log(`fleet: ${JSON.stringify(results.fleet)}`);
  }

  // 7. Widget bundle.
  try {
    const bundle = readFileSync('dist/plugin/billingone-reconcile.js');
    results.widget = { bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length };
  } catch {
    results.widget = { error: 'dist/plugin/billingone-reconcile.js missing: run npm run build:ui' };
  }

  async function historyPhase() {
    log('history: a new snapshot, then reads with one snapshot (an API with RECONCILIATION_CACHE=off: the database path)…');
    const nocachePort = await freePort();
    const nocache = await startNode('api-nocache', ['dist/src/main.js'], { ...env, PORT: String(nocachePort), RECONCILIATION_CACHE: 'off' }, /listening on/);
    children.push(nocache.child);
    const nocacheBase = `http://127.0.0.1:${nocachePort}/api/v1`;
    const clientId = largest.items[0]?.clientId ?? 'none';
    const readPaths = () => ({
      summary: '/reconciliation/summary',
      list: paths.clients,
      drillDown: `/reconciliation/clients/${encodeURIComponent(clientId)}`,
      missedBilling: '/missed-billing',
      // What changed for the client between the two snapshots taken from the simulator (the
      // drill-down's "Since …" call): the same question with one snapshot before it and with 24
      // months behind those two, so the figures compare (the history is generated behind them).
      changes: `/snapshots/${secondId}/changes?against=${snapshotId}&clientId=${encodeURIComponent(clientId)}`,
    });
    const readSeconds = quick ? 2 : 5;
    // On both sides: a checkpoint (history.ts), a new snapshot, then the reads, as a billing lead's
    // follow the month's snapshot: its rows are the ones the planner has seen least (analyze.ts).
    await checkpoint(db.url);
    const newOne = await runTool('device-snapshot');
    const one = await measureReads(nocacheBase, () => fresh(), readPaths(), readSeconds);
    log(`history: reads with one snapshot ${JSON.stringify(one)}`);
    const sizeOne = await deviceRowSize(db.url);
    const { ids, seconds, vacuumSeconds } = await withContext(db.url, async (app) => {
      const { ReconciliationWriter } = await import('../src/reconciliation/reconciliation-writer.service.js');
      const writer = app.get(ReconciliationWriter);
      return buildHistory(db.url, tenant, snapshotId, {
        reconcile: (t, id) => writer.reconcile(t, id, 'bench history'),
      }, log);
    });
    log(`history: ${ids.length} months generated in ${seconds} s, their partitions vacuumed in ${vacuumSeconds} s`);
    await checkpoint(db.url);
    const newMany = await runTool('device-snapshot');
    const many = await measureReads(nocacheBase, () => fresh(), readPaths(), readSeconds);
    log(`history: reads with ${HISTORY_MONTHS} months ${JSON.stringify(many)}`);
    const sizeMany = await deviceRowSize(db.url);
    const trendPoints = (await call<{ trend: unknown[] }>('GET', `/reconciliation/clients/${encodeURIComponent(clientId)}`)).trend.length;
    const retention = await withContext(db.url, async (app) => {
      const { DeviceRetentionService } = await import('../src/snapshots/device-retention.service.js');
      const service = app.get(DeviceRetentionService);
      return measureRetention(db.url, tenant, (now) => service.enforce(now));
    });
    const ratios = Object.fromEntries(Object.keys(one).map((k) => [k, one[k].p99 && many[k].p99 ? round(many[k].p99 / Math.max(one[k].p99, 1), 2) : null]));
    return {
      months: HISTORY_MONTHS, generatedSeconds: seconds, vacuumSeconds, generatedBy: 'SQL from the current snapshot (1%/month growth, 2%/month replaced devices), counts and reconciliation by the product',
      trendPoints, reads: { one, many, p99Ratio: ratios },
      newSnapshot: { oneSeconds: round(newOne.seconds, 2), manySeconds: round(newMany.seconds, 2), ratio: round(newMany.seconds / newOne.seconds, 2),
        phasesOne: newOne.run.result?.steps?.[0]?.result?.timingsMs, phasesMany: newMany.run.result?.steps?.[0]?.result?.timingsMs },
      deviceRows: { one: sizeOne, many: sizeMany },
      retention,
    };
  }

  results.machine.loadAtEnd = loadavg().map((l) => round(l, 2));
  results.totalSeconds = round((Date.now() - started) / 1000);
  results.finishedAt = new Date().toISOString();
  results.targets = targets(results);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n`);
  process.stdout.write('Wrote bench-results/latest.json\n');

  // Drop the bench database (DATABASE_URL server); the embedded one goes with its folder.
  if (!embedded && !args.keep) {
    await Promise.all(children.map((c) => c.stop()));
    children.length = 0;
    const client = new pg.Client({ connectionString: db.admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`).catch(() => undefined);
    await client.end();
  }
}

function pax8Step(run: RunDto, part: string): unknown {
  const steps = (run.result?.steps ?? []) as Array<{ step: string; result: Record<string, unknown> | null }>;
  const pax8 = steps.find((s) => s.step === 'pax8')?.result ?? {};
  return pax8[part] ?? pax8[part === 'catalog' ? 'products' : part];
}

async function copyFloor(url: string, panelone: { url: string; apiToken: string }, tenant: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_floor_device');
    await client.query('CREATE TABLE bench_floor_device (LIKE snapshot_device INCLUDING ALL)');
    const snapshotId = randomUUID();
    const month = `${new Date().toISOString().slice(0, 7)}-01`;
    let rows = 0;
    const t0 = performance.now();
    async function* lines(): AsyncGenerator<string> {
      let cursor: string | null = null;
      for (;;) {
        const u = new URL('/api/v2/devices', panelone.url);
        u.searchParams.set('pageSize', '1000');
        if (cursor) u.searchParams.set('after', cursor);
        const res = await fetch(u, { headers: { Authorization: `Bearer ${panelone.apiToken}` } });
        const page = (await res.json()) as { items: Array<Record<string, any>>; nextCursor: string | null };
        let chunk = '';
        for (const d of page.items) {
          rows++;
          chunk += [tenant, snapshotId, d.organizationId, d.id, d.hostname ?? null, d.serialNumber ?? null, d.deviceClass,
            d.lastContact ?? null, typeof d.offline === 'boolean' ? (d.offline ? 't' : 'f') : null, d.approvalStatus ?? null, 't', null, month]
            .map((v) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')))
            .join('\t') + '\n';
        }
        yield chunk;
        if (!page.nextCursor) return;
        cursor = page.nextCursor;
      }
    }
    await client.query('BEGIN');
    await pipeline(Readable.from(lines()), client.query(copyFrom(
      'COPY bench_floor_device (tenant_id, snapshot_id, organization_id, device_id, hostname, serial_number, device_class, last_contact, offline, approval_status, counted, reason, taken_month) FROM STDIN',
    )));
    await client.query('COMMIT');
    const seconds = (performance.now() - t0) / 1000;
    await client.query('DROP TABLE bench_floor_device');
    return { devices: rows, seconds: round(seconds, 2), devicesPerSecond: Math.round(rows / seconds) };
  } finally {
    await client.end();
  }
}

/** Runs `work` in a Nest application context of this process on the bench database (no HTTP, no worker). */
async function withContext<T>(databaseUrl: string, work: (app: import('@nestjs/common').INestApplicationContext) => Promise<T>): Promise<T> {
  const { validateEnvironment } = await import('../src/config/config.js');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../src/app.module.js');
  const config = validateEnvironment({ DATABASE_URL: databaseUrl, PANELONE_JWT_SECRET: JWT_SECRET, ENCRYPTION_KEY, LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { databaseUrl, worker: false }), { logger: ['error'] });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

async function timeReconcile(databaseUrl: string, tenant: string, snapshotId: string) {
  const { validateEnvironment } = await import('../src/config/config.js');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../src/app.module.js');
  const { ReconciliationWriter } = await import('../src/reconciliation/reconciliation-writer.service.js');
  const config = validateEnvironment({ DATABASE_URL: databaseUrl, PANELONE_JWT_SECRET: JWT_SECRET, ENCRYPTION_KEY, LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { databaseUrl, worker: false }), { logger: ['error'] });
  try {
    const service = app.get(ReconciliationWriter);
    const times: number[] = [];
    let clients = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      clients = (await service.reconcile(tenant, snapshotId)).clients;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { clients, runs: times.map((t) => Math.round(t)), medianMs: Math.round(times[1]) };
  } finally {
    await app.close();
  }
}

async function cannon(url: string, headers: Record<string, string>) {
  // A short unrecorded warm-up first, for the API and the bare server alike: the figures are
  // steady state, not V8 compiling the request path during the first second.
  await autocannon({ url, connections, duration: warmup, headers, pipelining: 1 });
  const result = await autocannon({ url, connections, duration, headers, pipelining: 1 });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max,
    requests: result.requests.total, errors,
  };
}

async function timedDownload(url: string, token: string, serverPid: number) {
  const sampler = sampleMemory(serverPid, 10);
  const t0 = performance.now();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const mem = sampler.stop();
  return { status: res.status, rows: lines, mb: round(bytes / MB, 2), seconds: round(seconds, 2), rssGrowthMb: round((mem.peak - mem.baseline) / MB) };
}

const snapshotGoal = (devices: number) => (devices >= 200_000 && devices <= 300_000 ? 1.5 : 2);
/** Under 1 s for the full world, 5 s at ten times (the issue's goal at 2,500,000 devices). */
const reconcileGoalMs = (devices: number) => (devices >= 2_000_000 ? 5000 : 1000);

function targets(r: Record<string, any>) {
  const t = (met: boolean, value: string, target: string) => ({ met, value, target });
  const pax8Worst = Math.max(...Object.values(r.pax8.lists as Record<string, { ratio: number }>).map((l) => l.ratio));
  return {
    pickupP50: t(r.pickup.p50Ms < 100, `${r.pickup.p50Ms} ms`, '< 100 ms'),
    // The issue's goals: within 1.5× of the floor at 250,000 devices, 2× at 25,000 and at 2,500,000.
    snapshotVsFloor: t(r.snapshot.ratioToFloor <= snapshotGoal(r.snapshot.devices), `${r.snapshot.ratioToFloor}×`, `≤ ${snapshotGoal(r.snapshot.devices)}×`),
    workerPeakRss: t(r.worker.peakRssMb < 300, `${r.worker.peakRssMb} MB`, '< 300 MB'),
    pax8Calls: t(pax8Worst <= 1.1, `${pax8Worst}×`, '≤ 1.1×'),
    reconcile: t(r.reconciliation.medianMs < reconcileGoalMs(r.snapshot.devices), `${r.reconciliation.medianMs} ms`, `< ${reconcileGoalMs(r.snapshot.devices)} ms`),
    summaryP99: t(r.api.summary.api.p99 < 50, `${r.api.summary.api.p99} ms`, '< 50 ms'),
    clientsP99: t(r.api.clients.api.p99 < 50, `${r.api.clients.api.p99} ms`, '< 50 ms'),
    summaryThroughput: t(r.api.summary.throughputRatio >= 1 / 3, `${r.api.summary.throughputRatio} of bare`, '≥ 0.33 of bare'),
    clientsThroughput: t(r.api.clients.throughputRatio >= 1 / 3, `${r.api.clients.throughputRatio} of bare`, '≥ 0.33 of bare'),
    deviceExportMemory: t(r.exports.allDevices.rssGrowthMb < 50, `${r.exports.allDevices.rssGrowthMb} MB`, '< 50 MB'),
    ...(r.history ? historyTargets(r.history) : {}),
    ...(r.widgetTimings && !r.widgetTimings.error ? {
      widgetCards: t(r.widgetTimings.firstCardsMs.p50 < 300, `${r.widgetTimings.firstCardsMs.p50} ms`, '< 300 ms'),
      widgetList: t(r.widgetTimings.filledListMs.p50 < 500, `${r.widgetTimings.filledListMs.p50} ms`, '< 500 ms'),
    } : {}),
    ...(r.fleet ? {
      fleetComplete: t(r.fleet.succeeded === r.fleet.tenants, `${r.fleet.succeeded}/${r.fleet.tenants}`, 'every run succeeds'),
      fleet429: t(r.fleet.pax8.status429 === 0, `${r.fleet.pax8.status429}`, '0 429s'),
    } : {}),
  };
}

function historyTargets(h: Record<string, any>) {
  const ratios = Object.values(h.reads.p99Ratio as Record<string, number | null>).filter((x): x is number => x !== null);
  const worst = Math.max(...ratios);
  return {
    historyReads: { met: worst <= 1.2, value: `worst p99 ${worst}× of one snapshot`, target: '≤ 1.2×' },
    // "No slower": within the run-to-run noise of a quick run on a shared machine.
    historySnapshot: { met: h.newSnapshot.ratio <= 1.1, value: `${h.newSnapshot.ratio}×`, target: '≤ 1.0× (1.1 allowed for noise)' },
  };
}

function table(r: Record<string, any>): string {
  const rows: string[][] = [['Measure', 'Result', 'Floor / minimum', 'Ratio', 'Target']];
  const ok = (key: string) => (r.targets[key]?.met ? 'met' : 'MISSED');
  rows.push(['Queue pick-up (idle worker)', `p50 ${r.pickup.p50Ms} ms, max ${r.pickup.maxMs} ms over ${r.pickup.jobs} runs`, '', '', `p50 < 100 ms (${ok('pickupP50')})`]);
  rows.push(['Device snapshot (worker job)', `${r.snapshot.devices} devices in ${r.snapshot.seconds} s = ${r.snapshot.devicesPerSecond}/s`,
    `bare fetch+COPY ${r.snapshotFloor.seconds} s = ${r.snapshotFloor.devicesPerSecond}/s`, `${r.snapshot.ratioToFloor}×`, `≤ ${snapshotGoal(r.snapshot.devices)}× (${ok('snapshotVsFloor')})`]);
  rows.push(['Snapshot phases (ms)', Object.entries(r.snapshot.phasesMs).map(([k, v]) => `${k} ${v}`).join(', '), '', '', '']);
  rows.push(['Worker peak RSS (snapshot)', `${r.worker.peakRssMb} MB (${r.worker.rssBeforeMb} MB before; ${r.worker.nodeFlags || 'no node flags'})`, '', '', `< 300 MB (${ok('workerPeakRss')})`]);
  for (const [name, l] of Object.entries(r.pax8.lists as Record<string, any>)) {
    rows.push([`Pax8 ${name} calls`, `${l.calls} calls for ${l.records} records`, `${l.minimum}`, `${l.ratio}×`, `≤ 1.1× (${ok('pax8Calls')})`]);
  }
  rows.push(['Pax8 sync wall time (all parts)', `${r.pax8.wallSeconds} s, ${r.pax8.totalCalls} calls, paced at ${r.pax8.pacedPerMinute}/min under a limit of ${r.pax8.rateLimitPerMinute}/min`, '', '', '']);
  rows.push(['Reconcile', `${r.reconciliation.clients} clients in ${r.reconciliation.medianMs} ms (median of 3)`, '', '', `< ${reconcileGoalMs(r.snapshot.devices) / 1000} s (${ok('reconcile')})`]);
  for (const [name, a] of Object.entries(r.api as Record<string, any>)) {
    rows.push([`API ${name} (${connections} conns)`, `${a.api.rps} rps, p50 ${a.api.p50} ms, p99 ${a.api.p99} ms${a.api.errors ? `, ${a.api.errors} errors` : ''}`,
      `bare ${a.bare.rps} rps, p99 ${a.bare.p99} ms`, `${a.throughputRatio} of bare`, `p99 < 50 ms (${ok(`${name}P99`)}), ≥ 1/3 (${ok(`${name}Throughput`)})`]);
  }
  const c = r.changes;
  rows.push(['What changed, whole tenant', `${c.wholeTenant.medianMs} ms (median of 3) over 2 × ${c.devicesPerSnapshot} devices; ${c.wholeTenant.changedDevices} changed`, '', '', '']);
  rows.push([`What changed, one client (${connections} conns)`, `${c.perClient.rps} rps, p50 ${c.perClient.p50} ms, p99 ${c.perClient.p99} ms (${c.perClient.devices} devices)${c.perClient.errors ? `, ${c.perClient.errors} errors` : ''}`, '', '', '']);
  const e = r.exports;
  rows.push(['CSV 2,000-client export', `${e.clients.rows} lines, ${e.clients.mb} MB in ${e.clients.seconds} s, +${e.clients.rssGrowthMb} MB RSS`, '', '', '']);
  rows.push(['CSV largest client (QBR)', `${e.largestClient.rows} lines in ${e.largestClient.seconds} s, +${e.largestClient.rssGrowthMb} MB RSS`, '', '', '']);
  rows.push(['CSV all devices', `${e.allDevices.rows} lines, ${e.allDevices.mb} MB in ${e.allDevices.seconds} s, +${e.allDevices.rssGrowthMb} MB RSS`, '', '', `< 50 MB (${ok('deviceExportMemory')})`]);
  if (r.history) {
    const h = r.history;
    for (const [name, one] of Object.entries(h.reads.one as Record<string, any>)) {
      const many = h.reads.many[name];
      rows.push([`History read ${name} (no cache, 10 conns)`, one.status ? `not measured (${one.status})` : `p99 ${many.p99} ms with ${h.months} months`,
        one.status ? '' : `p99 ${one.p99} ms with one`, h.reads.p99Ratio[name] === null ? '' : `${h.reads.p99Ratio[name]}×`, `≤ 1.2× (${h.reads.p99Ratio[name] === null ? 'not measured' : h.reads.p99Ratio[name] <= 1.2 ? 'met' : 'MISSED'})`]);
    }
    rows.push(['History: new snapshot', `${h.newSnapshot.manySeconds} s with ${h.months} months behind`, `${h.newSnapshot.oneSeconds} s with one`, `${h.newSnapshot.ratio}×`, `no slower (${ok('historySnapshot')})`]);
    // The job's own phases: all but the wait for PanelOne's pages (the simulator's time, not history's).
    const own = (p: Record<string, number> | undefined) => Object.entries(p ?? {}).reduce((sum, [k, v]) => (k === 'fetchWait' ? sum : sum + v), 0);
    const [ownOne, ownMany] = [own(h.newSnapshot.phasesOne), own(h.newSnapshot.phasesMany)];
    if (ownOne > 0) {
      rows.push(['History: new snapshot, own phases', `${ownMany} ms with ${h.months} months (no fetch wait)`, `${ownOne} ms with one`, `${round(ownMany / ownOne, 2)}×`,
        `reconcile ${h.newSnapshot.phasesOne.reconcile} → ${h.newSnapshot.phasesMany.reconcile}, analyze ${h.newSnapshot.phasesOne.analyze} → ${h.newSnapshot.phasesMany.analyze} ms`]);
    }
    const d = h.deviceRows.many;
    rows.push(['History: device rows', `${d.rows} rows in ${d.partitions} partitions: table ${d.tableMb} MB + index ${d.indexMb} MB = ${d.bytesPerRow.table} + ${d.bytesPerRow.index} B/row`,
      `one: ${h.deviceRows.one.bytesPerRow.table} + ${h.deviceRows.one.bytesPerRow.index} B/row`, '', '']);
    rows.push(['History: retention', `bounded DELETE of ${h.retention.boundedDelete.rows} rows ${h.retention.boundedDelete.ms} ms; drop ${h.retention.dropPartitions.months.length} partitions ${h.retention.dropPartitions.ms} ms`, '', '', '']);
    rows.push(['History generated', `${h.months} months in ${h.generatedSeconds} s (${h.generatedBy}), their partitions vacuumed in ${h.vacuumSeconds} s; trend ${h.trendPoints} points`, '', '', '']);
  }
  if (r.fleet) {
    const f = r.fleet;
    rows.push([`Everyone due at once (${f.tenants} tenants, ${f.workers} workers × ${f.concurrencyPerWorker})`,
      `${f.succeeded} succeeded, ${f.failed} failed; last finished ${f.untilLastFinishedSeconds} s after due; wait p50 ${round(f.waitMs.p50 / 1000)} s, p95 ${round(f.waitMs.p95 / 1000)} s, max ${round(f.waitMs.max / 1000)} s`,
      `runs' own time / 4 slots: ${f.floorSeconds} s`, `${round(f.untilLastFinishedSeconds / Math.max(f.floorSeconds, 0.1), 2)}×`, `all complete (${ok('fleetComplete')})`]);
    rows.push(['Pax8 429s caused (fleet)', `${f.pax8.status429} of ${f.pax8.calls} calls`, '', '', `0 (${ok('fleet429')})`]);
  }
  const w = r.widgetTimings;
  if (w && !w.error) {
    rows.push([`Widget: first cards (${w.runs} mounts)`, `p50 ${w.firstCardsMs.p50} ms, p99 ${w.firstCardsMs.p99} ms, first (cold) ${w.firstCardsMs.first} ms`, '', '', `p50 < 300 ms (${ok('widgetCards')})`]);
    rows.push(['Widget: filled client list', `p50 ${w.filledListMs.p50} ms, p99 ${w.filledListMs.p99} ms, first ${w.filledListMs.first} ms`, '', '', `p50 < 500 ms (${ok('widgetList')})`]);
    rows.push(['Widget: drill-down (client panel + trend)', `p50 ${w.drillDownMs.p50} ms, p99 ${w.drillDownMs.p99} ms`, '', '', '']);
  } else if (w) rows.push(['Widget timings', `not measured: ${w.error}`, '', '', '']);
  rows.push(['Widget bundle', r.widget.gzipBytes ? `${round(r.widget.gzipBytes / 1024)} KiB gzip (${round(r.widget.bytes / 1024)} KiB raw)` : r.widget.error, '', '', '']);
  rows.push(['Machine', `${r.machine.nproc} CPU, ${r.machine.memoryGb} GB, load ${r.machine.loadAtStart.join(' ')} → ${r.machine.loadAtEnd.join(' ')}`, '', '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(fmt)].join('\n');
}

async function cleanup(): Promise<void> {
  await Promise.all(children.map((c) => c.stop()));
  await embedded?.stop().catch(() => undefined);
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
}

main().then(cleanup, async (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  await cleanup();
  process.exit(1);
});
