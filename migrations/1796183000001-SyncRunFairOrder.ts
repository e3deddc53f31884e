import type { MigrationInterface, QueryRunner } from 'typeorm';

// The claim query orders queued runs by when their tenant last had a run started (tenants
// waiting longest first), so the claim order interleaves tenants: this index answers "the
// tenant's latest start" with one probe per queued tenant.
export class SyncRunFairOrder1796183000001 implements MigrationInterface {
  name = 'SyncRunFairOrder1796183000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX sync_run_started_idx ON sync_run (tenant_id, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sync_run_started_idx`);
  }
}
