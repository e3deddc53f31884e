import type { MigrationInterface, QueryRunner } from 'typeorm';

// A statistics target of 10 (default 100) on the columns the reads of one snapshot filter and join
// on, in the tables that gain rows with every snapshot: reconciliation_line, reconciliation_client
// and snapshot_client. Two things follow (src/database/analyze.ts; docs/performance.md,
// "Statistics of a new snapshot"):
// - While a column has no more distinct values than its target, ANALYZE keeps them all as its
//   most common values, and the planner takes a value it has not seen (the next snapshot's id) for
//   about one row: at 25 months of 2,000 clients missed billing then planned a nested loop, 345 ms
//   against 20. With 10, from the 11th snapshot on a new id is estimated at a snapshot's average
//   (1,991 lines for 2,078) with no ANALYZE at all; before it the tables are small.
// - ANALYZE samples 300 rows per unit of the largest target of the columns it is given: 3,000
//   rows instead of 30,000. The snapshot job's ANALYZE of these columns took 40 + 25 ms at 25
//   months instead of 280 + 88 (and 1.1 s + 0.44 s for every column).
// Columns of few values (status, version) need no more; the ids' estimates come from n_distinct.
// snapshot_device's snapshot_id too (every partition; a partition created later is given it by
// SnapshotRepository), so a month's 11th snapshot is estimated fairly without sampling the month.
const COLUMNS: Record<string, string[]> = {
  reconciliation_line: ['tenant_id', 'snapshot_id', 'version', 'organization_id', 'product_id', 'status', 'gap_state', 'billing_status', 'billed_variance'],
  reconciliation_client: ['tenant_id', 'snapshot_id', 'version', 'organization_id', 'status', 'billing_status', 'name', 'pax8_company_id'],
  snapshot_client: ['tenant_id', 'snapshot_id', 'organization_id'],
};

export class SnapshotKeyStatistics1796188000000 implements MigrationInterface {
  name = 'SnapshotKeyStatistics1796188000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} SET STATISTICS 10`).join(', ')}`);
    }
    await q.query('ALTER TABLE snapshot_device ALTER COLUMN snapshot_id SET STATISTICS 10');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE snapshot_device ALTER COLUMN snapshot_id SET STATISTICS -1');
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} SET STATISTICS -1`).join(', ')}`);
    }
  }
}
