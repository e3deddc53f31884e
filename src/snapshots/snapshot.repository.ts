// The snapshot tables (snapshot, snapshot_device, snapshot_client): every statement that reads
// or writes them, and the typed rows they return. Writes take the connection that holds the
// ingest's transaction; reads outside one run on the pool. Other features read snapshots only
// through here (or, inside one statement of theirs, through COMPLETE_SNAPSHOT_SQL).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { analyzeIfGrown } from '../database/analyze.js';
import { forEachRow, forEachRowIn } from '../database/cursor.js';
import { isoTimestamp, rowsOf, type Queryable } from '../database/queryable.js';
import type { CountingRules } from '../settings/rules.js';
import type { ExclusionReason } from './device-counting.js';
import { sightingKey, type ClientTally, type DeviceRow, type StoredDevices } from './stream-judge.js';
import { batches } from '../database/batches.js';
import type { SnapshotDeviceResponseDto, SnapshotRefDto, SnapshotResponseDto } from './dto/snapshot.dto.js';

export type SnapshotTrigger = 'manual' | 'schedule' | 'sync-all';

/**
 * The snapshot a statement is about, for a CTE: $1 = tenant, $2 = the snapshot asked for (null:
 * the latest complete one). Lets a reconciliation read find its snapshot in the same round trip.
 */
export const COMPLETE_SNAPSHOT_SQL = `SELECT id, taken_at FROM snapshot
  WHERE tenant_id = $1 AND status = 'complete' AND ($2::uuid IS NULL OR id = $2::uuid)
  ORDER BY taken_at DESC, id DESC LIMIT 1`;

export interface SnapshotRecord {
  id: string;
  taken_at: Date;
  trigger: SnapshotTrigger;
  status: 'building' | 'complete';
  device_count: number;
  billable_count: number;
  rules: CountingRules;
  device_rows_deleted_at: Date | null;
}

export interface SnapshotDeviceRecord {
  device_id: string;
  organization_id: string;
  hostname: string | null;
  serial_number: string | null;
  device_class: string;
  last_contact: Date | null;
  offline: boolean | null;
  approval_status: string | null;
  counted: boolean;
  reason: ExclusionReason | null;
}

export interface ClientCountsRecord {
  device_count: number;
  billable_count: number;
  by_class: Record<string, number>;
  excluded_by_reason: Record<string, number>;
}

export interface ClientBillableRecord {
  organization_id: string;
  organization_name: string;
  billable_count: number;
}

/**
 * The columns reads filter, join and group snapshot_device on: the ANALYZE after a snapshot
 * computes statistics for these only (half the time of all thirteen); autovacuum's own ANALYZE
 * refreshes the rest.
 */
const ANALYZED_COLUMNS = 'tenant_id, snapshot_id, taken_month, organization_id, device_id, counted, reason, device_class';

const COPY_COLUMNS = 'tenant_id, snapshot_id, organization_id, device_id, hostname, serial_number, device_class, last_contact, offline, approval_status, counted, reason, taken_month';

/** The first day (UTC) of the month a snapshot was taken in: its device rows' partition key, 'YYYY-MM-01'. */
export function takenMonth(takenAt: Date | string): string {
  return `${new Date(takenAt).toISOString().slice(0, 7)}-01`;
}

/** The partition of snapshot_device holding one month: snapshot_device_pYYYYMM. */
export function devicePartition(month: string): string {
  if (!/^\d{4}-\d{2}-01$/.test(month)) throw new Error(`not a month: ${month}`);
  return `snapshot_device_p${month.slice(0, 4)}${month.slice(5, 7)}`;
}

