import type { MigrationInterface, QueryRunner } from 'typeorm';

// Device rows by month, for retention (docs/performance.md, "History and retention"):
//  - snapshot_device becomes a table partitioned by RANGE (taken_month), the UTC month of its
//    snapshot's taken_at, one partition per month named snapshot_device_pYYYYMM (created on
//    demand by the ingest, before its transaction). taken_month closes the primary key (a
//    partitioned table's keys must hold the partition key); reads give it, so they touch one
//    partition. Existing rows move into their month's partition.
//  - tenant_settings.retention_months: device rows kept for that many months after the current
//    one (null: for ever). Counts (snapshot_client) and reconciliations are kept for ever.
//  - snapshot.device_rows_deleted_at: when retention deleted the snapshot's device rows; set
//    before the first row goes, so a read never shows a half-deleted snapshot as complete.
export class SnapshotDevicePartitions1796183000000 implements MigrationInterface {
  name = 'SnapshotDevicePartitions1796183000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant_settings ADD COLUMN retention_months integer CHECK (retention_months BETWEEN 1 AND 1200)`);
    await q.query(`ALTER TABLE snapshot ADD COLUMN device_rows_deleted_at timestamptz`);
    await q.query(`ALTER TABLE snapshot_device RENAME TO snapshot_device_unpartitioned`);
    await q.query(`ALTER TABLE snapshot_device_unpartitioned RENAME CONSTRAINT snapshot_device_pkey TO snapshot_device_unpartitioned_pkey`);
    await q.query(`
      CREATE TABLE snapshot_device (
        tenant_id        text NOT NULL,
        snapshot_id      uuid NOT NULL,
        organization_id  text NOT NULL,
        device_id        text NOT NULL,
        hostname         text,
        serial_number    text,
        device_class     text NOT NULL,
        last_contact     timestamptz,
        offline          boolean,
        approval_status  text,
        counted          boolean NOT NULL,
        reason           text,
        taken_month      date NOT NULL,
        PRIMARY KEY (tenant_id, snapshot_id, organization_id, device_id, taken_month),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      ) PARTITION BY RANGE (taken_month)`);
    const months: Array<{ month: string }> = await q.query(
      `SELECT DISTINCT to_char(date_trunc('month', taken_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month FROM snapshot ORDER BY 1`);
    for (const { month } of months) {
      const name = `snapshot_device_p${month.slice(0, 4)}${month.slice(5, 7)}`;
      await q.query(`CREATE TABLE ${name} PARTITION OF snapshot_device FOR VALUES FROM ('${month}') TO ('${month}'::date + interval '1 month')`);
    }
    await q.query(`
      INSERT INTO snapshot_device
      SELECT d.tenant_id, d.snapshot_id, d.organization_id, d.device_id, d.hostname, d.serial_number, d.device_class, d.last_contact,
             d.offline, d.approval_status, d.counted, d.reason, date_trunc('month', s.taken_at AT TIME ZONE 'UTC')::date
        FROM snapshot_device_unpartitioned d JOIN snapshot s ON s.tenant_id = d.tenant_id AND s.id = d.snapshot_id`);
    await q.query(`DROP TABLE snapshot_device_unpartitioned`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE snapshot_device_unpartitioned (LIKE snapshot_device INCLUDING DEFAULTS)`);
    await q.query(`INSERT INTO snapshot_device_unpartitioned SELECT * FROM snapshot_device`);
    await q.query(`DROP TABLE snapshot_device`);
    await q.query(`ALTER TABLE snapshot_device_unpartitioned DROP COLUMN taken_month`);
    await q.query(`ALTER TABLE snapshot_device_unpartitioned RENAME TO snapshot_device`);
    await q.query(`ALTER TABLE snapshot_device ADD PRIMARY KEY (tenant_id, snapshot_id, organization_id, device_id)`);
    await q.query(`ALTER TABLE snapshot_device ADD FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE snapshot DROP COLUMN device_rows_deleted_at`);
    await q.query(`ALTER TABLE tenant_settings DROP COLUMN retention_months`);
  }
}
