// The worker end to end: real API, real workers (in-process Nest contexts and a compiled
// worker in a child process), the simulators upstream, one PostgreSQL. Every wait polls
// with a generous deadline; nothing asserts durations.
import type { INestApplicationContext } from '@nestjs/common';
import { jest } from '@jest/globals';
import pg from 'pg';
import { SyncScheduleService } from '../../src/sync/sync-schedule.service.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, configureTenant, startUpstreams, startWorker, startWorkerProcess, until, WORKER_ENV, type Upstreams } from './support.js';


jest.setTimeout(240_000);

let api: TestApi;
let db: pg.Pool;
let up: Upstreams;
const workers: INestApplicationContext[] = [];

beforeAll(async () => {
  // The API sends jobs with the retry settings the workers use (same environment in a deployment).
  api = await startTestApi({ env: WORKER_ENV });
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  up = await startUpstreams();
});
afterEach(async () => {
  while (workers.length) await workers.pop()!.close();
  up.pax8.reset();
  up.panelone.reset();
});
afterAll(async () => {
  await api?.close();
  await db?.end();
  await up?.close();
});

async function worker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const w = await startWorker(env);
  workers.push(w);
  return w;
}

interface Run { id: string; attempts: number; tool: string; status: string; phase: string | null; progress: { done: number; total: number | null }; error: string | null; result: Record<string, any> | null; trigger: string }

async function getRun(tenant: string, id: string): Promise<Run> {
  const res = await api.http.get(`/api/v1/sync/runs/${id}`).set(bearer(await api.token(tenant, 'viewer'))).expect(200);
  return res.body;
}

const finished = (tenant: string, id: string) =>
  until(`run ${id} to finish`, async () => {
    const run = await getRun(tenant, id);
    return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
  });

async function completeSnapshots(tenant: string): Promise<Array<{ id: string; trigger: string; run_id: string; device_count: number }>> {
  const { rows } = await db.query(`SELECT id, trigger, run_id, device_count FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at`, [tenant]);
  return rows;
}

/** What a viewer sees: the snapshot list and the summary's snapshot. */
async function visible(tenant: string): Promise<{ snapshots: unknown[]; summarySnapshotId: string | null }> {
  const viewer = bearer(await api.token(tenant, 'viewer'));
  const list = await api.http.get('/api/v1/snapshots').set(viewer).expect(200);
  const summary = await api.http.get('/api/v1/reconciliation/summary').set(viewer);
  return { snapshots: list.body.items, summarySnapshotId: summary.body?.snapshot?.id ?? null };
}

