import type { MigrationInterface, QueryRunner } from 'typeorm';

// Since when each gap has been open, stored on its line when the reconciliation is written, so
// missed billing and GET /gaps read it instead of walking every past snapshot:
//  - open_since / open_snapshots: for an under- or over-licensed line, the taken-at of the first
//    snapshot, and the number of snapshots, of the unbroken run of complete snapshots (up to this
//    one) in which the same client and product had a line of the same status; null when matched.
//  - billing_open_since / billing_open_snapshots: the same for an under- or over-billed billing status.
// The back-fill works the runs out in one pass (gaps and islands over each tenant's complete
// snapshots in taken-at order, on the version in force of each); a line of an older version gets
// its snapshot's figures when it has the same status as the version in force, else none (read as
// "this snapshot only"), which is what the walk it replaces answered.
export class GapOpenSince1796186000000 implements MigrationInterface {
  name = 'GapOpenSince1796186000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_line ADD COLUMN open_since timestamptz, ADD COLUMN open_snapshots integer,
      ADD COLUMN billing_open_since timestamptz, ADD COLUMN billing_open_snapshots integer`);
    await backfillOpenSince(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_line DROP COLUMN open_since, DROP COLUMN open_snapshots, DROP COLUMN billing_open_since, DROP COLUMN billing_open_snapshots`);
  }
}

/** Works out every line's figures from the snapshots already stored (the migration's back-fill; a test runs it again). */
export async function backfillOpenSince(q: { query(text: string): Promise<unknown> }): Promise<void> {
  await q.query(`
      WITH snaps AS (
        SELECT tenant_id, id, taken_at, reconciliation_version AS version, row_number() OVER (PARTITION BY tenant_id ORDER BY taken_at, id) AS rn
          FROM snapshot WHERE status = 'complete'
      ), lines AS (
        SELECT l.tenant_id, l.snapshot_id, l.version, l.organization_id, l.product_id, l.status, l.billing_status, s.taken_at, s.rn,
               lag(s.rn) OVER w AS prev_rn, lag(l.status) OVER w AS prev_status, lag(l.billing_status) OVER w AS prev_billing
          FROM reconciliation_line l JOIN snaps s ON s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND s.version = l.version
        WINDOW w AS (PARTITION BY l.tenant_id, l.organization_id, l.product_id ORDER BY s.rn)
      ), marked AS (
        SELECT *, sum(CASE WHEN prev_rn = rn - 1 AND prev_status = status THEN 0 ELSE 1 END) OVER w AS run,
                  sum(CASE WHEN prev_rn = rn - 1 AND prev_billing = billing_status THEN 0 ELSE 1 END) OVER w AS billing_run
          FROM lines WINDOW w AS (PARTITION BY tenant_id, organization_id, product_id ORDER BY rn)
      ), runs AS (
        SELECT *, min(taken_at) OVER (PARTITION BY tenant_id, organization_id, product_id, run) AS since,
                  row_number() OVER (PARTITION BY tenant_id, organization_id, product_id, run ORDER BY rn) AS n,
                  min(taken_at) OVER (PARTITION BY tenant_id, organization_id, product_id, billing_run) AS billing_since,
                  row_number() OVER (PARTITION BY tenant_id, organization_id, product_id, billing_run ORDER BY rn) AS billing_n
          FROM marked
      )
      UPDATE reconciliation_line l SET
        open_since = CASE WHEN r.status IN ('under-licensed', 'over-licensed') THEN r.since END,
        open_snapshots = CASE WHEN r.status IN ('under-licensed', 'over-licensed') THEN r.n END,
        billing_open_since = CASE WHEN r.billing_status IN ('under-billed', 'over-billed') THEN r.billing_since END,
        billing_open_snapshots = CASE WHEN r.billing_status IN ('under-billed', 'over-billed') THEN r.billing_n END
        FROM runs r
       WHERE l.tenant_id = r.tenant_id AND l.snapshot_id = r.snapshot_id AND l.version = r.version
         AND l.organization_id = r.organization_id AND l.product_id = r.product_id`);
  await q.query(`
      UPDATE reconciliation_line o SET
        open_since = CASE WHEN o.status = c.status THEN c.open_since END,
        open_snapshots = CASE WHEN o.status = c.status THEN c.open_snapshots END,
        billing_open_since = CASE WHEN o.billing_status = c.billing_status THEN c.billing_open_since END,
        billing_open_snapshots = CASE WHEN o.billing_status = c.billing_status THEN c.billing_open_snapshots END
        FROM snapshot s JOIN reconciliation_line c ON c.tenant_id = s.tenant_id AND c.snapshot_id = s.id AND c.version = s.reconciliation_version
       WHERE s.tenant_id = o.tenant_id AND s.id = o.snapshot_id AND o.version <> s.reconciliation_version
         AND c.organization_id = o.organization_id AND c.product_id = o.product_id`);
}
