// Retention of snapshot device rows (docs/performance.md, "History and retention"). Device rows
// live in one partition of snapshot_device per UTC month; a tenant's retention setting keeps
// them for N months after the current one (null: for ever). Counts (snapshot_client) and
// reconciliations are never deleted, so every figure and trend stays; only the per-device
// evidence goes, and the snapshot says so (device_rows_deleted_at, before the first row goes).
//  - A month no tenant still needs is dropped whole: DETACH PARTITION ... CONCURRENTLY (readers
//    and the ingest are not blocked), then DROP TABLE; no row-by-row work, no bloat.
//  - A month that some tenant still keeps loses the expired tenants' rows by bounded DELETEs
//    (BATCH rows per statement, each its own transaction), so no lock or transaction is long.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { withPgClient } from '../database/transaction.js';
import { devicePartition } from './snapshot.repository.js';

const BATCH = 10_000;

export interface RetentionReport {
  droppedMonths: string[];
  deletedRows: number;
  snapshotsCleared: number;
}

interface MonthSnapshot { tenant_id: string; id: string; expired: boolean; marked: boolean; has_rows: boolean }

@Injectable()
export class DeviceRetentionService {
  private readonly logger = new Logger(DeviceRetentionService.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The months that have a partition, oldest first ('YYYY-MM-01'). */
  async months(): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'snapshot_device'::regclass ORDER BY 1`);
    return rows.map((r) => /^snapshot_device_p(\d{4})(\d{2})$/.exec(r.name)).filter((m) => m !== null).map((m) => `${m![1]}-${m![2]}-01`);
  }

  /** Deletes every device row past its tenant's retention, as of `now`. Idempotent; safe to stop at any point. */
  async enforce(now = new Date()): Promise<RetentionReport> {
    const report: RetentionReport = { droppedMonths: [], deletedRows: 0, snapshotsCleared: 0 };
    const current = `${now.toISOString().slice(0, 7)}-01`;
    for (const month of await this.months()) {
      if (month >= current) break;
      await this.enforceMonth(month, current, report);
    }
    if (report.droppedMonths.length || report.deletedRows) this.logger.log({ ...report }, 'retention applied');
    return report;
  }

  /**
   * One month, under its month lock taken exclusively (an ingest of that month holds it shared
   * for its transaction): what is read here cannot change before the partition is dropped. A
   * month whose lock is busy (a snapshot of it is being taken) is left for the next pass.
   */
  private async enforceMonth(month: string, current: string, report: RetentionReport): Promise<void> {
    await withPgClient(this.db, async (client) => {
      const { rows: [{ got }] } = await client.query(`SELECT pg_try_advisory_lock(hashtext('b1r:snapshot-month'), hashtext($1)) AS got`, [month]);
      if (!got) return;
      try {
        await this.enforceLockedMonth(client, month, current, report);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('b1r:snapshot-month'), hashtext($1))`, [month]);
      }
    });
  }

  private async enforceLockedMonth(client: PoolClient, month: string, current: string, report: RetentionReport): Promise<void> {
    const partition = devicePartition(month);
    // Every snapshot of the month: is it past its tenant's retention, already cleared, still holding rows?
    const { rows: snapshots } = await client.query<MonthSnapshot>(
      `SELECT s.tenant_id, s.id,
              (t.retention_months IS NOT NULL AND $1::date < $2::date - make_interval(months => t.retention_months)) AS expired,
              s.device_rows_deleted_at IS NOT NULL AS marked,
              (s.device_rows_deleted_at IS NOT NULL AND EXISTS (SELECT 1 FROM ${partition} d WHERE d.tenant_id = s.tenant_id AND d.snapshot_id = s.id)) AS has_rows
         FROM snapshot s LEFT JOIN tenant_settings t ON t.tenant_id = s.tenant_id
        WHERE s.taken_at >= ($1::date AT TIME ZONE 'UTC') AND s.taken_at < (($1::date + interval '1 month') AT TIME ZONE 'UTC')`,
      [month, current]);
    const toClear = snapshots.filter((s) => s.expired && !s.marked);
    const needed = snapshots.some((s) => !s.expired && !s.marked);
    await this.mark(client, toClear);
    report.snapshotsCleared += toClear.length;
    if (!needed) {
      // Nobody keeps this month: the partition goes whole.
      await client.query(`ALTER TABLE snapshot_device DETACH PARTITION ${partition} CONCURRENTLY`).catch(async (err: Error) => {
        // A detach interrupted earlier left it pending: finish that one.
        if (!/pending detach|FINALIZE/i.test(err.message)) throw err;
        await client.query(`ALTER TABLE snapshot_device DETACH PARTITION ${partition} FINALIZE`);
      });
      await client.query(`DROP TABLE ${partition}`);
      report.droppedMonths.push(month);
      return;
    }
    for (const s of [...toClear, ...snapshots.filter((x) => x.marked && x.has_rows)]) {
      report.deletedRows += await this.deleteRows(client, partition, s.tenant_id, s.id);
    }
  }

  private async mark(client: PoolClient, snapshots: MonthSnapshot[]): Promise<void> {
    if (!snapshots.length) return;
    await client.query(
      `UPDATE snapshot SET device_rows_deleted_at = now() FROM unnest($1::text[], $2::uuid[]) AS x(tenant_id, id)
        WHERE snapshot.tenant_id = x.tenant_id AND snapshot.id = x.id AND snapshot.device_rows_deleted_at IS NULL`,
      [snapshots.map((s) => s.tenant_id), snapshots.map((s) => s.id)]);
  }

  /** One snapshot's rows, BATCH at a time (each DELETE its own short transaction). */
  private async deleteRows(client: PoolClient, partition: string, tenantId: string, snapshotId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await client.query(
        `DELETE FROM ${partition} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${partition} WHERE tenant_id = $1 AND snapshot_id = $2 LIMIT ${BATCH}))`,
        [tenantId, snapshotId]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < BATCH) return total;
    }
  }
}
