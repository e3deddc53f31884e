// The history phase: 24 monthly snapshots of the bench world behind the current one, then the
// same reads, a new snapshot and the storage per device row against the figures with one
// snapshot, and what deleting a month by retention costs (bounded DELETE, and a whole partition).
//
// The history is generated in SQL from the current snapshot's device rows, not fetched 24 times
// from the simulator (24 full reads of PanelOne would take longer than the rest of the bench):
// the simulators model no change over time, so the churn is modelled here, deterministically
// from hashes of the device id: going back k months, 1% of today's devices per month did not
// exist yet, and 2% of devices per month were other machines since retired (new ids). Each
// generated snapshot gets its per-client counts from its rows (countClients) and its reconciliation
// from ReconciliationWriter, as a real one would.
import autocannon from 'autocannon';
import pg from 'pg';

export const HISTORY_MONTHS = 24;

export interface ReadPaths { [name: string]: string }

/**
 * Rounds of each read: its p99 is the median of theirs (one round's p99 at 10 connections on 2
 * cores moved ±35% between runs; with 3 rounds the summary, which reads nothing of history, still
 * came out 1.11-1.20× of itself between the two sides in three runs of 2026-12-03).
 */
export const READ_ROUNDS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * p99 (and p50, rps) of each path with `connections` connections: after a 1 s warm-up, READ_ROUNDS
 * rounds of `duration` s taking the paths in turn, the median of the rounds' figures (each round's p99 kept).
 */
export async function measureReads(base: string, token: () => Promise<string>, paths: ReadPaths, duration: number, connections = 10) {
  const out: Record<string, { p50: number; p99: number; rps: number; errors: number; status?: number; roundsP99?: number[] }> = {};
  const rounds = new Map<string, Array<{ p50: number; p99: number; rps: number; errors: number }>>();
  for (const [name, path] of Object.entries(paths)) {
    const headers = { Authorization: `Bearer ${await token()}` };
    const probe = await fetch(`${base}${path}`, { headers });
    await probe.arrayBuffer();
    if (!probe.ok) { out[name] = { p50: 0, p99: 0, rps: 0, errors: 0, status: probe.status }; continue; }
    await autocannon({ url: `${base}${path}`, connections, duration: 1, headers });
    rounds.set(name, []);
  }
  for (let round = 0; round < READ_ROUNDS; round++) {
    for (const [name, runs] of rounds) {
      const headers = { Authorization: `Bearer ${await token()}` };
      const r = await autocannon({ url: `${base}${paths[name]}`, connections, duration, headers });
      runs.push({ p50: r.latency.p50, p99: r.latency.p99, rps: Math.round(r.requests.average), errors: r.errors + r.timeouts + r.non2xx });
    }
  }
  for (const [name, runs] of rounds) {
    out[name] = {
      p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), rps: median(runs.map((r) => r.rps)),
      errors: runs.reduce((n, r) => n + r.errors, 0), roundsP99: runs.map((r) => r.p99),
    };
  }
  return out;
}

interface Repos {
  reconcile(tenantId: string, snapshotId: string): Promise<unknown>;
}

/**
 * A generated month's per-client counts, from its device rows (the product tallies them as its
 * ingest judges the devices; these rows were made by SQL): the same figures, one scan with
 * grouping sets. Level (GROUPING bits device_class, reason): 3 the client, 1 per class, 2 per reason.
 */
async function countClients(q: pg.Client, tenantId: string, snapshotId: string, month: string): Promise<void> {
  await q.query(`SET LOCAL work_mem = '64MB'`);
  await q.query(
    `WITH sets AS (
       SELECT organization_id, device_class, reason, GROUPING(device_class, reason) AS level, count(*) AS n,
              count(*) FILTER (WHERE counted OR reason = 'unmapped-organization') AS billable,
              count(*) FILTER (WHERE NOT counted) AS excluded
         FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2 AND taken_month = $3
        GROUP BY GROUPING SETS ((organization_id), (organization_id, device_class), (organization_id, reason))
     ), per_client AS (
       SELECT organization_id, max(n) FILTER (WHERE level = 3) AS devices, max(billable) FILTER (WHERE level = 3) AS billable,
              COALESCE(jsonb_object_agg(device_class, n) FILTER (WHERE level = 1), '{}') AS by_class,
              COALESCE(jsonb_object_agg(reason, excluded) FILTER (WHERE level = 2 AND excluded > 0), '{}') AS by_reason
         FROM sets GROUP BY organization_id
     )
     INSERT INTO snapshot_client (tenant_id, snapshot_id, organization_id, organization_name, device_count, billable_count, by_class, excluded_by_reason)
     SELECT $1, $2, t.organization_id, COALESCE(o.name, t.organization_id), t.devices, t.billable, t.by_class, t.by_reason
       FROM per_client t
       LEFT JOIN panelone_organization o ON o.tenant_id = $1 AND o.id = t.organization_id`,
    [tenantId, snapshotId, month],
  );
}