async function allSnapshotRows(tenant: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM snapshot WHERE tenant_id = $1)::int + (SELECT count(*) FROM snapshot_device WHERE tenant_id = $1)::int AS n`, [tenant]);
  return rows[0].n;
}

describe('running sync tools', () => {
  it('a device snapshot shows moving progress while it runs, then succeeds with a complete manual snapshot', async () => {
    const tenant = uniqueTenant('w-progress');
    await configureTenant(api, tenant, up);
    await worker();
    up.panelone.setFaults({ slowRate: 1, slowMs: 150 });
    const tech = bearer(await api.token(tenant, 'technician'));
    const started = await api.http.post('/api/v1/sync/device-snapshot').set(tech).expect(202);

    const seen: number[] = [];
    const run = await until('the snapshot run to finish', async () => {
      const r = await getRun(tenant, started.body.id);
      if (r.status === 'running' && r.phase === 'devices') seen.push(r.progress.done);
      return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
    }, 120_000, 50);
    expect(run).toMatchObject({ status: 'succeeded', phase: 'done', error: null });
    // Progress moved: several distinct, increasing counts while the devices were read.
    const distinct = [...new Set(seen)];
    expect(distinct.length).toBeGreaterThanOrEqual(2);
    expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
    const snapshots = await completeSnapshots(tenant);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ trigger: 'manual', run_id: run.id, device_count: up.panelone.dataset.devices.count });
    expect(run.result).toMatchObject({
      snapshotId: snapshots[0].id, deviceCount: snapshots[0].device_count, billableCount: expect.any(Number),
      steps: [{ step: 'devices', result: { snapshotId: snapshots[0].id } }],
    });
  });

  it('sync-all runs every integration sync, mapping, the snapshot (trigger sync-all) and reconcile, in order', async () => {
    const tenant = uniqueTenant('w-all');
    await configureTenant(api, tenant, up);
    await worker();
    const tech = bearer(await api.token(tenant, 'technician'));
    const started = await api.http.post('/api/v1/sync/sync-all').set(tech).expect(202);
    const run = await finished(tenant, started.body.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const steps: Array<{ step: string; result: Record<string, unknown> }> = run.result!.steps;
    expect(steps.map((s) => s.step)).toEqual(['pax8', 'panelone-organizations', 'mapping', 'devices', 'reconcile']);
    expect(Object.keys(steps[0].result).sort()).toEqual(['catalog', 'companies', 'contacts', 'pricing', 'subscriptions']);
    const snapshots = await completeSnapshots(tenant);
    expect(snapshots.map((s) => s.trigger)).toEqual(['sync-all']);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM pax8_company WHERE tenant_id = $1`, [tenant]);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('catalog-sync, contacts-sync and full-reconcile each run their steps in order and succeed', async () => {
    const tenant = uniqueTenant('w-tools');
    await configureTenant(api, tenant, up);
    await worker();
    const tech = bearer(await api.token(tenant, 'technician'));
    const expected: Record<string, string[]> = {
      'catalog-sync': ['pax8'],
      'contacts-sync': ['pax8', 'panelone-organizations', 'mapping'],
      'full-reconcile': ['pax8', 'panelone-organizations', 'mapping', 'devices', 'reconcile'],
    };
    for (const [tool, steps] of Object.entries(expected)) {
      const run = await finished(tenant, (await api.http.post(`/api/v1/sync/${tool}`).set(tech).expect(202)).body.id);
      expect({ tool, status: run.status, error: run.error }).toEqual({ tool, status: 'succeeded', error: null });
      expect(run.result!.steps.map((s: { step: string }) => s.step)).toEqual(steps);
    }
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM pax8_product WHERE tenant_id = $1)::int AS products,
              (SELECT count(*) FROM pax8_contact WHERE tenant_id = $1)::int AS contacts,
              (SELECT count(*) FROM client_mapping WHERE tenant_id = $1)::int AS mappings`, [tenant]);
    expect(rows[0].products).toBeGreaterThan(0);
    expect(rows[0].contacts).toBeGreaterThan(0);
    expect(rows[0].mappings).toBeGreaterThan(0);
    expect((await completeSnapshots(tenant)).map((s) => s.trigger)).toEqual(['manual']);
  });

  it('a run whose upstream is down ends failed in plain words and leaves the last complete snapshot as it was', async () => {
    const tenant = uniqueTenant('w-down');
    await configureTenant(api, tenant, up);
    await worker();
    const tech = bearer(await api.token(tenant, 'technician'));
    const first = await finished(tenant, (await api.http.post('/api/v1/snapshots').set(tech).expect(202)).body.id);
    expect(first.status).toBe('succeeded');
    const before = await completeSnapshots(tenant);
    const rowsBefore = await allSnapshotRows(tenant);
    const seenBefore = await visible(tenant);
    expect(seenBefore.snapshots).toHaveLength(1);
    expect(seenBefore.summarySnapshotId).toBe(before[0].id);

    up.panelone.setFaults({ down: true });
    const failed = await finished(tenant, (await api.http.post('/api/v1/snapshots').set(tech).expect(202)).body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/PanelOne is unavailable/);
    expect(failed.error).toMatch(/devices/);
    expect(failed.error).toMatch(/503/);
    expect(await completeSnapshots(tenant)).toEqual(before);
    expect(await allSnapshotRows(tenant)).toBe(rowsBefore);
    expect(await visible(tenant)).toEqual(seenBefore);

    // Pax8 down: catalog-sync fails naming Pax8; the integration shows the error too.
    up.pax8.setFaults({ down: true });
    const catalog = await finished(tenant, (await api.http.post('/api/v1/sync/catalog-sync').set(tech).expect(202)).body.id);
    expect(catalog.status).toBe('failed');
    expect(catalog.error).toMatch(/^Pax8 /);
  });

  it('an integration that is not configured fails the run with what to do', async () => {
    const tenant = uniqueTenant('w-unconfigured');
    await worker();
    const tech = bearer(await api.token(tenant, 'technician'));
    const run = await finished(tenant, (await api.http.post('/api/v1/integrations/panelone/sync').set(tech).expect(202)).body.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/PanelOne is not ready: it has not been configured yet. Set up and enable PanelOne on the integrations settings page./);
  });
});

describe('the schedule', () => {
  it('with two workers, a due schedule fires exactly one sync-all run, whose snapshot says "schedule"', async () => {
    const tenant = uniqueTenant('w-sched');
    await configureTenant(api, tenant, up);
    // Due a few seconds from now, once (second, minute, hour, day, month in UTC).
    const due = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
    const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} ${due.getUTCDate()} ${due.getUTCMonth() + 1} *`;
    await db.query(`UPDATE tenant_settings SET schedule_cron = $2, schedule_time_zone = 'UTC', schedule_enabled = true WHERE tenant_id = $1`, [tenant, cron]);
    const [first, second] = await Promise.all([worker(), worker()]);

    const run = await until('the scheduled run', async () => {
      const { rows } = await db.query(`SELECT id FROM sync_run WHERE tenant_id = $1`, [tenant]);
      return rows[0];
    });
    const done = await finished(tenant, run.id);
    expect(done).toMatchObject({ tool: 'sync-all', trigger: 'schedule', status: 'succeeded' });
    // Both workers tick again at every second of the due time's whole window (1 s tick + 2 s grace).
    for (let second_ = 0; second_ <= 3; second_++) {
      const at = new Date(due.getTime() + second_ * 1000);
      await Promise.all([first, second].map((w) => w.get(SyncScheduleService).tick(at)));
    }
    const runs = await db.query(`SELECT id, requested_by FROM sync_run WHERE tenant_id = $1`, [tenant]);
    expect(runs.rows).toEqual([{ id: run.id, requested_by: 'schedule' }]);
    const fires = await db.query(`SELECT due_at, run_id FROM schedule_fire WHERE tenant_id = $1`, [tenant]);
    expect(fires.rows).toEqual([{ due_at: due, run_id: run.id }]);
    expect((await completeSnapshots(tenant)).map((s) => s.trigger)).toEqual(['schedule']);
  });

  it('a schedule that was due long before the worker started is not fired', async () => {
    const tenant = uniqueTenant('w-sched-old');
    await api.http.get('/api/v1/sync/runs').set(bearer(await api.token(tenant, 'viewer'))).expect(200);
    const past = new Date(Date.now() - 3600_000);
    const cron = `0 ${past.getUTCMinutes()} ${past.getUTCHours()} ${past.getUTCDate()} ${past.getUTCMonth() + 1} *`;
    await db.query(`UPDATE tenant_settings SET schedule_cron = $2 WHERE tenant_id = $1`, [tenant, cron]);
    await db.query(`UPDATE tenant SET created_at = now() - interval '2 days' WHERE tenant_id = $1`, [tenant]);
    const w = await worker();
    await w.get(SyncScheduleService).tick(new Date());
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM schedule_fire WHERE tenant_id = $1`, [tenant]);
    expect(rows[0].n).toBe(0);
  });
});

describe('crash safety', () => {
  it('a worker killed mid-snapshot: the run does not stay running, no partial snapshot is visible, a retry completes once', async () => {
    const tenant = uniqueTenant('w-kill');
    await configureTenant(api, tenant, up);
    up.panelone.setFaults({ slowRate: 1, slowMs: 300 });
    const child = await startWorkerProcess();
    let killed = false;
    try {
      const tech = bearer(await api.token(tenant, 'technician'));
      const started = await api.http.post('/api/v1/sync/device-snapshot').set(tech).expect(202);
      await until('the child worker to be mid-snapshot', async () => {
        const r = await getRun(tenant, started.body.id);
        return r.status === 'running' && r.phase === 'devices' && r.progress.done > 0;
      });
      child.kill('SIGKILL');
      killed = true;
      await new Promise((r) => child.once('exit', r));
      // The half-read snapshot was one open transaction: nothing of it is visible.
      expect(await allSnapshotRows(tenant)).toBe(0);
      expect((await visible(tenant)).snapshots).toEqual([]);

      up.panelone.setFaults({ slowRate: 1, slowMs: 20 });
      await worker();
      const orphan = await finished(tenant, started.body.id);
      expect(orphan.status).toBe('failed');
      expect(orphan.error).toMatch(/worker stopped mid-run .*retried/);

      const runs = await api.http.get('/api/v1/sync/runs?tool=device-snapshot').set(tech).expect(200);
      expect(runs.body.items).toHaveLength(2);
      const retry = runs.body.items[0];
      expect(retry.id).not.toBe(started.body.id);
      const done = await finished(tenant, retry.id);
      expect(done.status).toBe('succeeded');
      expect(done.attempts).toBe(2);
      const snapshots = await completeSnapshots(tenant);
      expect(snapshots).toHaveLength(1);
      expect(snapshots[0].run_id).toBe(retry.id);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM snapshot WHERE tenant_id = $1`, [tenant]);
      expect(rows[0].n).toBe(1);
    } finally {
      if (!killed) child.kill('SIGKILL');
    }
  });

  it('SIGTERM mid-run: the worker releases the run and exits; another worker finishes it', async () => {
    const tenant = uniqueTenant('w-term');
    await configureTenant(api, tenant, up);
    up.panelone.setFaults({ slowRate: 1, slowMs: 300 });
    const child = await startWorkerProcess();
    const tech = bearer(await api.token(tenant, 'technician'));
    const started = await api.http.post('/api/v1/sync/device-snapshot').set(tech).expect(202);
    await until('the child worker to be mid-snapshot', async () => {
      const r = await getRun(tenant, started.body.id);
      return r.status === 'running' && r.progress.done > 0;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const released = await getRun(tenant, started.body.id);
    expect(released.status).toBe('queued');
    expect(await allSnapshotRows(tenant)).toBe(0);

    up.panelone.setFaults({ slowRate: 1, slowMs: 20 });
    await worker();
    const done = await finished(tenant, started.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    expect(await completeSnapshots(tenant)).toHaveLength(1);
  });
});
