// Fair claim order: when many tenants are due at once, the queue hands out runs by when each
// tenant last had a run started (never first), not first-in-first-out, so one tenant's several
// runs (or its retries) never all go before another tenant's first. The order is asserted, not timed.
import pg from 'pg';
import { SyncQueueService } from '../../src/sync/sync-queue.service.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';

const QUEUE = `fair-order-${Math.random().toString(36).slice(2, 8)}`;
let api: TestApi;
let db: pg.Pool;
beforeAll(async () => {
  api = await startTestApi({ env: { SYNC_QUEUE_NAME: QUEUE } });
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
});
afterAll(async () => {
  await api?.close();
  await db?.end();
});

async function queued(tenant: string, tool: string, at: Date): Promise<string> {
  await db.query(`INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenant]);
  const { rows } = await db.query(
    `INSERT INTO sync_run (tenant_id, tool, requested_by, queue, created_at, run_after) VALUES ($1, $2, 'spec', $3, $4, $4) RETURNING id`,
    [tenant, tool, QUEUE, at]);
  return rows[0].id;
}

it('interleaves tenants: each tenant\'s first run before any tenant\'s second, the longest-waiting tenant first', async () => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => uniqueTenant(`fair-${x}`));
  const t0 = Date.now() - 60_000;
  const at = (ms: number) => new Date(t0 + ms);
  // d ran a minute ago (its run finished) and queued the earliest of all.
  await db.query(`INSERT INTO tenant (tenant_id) VALUES ($1)`, [d]);
  await db.query(
    `INSERT INTO sync_run (tenant_id, tool, requested_by, queue, status, created_at, run_after, started_at, finished_at)
     VALUES ($1, 'device-snapshot', 'spec', $2, 'succeeded', $3, $3, $3, $3)`, [d, QUEUE, at(-30_000)]);
  const d1 = await queued(d, 'sync-all', at(-1000));
  // a asked for three tools at once, before b and c asked for one each.
  const a1 = await queued(a, 'device-snapshot', at(0));
  const a2 = await queued(a, 'catalog-sync', at(1));
  const a3 = await queued(a, 'contacts-sync', at(2));
  const b1 = await queued(b, 'sync-all', at(3));
  const c1 = await queued(c, 'sync-all', at(4));

  const queue = api.app.get(SyncQueueService);
  const order: string[] = [];
  for (let i = 0; i < 6; i++) order.push((await queue.claimNext())!.id);
  const name = new Map([[a1, 'a1'], [a2, 'a2'], [a3, 'a3'], [b1, 'b1'], [c1, 'c1'], [d1, 'd1']]);
  // FIFO would have been d1, a1, a2, a3, b1, c1.
  expect(order.map((id) => name.get(id))).toEqual(['a1', 'b1', 'c1', 'd1', 'a2', 'a3']);
  expect(await queue.claimNext()).toBeUndefined();
});

it('still holds a retry back until its back-off has passed', async () => {
  const e = uniqueTenant('fair-e');
  await db.query(`INSERT INTO tenant (tenant_id) VALUES ($1)`, [e]);
  await db.query(`INSERT INTO sync_run (tenant_id, tool, requested_by, queue, run_after) VALUES ($1, 'sync-all', 'spec', $2, now() + interval '1 hour')`, [e, QUEUE]);
  expect(await api.app.get(SyncQueueService).claimNext()).toBeUndefined();
});