/** A connection of its own for `work`, ended after it. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Generates HISTORY_MONTHS monthly snapshots before `base`, oldest first (as they would have been
 * taken); returns their ids, oldest first. Newest first, each month written before every month
 * already generated, so the product worked out the open-since of all the later ones again: 590,000
 * dead line rows for 58,000 live ones, a bench artifact a history taken in order does not have.
 */
export async function buildHistory(url: string, tenant: string, baseSnapshotId: string, repos: Repos, log: (m: string) => void) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  const ids: string[] = [];
  const partitions: string[] = [];
  try {
    for (let k = HISTORY_MONTHS; k >= 1; k--) {
      const [{ id, taken_at, month }] = (await client.query(
        `SELECT gen_random_uuid() AS id, s.taken_at - make_interval(months => $3) AS taken_at,
                to_char(date_trunc('month', (s.taken_at - make_interval(months => $3)) AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month
           FROM snapshot s WHERE s.tenant_id = $1 AND s.id = $2`, [tenant, baseSnapshotId, k])).rows;
      const partition = `snapshot_device_p${month.slice(0, 4)}${month.slice(5, 7)}`;
      await client.query(`CREATE TABLE IF NOT EXISTS ${partition} PARTITION OF snapshot_device FOR VALUES FROM ('${month}') TO ('${month}'::date + interval '1 month')`);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO snapshot (tenant_id, id, taken_at, trigger, status, rules, run_id)
         SELECT tenant_id, $3, $4, 'schedule', 'building', rules, NULL FROM snapshot WHERE tenant_id = $1 AND id = $2`,
        [tenant, baseSnapshotId, id, taken_at]);
      await client.query(
        `INSERT INTO snapshot_device (tenant_id, snapshot_id, organization_id, device_id, hostname, serial_number, device_class, last_contact, offline, approval_status, counted, reason, taken_month)
         SELECT tenant_id, $3, organization_id,
                CASE WHEN abs(hashtext(device_id || ':r')) % 100 < 2 * $4 THEN device_id || '-r' || $4 ELSE device_id END,
                hostname, serial_number, device_class, last_contact - make_interval(months => $4), offline, approval_status, counted, reason, $5::date
           FROM snapshot_device
          WHERE tenant_id = $1 AND snapshot_id = $2 AND abs(hashtext(device_id)) % 100 >= $4`,
        [tenant, baseSnapshotId, id, k, month]);
      await countClients(client, tenant, id, month);
      await client.query(
        `UPDATE snapshot s SET status = 'complete', completed_at = now(),
                device_count = c.devices, billable_count = c.billable
           FROM (SELECT COALESCE(sum(device_count), 0) AS devices, COALESCE(sum(billable_count), 0) AS billable
                   FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2) c
          WHERE s.tenant_id = $1 AND s.id = $2`, [tenant, id]);
      await client.query('COMMIT');
      await repos.reconcile(tenant, id);
      await client.query(`ANALYZE ${partition}`);
      ids.push(id);
      partitions.push(partition);
      if (ids.length % 6 === 0) log(`history: ${ids.length}/${HISTORY_MONTHS} months`);
    }
  } finally {
    await client.end();
  }
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  return { ids, seconds, vacuumSeconds: await vacuumHistory(url, partitions) };
}

/**
 * VACUUM of the generated months' partitions and of the tables their reconciliations wrote, before
 * anything is measured against them: months written over two years were vacuumed long ago (and
 * the reconciliation tables after each month's updates of open-since), while 24 just written would
 * have autovacuum working through ~6 million new rows on one of the 2 cores during the reads and
 * the new snapshot, or (this machine's PostgreSQL runs with autovacuum off) never, the reads then
 * wading through dead rows no deployment keeps. The current month's partition (the baseline's own
 * rows) is left as it was. The bench then takes a checkpoint(): what two years wrote was on disk long ago.
 */
async function vacuumHistory(url: string, partitions: string[]): Promise<number> {
  const t0 = performance.now();
  await withClient(url, async (client) => {
    for (const partition of new Set(partitions)) await client.query(`VACUUM (ANALYZE) ${partition}`);
    await client.query('VACUUM (ANALYZE) reconciliation_line, reconciliation_client, reconciliation, snapshot_client, snapshot');
  });
  return Math.round((performance.now() - t0) / 100) / 10;
}

/**
 * CHECKPOINT, waited for: the history's ~2 GB of WAL otherwise has PostgreSQL write its dirty
 * pages out for minutes in a checkpoint spread over the reads (one began 1 s before the reads with
 * 24 months and had not ended 4 minutes later, through the reads and the new snapshot; checkpoints
 * came 19 s apart while the months were written). Taken before the reads of each side.
 */
export async function checkpoint(url: string): Promise<void> {
  await withClient(url, (client) => client.query('CHECKPOINT'));
}

/** Table and index bytes of snapshot_device (every partition), per device row. */
export async function deviceRowSize(url: string) {
  const [r] = (await withClient(url, (client) => client.query(
    `SELECT count(*)::int AS partitions, sum(pg_table_size(inhrelid))::float8 AS table_bytes, sum(pg_indexes_size(inhrelid))::float8 AS index_bytes,
            (SELECT count(*) FROM snapshot_device)::float8 AS rows
       FROM pg_inherits WHERE inhparent = 'snapshot_device'::regclass`))).rows;
  return {
    partitions: r.partitions, rows: r.rows, tableMb: Math.round(r.table_bytes / 1024 / 102.4) / 10, indexMb: Math.round(r.index_bytes / 1024 / 102.4) / 10,
    bytesPerRow: { table: Math.round(r.table_bytes / r.rows), index: Math.round(r.index_bytes / r.rows) },
  };
}

/**
 * Deleting a month by retention, both ways: the oldest month while another tenant still keeps
 * it (bounded DELETEs of this tenant's rows), then the next month, which nobody keeps (the
 * partition detached and dropped whole).
 */
export async function measureRetention(url: string, tenant: string, enforce: (now?: Date) => Promise<{ droppedMonths: string[]; deletedRows: number }>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const keeper = `${tenant}-keeper`;
    const [{ oldest }] = (await client.query(`SELECT min(taken_at) AS oldest FROM snapshot WHERE tenant_id = $1`, [tenant])).rows;
    // Another tenant with one snapshot (and one device row) in the oldest month, kept for ever.
    await client.query(`INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [keeper]);
    await client.query(`INSERT INTO tenant_settings (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [keeper]);
    const [{ id }] = (await client.query(
      `INSERT INTO snapshot (tenant_id, taken_at, trigger, status, rules) VALUES ($1, $2, 'manual', 'complete', '{}') RETURNING id`, [keeper, oldest])).rows;
    await client.query(
      `INSERT INTO snapshot_device (tenant_id, snapshot_id, organization_id, device_id, device_class, counted, taken_month)
       VALUES ($1, $2, 'org', 'dev', 'MAC', true, date_trunc('month', $3::timestamptz AT TIME ZONE 'UTC')::date)`, [keeper, id, oldest]);
    // Keep 23 months: exactly the oldest of the 24 generated months expires (the keeper keeps it).
    await client.query(`UPDATE tenant_settings SET retention_months = $2 WHERE tenant_id = $1`, [tenant, HISTORY_MONTHS - 1]);
    let t0 = performance.now();
    const deleted = await enforce();
    const deleteMs = Math.round(performance.now() - t0);
    // Then keep 22: the next month expires and nobody keeps it; the keeper lets the oldest go too.
    await client.query(`UPDATE tenant_settings SET retention_months = $2 WHERE tenant_id = $1`, [tenant, HISTORY_MONTHS - 2]);
    await client.query(`UPDATE tenant_settings SET retention_months = 1 WHERE tenant_id = $1`, [keeper]);
    t0 = performance.now();
    const dropped = await enforce();
    const dropMs = Math.round(performance.now() - t0);
    return {
      boundedDelete: { ms: deleteMs, rows: deleted.deletedRows, months: deleted.droppedMonths.length },
      dropPartitions: { ms: dropMs, months: dropped.droppedMonths },
    };
  } finally {
    await client.end();
  }
}