/** COPY text format: tab-separated, \N for null, backslash escapes for the separators. */
function copyField(value: string | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // Most values have nothing to escape: one test instead of four replaces (~0.5 s a 250,000-device snapshot).
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Rows per FETCH of the stored serials StreamJudge asks about (memory stays one batch). */
const SERIAL_BATCH = 2000;

/**
 * Creates a month's partition unless it exists (in the caller's transaction, under the advisory
 * lock that orders creators), its snapshot_id with the statistics target of 10 the other
 * snapshot tables' key columns have (migration SnapshotKeyStatistics; a partition does not take
 * its parent's): from the 11th snapshot in a month the planner estimates a new one fairly, so
 * analyze() need not sample the month again for each small tenant's snapshot.
 */
async function createPartition(q: Queryable, month: string): Promise<void> {
  const name = devicePartition(month);
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('snapshot_device partitions'))`);
  if (rowsOf<{ t: string | null }>(await q.query(`SELECT to_regclass($1) AS t`, [name]))[0]?.t) return;
  await q.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF snapshot_device FOR VALUES FROM ('${month}') TO ('${month}'::date + interval '1 month')`);
  await q.query(`ALTER TABLE ${name} ALTER COLUMN snapshot_id SET STATISTICS 10`);
}

@Injectable()
export class SnapshotRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertBuilding(q: Queryable, row: { tenantId: string; id: string; takenAt: Date; trigger: SnapshotTrigger; rules: CountingRules; runId: string | null }): Promise<void> {
    await q.query(
      `INSERT INTO snapshot (tenant_id, id, taken_at, trigger, status, rules, run_id) VALUES ($1, $2, $3, $4, 'building', $5, $6)`,
      [row.tenantId, row.id, row.takenAt, row.trigger, JSON.stringify(row.rules), row.runId],
    );
  }

  /**
   * Creates the month's partition of snapshot_device unless it exists. Run before the ingest's
   * transaction, on its own short one: creating a partition locks the parent table, which must
   * not wait behind (or hold up) a COPY. The advisory lock orders concurrent creators.
   */
  async ensurePartition(month: string): Promise<void> {
    const name = devicePartition(month);
    const [found] = await this.db.query(`SELECT to_regclass($1) AS t`, [name]);
    if (found?.t) return;
    await this.db.transaction((tx) => createPartition(tx, month));
  }

  /**
   * Inside the ingest's transaction: holds the month against retention (which takes the same
   * lock exclusively before it drops a month it found empty), and creates the month's partition
   * should retention have dropped it between ensurePartition and this transaction.
   */
  async holdMonth(client: PoolClient, month: string): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock_shared(hashtext('b1r:snapshot-month'), hashtext($1))`, [month]);
    const name = devicePartition(month);
    const { rows: [found] } = await client.query(`SELECT to_regclass($1) AS t`, [name]);
    if (!found?.t) await createPartition(client, month);
  }

  /**
   * Streams the judged devices with COPY straight into the month's partition (StreamJudge decided
   * their verdicts as they went by), so storing them overlaps reading them from PanelOne.
   */
  async copyDevices(client: PoolClient, target: { tenantId: string; snapshotId: string; month: string }, pages: AsyncIterable<DeviceRow[]>): Promise<void> {
    const fixed = `${copyField(target.tenantId)}\t${copyField(target.snapshotId)}\t`;
    const month = `\t${copyField(target.month)}\n`;
    async function* chunks(): AsyncGenerator<string> {
      for await (const page of pages) {
        let chunk = '';
        for (const d of page) {
          chunk += `${fixed}${copyField(d.organizationId)}\t${copyField(d.deviceId)}\t${copyField(d.hostname)}\t${copyField(d.serialNumber)}\t${copyField(d.deviceClass)}\t`
            + `${copyField(d.lastContact)}\t${copyField(d.offline)}\t${copyField(d.approvalStatus)}\t${copyField(d.counted)}\t${copyField(d.reason)}${month}`;
        }
        if (chunk) yield chunk;
      }
    }
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${devicePartition(target.month)} (${COPY_COLUMNS}) FROM STDIN`)));
  }

  /** The snapshot's stored device rows as StreamJudge asks about them, in the ingest's transaction. */
  storedDevices(client: PoolClient, target: { tenantId: string; snapshotId: string; month: string }): StoredDevices {
    const partition = devicePartition(target.month);
    const { tenantId, snapshotId, month } = target;
    const pairs = (devices: Array<{ organizationId: string; deviceId: string }>) => [devices.map((d) => d.organizationId), devices.map((d) => d.deviceId)];
    return {
      storedAmong: async (devices) => {
        const { rows } = await client.query<{ organization_id: string; device_id: string }>(
          `SELECT organization_id, device_id FROM ${partition}
            WHERE tenant_id = $1 AND snapshot_id = $2 AND taken_month = $3
              AND (organization_id, device_id) IN (SELECT * FROM unnest($4::text[], $5::text[]))`,
          [tenantId, snapshotId, month, ...pairs(devices)]);
        return new Set(rows.map((r) => sightingKey(r.organization_id, r.device_id)));
      },
      // A superset of the rows whose normalised serial (trimmed, upper case) is one of the keys: an
      // ASCII serial is compared the same way here (COLLATE "C" upper-cases ASCII only, as
      // toUpperCase does it; the ASCII white space trim() strips); any other is returned as is.
      // A cursor of the ingest's own transaction (its rows are not committed), SERIAL_BATCH rows at a time.
      eachPassingWithSerial: (organizationIds, serialKeys, onRow) => forEachRowIn<{ organization_id: string; device_id: string; serial_number: string | null }>(client,
        `SELECT organization_id, device_id, serial_number FROM ${partition}
          WHERE tenant_id = $1 AND snapshot_id = $2 AND taken_month = $3 AND organization_id = ANY($4::text[])
            AND (reason IS NULL OR reason = 'unmapped-organization') AND serial_number IS NOT NULL
            AND (octet_length(serial_number) > char_length(serial_number)
                 OR upper(btrim(serial_number COLLATE "C", E' \\t\\n\\r\\f\\x0B')) = ANY($5::text[]))`,
        [tenantId, snapshotId, month, organizationIds, serialKeys],
        (r) => onRow({ organizationId: r.organization_id, deviceId: r.device_id, serialNumber: r.serial_number }), SERIAL_BATCH),
      markDuplicateSerial: async (devices) => {
        await client.query(
          `UPDATE ${partition} d SET counted = false, reason = 'duplicate-serial'
             FROM unnest($4::text[], $5::text[]) AS u(organization_id, device_id)
            WHERE d.tenant_id = $1 AND d.snapshot_id = $2 AND d.taken_month = $3 AND d.organization_id = u.organization_id AND d.device_id = u.device_id`,
          [tenantId, snapshotId, month, ...pairs(devices)]);
      },
      store: (rows) => this.copyDevices(client, target, (async function* () { yield rows; })()),
    };
  }

  /** The snapshot's per-client counts (StreamJudge tallied them as the verdicts were given), with each organization's name as synced. */
  async insertClientCounts(q: Queryable, tenantId: string, snapshotId: string, clients: ReadonlyMap<string, ClientTally>): Promise<void> {
    for (const batch of batches([...clients])) {
      await q.query(
        `INSERT INTO snapshot_client (tenant_id, snapshot_id, organization_id, organization_name, device_count, billable_count, by_class, excluded_by_reason)
         SELECT $1, $2, t.organization_id, COALESCE(o.name, t.organization_id), t.devices, t.billable, t.by_class, t.by_reason
           FROM unnest($3::text[], $4::int[], $5::int[], $6::jsonb[], $7::jsonb[]) AS t(organization_id, devices, billable, by_class, by_reason)
           LEFT JOIN panelone_organization o ON o.tenant_id = $1 AND o.id = t.organization_id`,
        [tenantId, snapshotId, batch.map(([id]) => id), batch.map(([, c]) => c.devices), batch.map(([, c]) => c.billable),
          batch.map(([, c]) => JSON.stringify(c.byClass)), batch.map(([, c]) => JSON.stringify(c.excludedByReason))],
      );
    }
  }

  async markComplete(q: Queryable, tenantId: string, snapshotId: string, counts: { deviceCount: number; billableCount: number }): Promise<void> {
    await q.query(
      `UPDATE snapshot SET status = 'complete', device_count = $3, billable_count = $4, completed_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, snapshotId, counts.deviceCount, counts.billableCount],
    );
  }

  /**
   * A bulk load leaves the planner's row estimates far behind (autovacuum analyzes later, if the
   * server is not busy): a stale estimate of a few rows turns joins over a snapshot into nested loops.
   */
  async analyze(tenantId: string, snapshotId: string, month: string, rows: number): Promise<boolean> {
    // The month's partition only: reads name their month, so they are planned on its statistics,
    // and the cost does not grow with history. A snapshot small beside what the partition already
    // holds (a small tenant in a month of many) does not pay ~0.1-0.2 s for sampling others' rows,
    // unless the planner would take its rows for a handful (the 11th daily snapshot of a month,
    // every earlier one in the statistics: analyze.ts).
    const partition = devicePartition(month);
    return analyzeIfGrown(this.db, partition, rows, `${partition} (${ANALYZED_COLUMNS}), snapshot_client (tenant_id, snapshot_id, organization_id)`, {
      sql: `SELECT 1 FROM ${partition} WHERE tenant_id = $1 AND snapshot_id = $2`, params: [tenantId, snapshotId],
      // The device reads go by client through the key; a snapshot of a few thousand devices costs
      // them little planned blind, and sampling the month (~0.2 s) would cost the ingest more.
      minRows: 5000,
    });
  }

  async latest(q: Queryable, tenantId: string): Promise<SnapshotRefDto | null> {
    const [row] = rowsOf<{ id: string; taken_at: Date }>(await q.query(
      `SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC, id DESC LIMIT 1`, [tenantId],
    ));
    return row ? { id: row.id, takenAt: isoTimestamp(row.taken_at) } : null;
  }

  async findComplete(q: Queryable, tenantId: string, snapshotId: string): Promise<SnapshotRefDto | null> {
    const [row] = rowsOf<{ id: string; taken_at: Date }>(await q.query(
      `SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND id = $2 AND status = 'complete'`, [tenantId, snapshotId],
    ));
    return row ? { id: row.id, takenAt: isoTimestamp(row.taken_at) } : null;
  }

  /** The snapshot a read is about: the one asked for (404 unless complete), else the latest complete one (or none yet). */
  async resolveSnapshot(tenantId: string, snapshotId?: string): Promise<SnapshotRefDto | null> {
    if (!snapshotId) return this.latest(this.db, tenantId);
    const found = await this.findComplete(this.db, tenantId, snapshotId);
    if (!found) throw notFound('Snapshot');
    return found;
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ items: SnapshotResponseDto[]; total: number }> {
    const rows: Array<SnapshotRecord & { total: string }> = await this.db.query(
      `SELECT *, count(*) OVER () AS total FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC, id LIMIT $2 OFFSET $3`,
      [tenantId, limit, offset],
    );
    const total = rows.length ? Number(rows[0].total) : Number((await this.db.query(`SELECT count(*) AS n FROM snapshot WHERE tenant_id = $1 AND status = 'complete'`, [tenantId]))[0].n);
    return { items: rows.map(toSnapshotDto), total };
  }

  async get(tenantId: string, id: string): Promise<SnapshotResponseDto> {
    const [row]: SnapshotRecord[] = await this.db.query(`SELECT * FROM snapshot WHERE tenant_id = $1 AND id = $2 AND status = 'complete'`, [tenantId, id]);
    if (!row) throw notFound('Snapshot');
    return toSnapshotDto(row);
  }

  async devices(tenantId: string, snapshot: SnapshotRefDto, filter: { clientId?: string; counted?: boolean; limit: number; offset: number }): Promise<{ items: SnapshotDeviceResponseDto[]; total: number }> {
    const where = ['tenant_id = $1', 'snapshot_id = $2', 'taken_month = $3'];
    const params: unknown[] = [tenantId, snapshot.id, takenMonth(snapshot.takenAt)];
    if (filter.clientId !== undefined) where.push(`organization_id = $${params.push(filter.clientId)}`);
    if (filter.counted !== undefined) where.push(`counted = $${params.push(filter.counted)}`);
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM snapshot_device WHERE ${where.join(' AND ')}`, params);
    const rows: SnapshotDeviceRecord[] = await this.db.query(
      `SELECT * FROM snapshot_device WHERE ${where.join(' AND ')} ORDER BY organization_id, hostname, device_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { items: rows.map(toDeviceDto), total: Number(n) };
  }

  /** One client's devices in a snapshot, through a cursor (the per-client CSV). */
  eachClientDevice(tenantId: string, snapshot: { id: string; takenAt: Date | string }, organizationId: string, onRow: (row: SnapshotDeviceRecord) => void | Promise<void>): Promise<void> {
    return forEachRow(this.db,
      `SELECT * FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2 AND taken_month = $3 AND organization_id = $4 ORDER BY hostname, device_id`,
      [tenantId, snapshot.id, takenMonth(snapshot.takenAt), organizationId], onRow);
  }

  /** False once retention deleted the snapshot's device rows (its counts and reconciliation stay). */
  async deviceRowsRetained(tenantId: string, snapshotId: string): Promise<boolean> {
    return (await this.rowsDeleted(tenantId, [snapshotId])).length === 0;
  }

  /** Those of the snapshots whose device rows retention deleted. */
  async rowsDeleted(tenantId: string, snapshotIds: string[]): Promise<SnapshotRefDto[]> {
    const rows = rowsOf<{ id: string; taken_at: Date }>(await this.db.query(
      `SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND device_rows_deleted_at IS NOT NULL ORDER BY taken_at`, [tenantId, snapshotIds]));
    return rows.map((r) => ({ id: r.id, takenAt: isoTimestamp(r.taken_at) }));
  }

  async clientCounts(tenantId: string, snapshotId: string, organizationId: string): Promise<ClientCountsRecord | null> {
    const [row]: ClientCountsRecord[] = await this.db.query(
      `SELECT device_count, billable_count, by_class, excluded_by_reason FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3`,
      [tenantId, snapshotId, organizationId],
    );
    return row ?? null;
  }

  /** Billable devices per client of a snapshot: what the reconciliation counts. */
  async billableByClient(q: Queryable, tenantId: string, snapshotId: string): Promise<ClientBillableRecord[]> {
    return rowsOf<ClientBillableRecord>(await q.query(
      `SELECT organization_id, organization_name, billable_count FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2`,
      [tenantId, snapshotId],
    ));
  }
}

export function toSnapshotDto(row: SnapshotRecord): SnapshotResponseDto {
  return {
    id: row.id, takenAt: isoTimestamp(row.taken_at), trigger: row.trigger, status: row.status,
    deviceCount: row.device_count, billableCount: row.billable_count, rules: row.rules,
    deviceRowsRetained: row.device_rows_deleted_at === null,
  };
}

export function toDeviceDto(row: SnapshotDeviceRecord): SnapshotDeviceResponseDto {
  return {
    deviceId: row.device_id, organizationId: row.organization_id, hostname: row.hostname, serialNumber: row.serial_number,
    deviceClass: row.device_class, lastContact: row.last_contact ? isoTimestamp(row.last_contact) : null,
    offline: row.offline, approvalStatus: row.approval_status, counted: row.counted, reason: row.reason,
  };
}
