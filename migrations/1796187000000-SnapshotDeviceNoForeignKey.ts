import type { MigrationInterface, QueryRunner } from 'typeorm';

// snapshot_device loses its foreign key to snapshot. Every device row costs the key a check
// against snapshot as it is inserted (~4 µs: +100 ms of a 25,000-device snapshot, half its
// insert, and ~10 s at 2,500,000), and what the key guards holds by construction: the one writer
// of device rows (SnapshotRepository.judgeStaged) runs in the transaction that inserted their
// snapshot row first, and no code deletes a snapshot (retention deletes device rows, never the
// snapshot, whose counts and reconciliation are kept for ever). test/architecture/device-rows-owner.spec.ts
// keeps both true.
export class SnapshotDeviceNoForeignKey1796187000000 implements MigrationInterface {
  name = 'SnapshotDeviceNoForeignKey1796187000000';

  async up(q: QueryRunner): Promise<void> {
    const keys: Array<{ conname: string }> = await q.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'snapshot_device'::regclass AND contype = 'f' AND confrelid = 'snapshot'::regclass`);
    for (const { conname } of keys) await q.query(`ALTER TABLE snapshot_device DROP CONSTRAINT "${conname}"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM snapshot_device d WHERE NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.tenant_id = d.tenant_id AND s.id = d.snapshot_id)`);
    await q.query(`ALTER TABLE snapshot_device ADD FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE`);
  }
}
