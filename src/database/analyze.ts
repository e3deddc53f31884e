// ANALYZE after a bulk write, when it is worth it: the planner's row count of a table (pg_class
// reltuples, set by the last ANALYZE or VACUUM) against the rows just written. Never analyzed
// (reltuples -1, or 0): always. Rows small beside what the table already holds (under a tenth)
// move no estimate that matters, and autovacuum's ANALYZE catches up, unless the planner would
// take those rows for a handful (the probe): a new snapshot's id is a value the statistics have
// never seen, and while every earlier id fits in the most-common-values list (as many as the
// column's statistics target: 100 by default, two years of monthly snapshots) PostgreSQL
// estimates an unseen one at about one row. The reads of that snapshot then plan nested loops
// for thousands of rows: missed billing took 345 ms (p50) after the 25th month's snapshot, 20 ms
// once analyzed (docs/performance.md, "Statistics of a new snapshot"). The snapshot tables'
// key columns have a target of 10 (migration SnapshotKeyStatistics), so from the 11th snapshot
// on the probe finds the estimate fair and nothing is analyzed.
import { rowsOf, type Queryable } from './queryable.js';

/** A statement selecting exactly the rows just written, whose row estimate the planner is asked for (EXPLAIN, not run). */
export interface EstimateProbe {
  sql: string;
  params: unknown[];
  /**
   * Fewer rows just written are not probed: planned as a handful, they cost the reads less than
   * an ANALYZE costs the write. Probing every snapshot of the bench's 500 tenants due at once
   * (~500 devices and ~10 lines each, each tenant a value the statistics had not seen) analyzed a
   * month's partition for nearly each: a tenant's run took 886 ms (p50) instead of 475, and the
   * last finished 121.6 s after due instead of 74.9.
   */
  minRows: number;
}

/** The planner's row estimate of a statement (its top plan node), without running it. */
export async function plannedRows(q: Queryable, probe: EstimateProbe): Promise<number> {
  const [row] = rowsOf<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(await q.query(`EXPLAIN (FORMAT JSON) ${probe.sql}`, probe.params));
  return row['QUERY PLAN'][0].Plan['Plan Rows'];
}

/**
 * Runs `ANALYZE <targets>` unless `rows` is under a tenth of what the planner counts in `relation`
 * and (with a probe, for its minRows or more) the planner already estimates those rows within a tenth; true when it was
 * asked for. SKIP_LOCKED: a table another ANALYZE or VACUUM (autovacuum's) holds
 * is left to it rather than waited for inside the job (autovacuum gives way only after
 * deadlock_timeout; the snapshot job's analyze phase once took 3.5 s in the bench's history
 * phase, with autovacuum at work on freshly written months).
 */
export async function analyzeIfGrown(q: Queryable, relation: string, rows: number, targets: string, probe?: EstimateProbe): Promise<boolean> {
  const [{ known }] = rowsOf<{ known: number }>(await q.query(`SELECT reltuples::float8 AS known FROM pg_class WHERE oid = $1::regclass`, [relation]));
  const grown = !(known > 0 && rows * 10 < known);
  if (!grown && (!probe || rows < probe.minRows || (await plannedRows(q, probe)) * 10 >= rows)) return false;
  await q.query(`ANALYZE (SKIP_LOCKED) ${targets}`);
  return true;
}
