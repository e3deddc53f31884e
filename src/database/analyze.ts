// ANALYZE after a bulk write, when it is worth it: the planner's row count of a table (pg_class
// reltuples, set by the last ANALYZE or VACUUM) against the rows just written. Never analyzed
// (reltuples -1, or 0): always. Rows small beside what the table already holds (under a tenth)
// move no estimate that matters, and autovacuum's ANALYZE catches up.
import { rowsOf, type Queryable } from './queryable.js';

/**
 * Runs `ANALYZE <targets>` unless `rows` is under a tenth of what the planner counts in `relation`;
 * true when it was asked for. SKIP_LOCKED: a table another ANALYZE or VACUUM (autovacuum's) holds
 * is left to it rather than waited for inside the job (autovacuum gives way only after
 * deadlock_timeout; the snapshot job's analyze phase once took 3.5 s in the bench's history
 * phase, with autovacuum at work on freshly written months).
 */
export async function analyzeIfGrown(q: Queryable, relation: string, rows: number, targets: string): Promise<boolean> {
  const [{ known }] = rowsOf<{ known: number }>(await q.query(`SELECT reltuples::float8 AS known FROM pg_class WHERE oid = $1::regclass`, [relation]));
  if (known > 0 && rows * 10 < known) return false;
  await q.query(`ANALYZE (SKIP_LOCKED) ${targets}`);
  return true;
}
