// Device snapshots: one consistent device read streamed into PostgreSQL with COPY, judged
// device by device, counted per client, reconciled, and made visible by one COMMIT. A failure
// or a killed process leaves nothing: the snapshot row, its devices, its counts and its
// reconciliation are all in the same transaction.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import { inTransaction } from '../reconciliation/transaction.js';
import { loadCountingRules, type CountingRules } from '../settings/rules.js';
import { DeviceCounter } from './device-counting.js';
import type { PanelOneDevice } from './panelone-device.js';

export type SnapshotTrigger = 'manual' | 'schedule' | 'sync-all';

export interface TakeSnapshotInput {
  trigger: SnapshotTrigger;
  runId?: string;
  devices: AsyncIterable<PanelOneDevice[]>;
  progress?: (update: { phase: string; done: number; total?: number }) => void | Promise<void>;
  signal?: AbortSignal;
  /** When the device read counts as taken (staleness is measured from it); default now. Back-fills history. */
  asOf?: Date;
}

/** Where a snapshot's time went, in ms. fetchWait: waiting on PanelOne pages that judging and COPY did not hide; copy: judging and COPY. */
export interface SnapshotTimings {
  setup: number;
  fetchWait: number;
  copy: number;
  counts: number;
  reconcile: number;
  commit: number;
  analyze: number;
}

export interface SnapshotDto {
  id: string;
  takenAt: string;
  trigger: SnapshotTrigger;
  status: string;
  deviceCount: number;
  billableCount: number;
  rules: CountingRules;
}

export interface SnapshotDeviceDto {
  deviceId: string;
  organizationId: string;
  hostname: string | null;
  serialNumber: string | null;
  deviceClass: string;
  lastContact: string | null;
  offline: boolean | null;
  approvalStatus: string | null;
  counted: boolean;
  reason: string | null;
}

const COPY_COLUMNS = 'tenant_id, snapshot_id, organization_id, device_id, hostname, serial_number, device_class, last_contact, offline, approval_status, counted, reason';

/** COPY text format: tab-separated, \N for null, backslash escapes for the separators. */
function copyField(value: string | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Asks for the next page as soon as the current one is handed out, so fetching page N+1 from
 * PanelOne overlaps judging and COPYing page N (one page of look-ahead, so memory stays flat).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const current = await next;
      if (current.done) {
        finished = true;
        return;
      }
      next = iterator.next();
      next.catch(() => undefined); // surfaced by the await above on the next turn
      yield current.value;
    }
  } finally {
    if (!finished) {
      // Stopped early (abort, COPY failure): let the in-flight read settle, then close the source.
      await next.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/** Passes the pages through, adding up how long each one was waited for. */
async function* timedPages<T>(source: AsyncIterable<T>, waited: (ms: number) => void): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const asked = performance.now();
      const next = await iterator.next();
      waited(Math.round(performance.now() - asked));
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function validTimestamp(value: string): string | null {
  return value && Number.isFinite(Date.parse(value)) ? new Date(value).toISOString() : null;
}

@Injectable()
export class SnapshotsService {
  private readonly logger = new Logger(SnapshotsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async take(tenantId: string, input: TakeSnapshotInput): Promise<{ snapshotId: string; deviceCount: number; billableCount: number; timingsMs: SnapshotTimings }> {
    const snapshotId = randomUUID();
    const takenAt = input.asOf ?? new Date();
    const timings: SnapshotTimings = { setup: 0, fetchWait: 0, copy: 0, counts: 0, reconcile: 0, commit: 0, analyze: 0 };
    let mark = performance.now();
    const lap = (phase: keyof SnapshotTimings) => {
      const now = performance.now();
      timings[phase] += Math.round(now - mark);
      mark = now;
    };
    const result = await this.committing(tenantId, () => inTransaction(this.db, async (client) => {
      const rules = await loadCountingRules(client, tenantId);
      await client.query(
        `INSERT INTO snapshot (tenant_id, id, taken_at, trigger, status, rules, run_id) VALUES ($1, $2, $3, $4, 'building', $5, $6)`,
        [tenantId, snapshotId, takenAt, input.trigger, JSON.stringify(rules), input.runId ?? null],
      );
      const mapped = await this.reconciliation.mappedOrganizations(client, tenantId);
      lap('setup');
      const counts = await this.copyDevices(client, tenantId, snapshotId, new DeviceCounter(rules, takenAt, mapped), input, timings);
      lap('copy');
      timings.copy -= timings.fetchWait;

      await input.progress?.({ phase: 'counting', done: counts.deviceCount, total: counts.deviceCount });
      await this.countPerClient(client, tenantId, snapshotId);
      lap('counts');
      await input.progress?.({ phase: 'reconciling', done: 0 });
      input.signal?.throwIfAborted();
      // Taken until COMMIT: a mapping or product change made meanwhile waits, then re-reconciles this snapshot.
      await this.reconciliation.lockTenant(client, tenantId);
      await this.reconciliation.reconcileInTransaction(client, tenantId, snapshotId, rules);
      await client.query(
        `UPDATE snapshot SET status = 'complete', device_count = $3, billable_count = $4, completed_at = now() WHERE tenant_id = $1 AND id = $2`,
        [tenantId, snapshotId, counts.deviceCount, counts.billableCount],
      );
      lap('reconcile');
      return counts;
    }));
    lap('commit');
    this.logger.log({ tenantId, snapshotId, ...result }, 'snapshot complete');
    // A bulk load leaves the planner's row estimates far behind (autovacuum analyzes later, if
    // the server is not busy): a stale estimate of a few rows turns joins over this snapshot into
    // nested loops. Refresh them now; the snapshot is committed, so a failure here costs nothing.
    await this.db.query('ANALYZE snapshot_device, snapshot_client').catch((err: unknown) => this.logger.warn({ err }, 'ANALYZE after the snapshot failed'));
    lap('analyze');
    return { snapshotId, ...result, timingsMs: timings };
  }

  /** Runs a transaction that writes the tenant's snapshots, then drops this process's cached reads of them. */
  private async committing<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.reconciliation.committed(tenantId);
    }
  }

  /** Streams the device pages through the judge into COPY; only per-org serial sets stay in memory. */
  private async copyDevices(client: PoolClient, tenantId: string, snapshotId: string, counter: DeviceCounter, input: TakeSnapshotInput, timings: SnapshotTimings) {
    let deviceCount = 0;
    let billableCount = 0;
    const prefix = `${copyField(tenantId)}\t${snapshotId}\t`;
    async function* rows(): AsyncGenerator<string> {
      for await (const page of timedPages(readAhead(input.devices), (ms) => { timings.fetchWait += ms; })) {
        input.signal?.throwIfAborted();
        let chunk = '';
        for (const device of page) {
          if (!counter.firstSight(device)) continue;
          const verdict = counter.judge(device);
          deviceCount++;
          if (verdict.counted) billableCount++;
          chunk += prefix + [
            device.organizationId, device.id, device.hostname ?? null, device.serialNumber ?? null, device.deviceClass || 'UNKNOWN',
            validTimestamp(device.lastContact), typeof device.offline === 'boolean' ? device.offline : null, device.approvalStatus ?? null,
            verdict.counted, verdict.reason,
          ].map(copyField).join('\t') + '\n';
        }
        if (chunk) yield chunk;
        await input.progress?.({ phase: 'devices', done: deviceCount });
      }
    }
    await pipeline(Readable.from(rows()), client.query(copyFrom(`COPY snapshot_device (${COPY_COLUMNS}) FROM STDIN`)));
    return { deviceCount, billableCount };
  }

  /** Per-client counts: billable = passes the rules (counted, or would count once the organization is mapped). */
  private async countPerClient(client: PoolClient, tenantId: string, snapshotId: string): Promise<void> {
    await client.query(
      `WITH by_class AS (
         SELECT organization_id, jsonb_object_agg(device_class, n) AS counts
           FROM (SELECT organization_id, device_class, count(*) AS n FROM snapshot_device
                  WHERE tenant_id = $1 AND snapshot_id = $2 GROUP BY organization_id, device_class) c
          GROUP BY organization_id
       ), by_reason AS (
         SELECT organization_id, jsonb_object_agg(reason, n) AS counts
           FROM (SELECT organization_id, reason, count(*) AS n FROM snapshot_device
                  WHERE tenant_id = $1 AND snapshot_id = $2 AND NOT counted GROUP BY organization_id, reason) r
          GROUP BY organization_id
       ), totals AS (
         SELECT organization_id, count(*) AS devices,
                count(*) FILTER (WHERE counted OR reason = 'unmapped-organization') AS billable
           FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2 GROUP BY organization_id
       )
       INSERT INTO snapshot_client (tenant_id, snapshot_id, organization_id, organization_name, device_count, billable_count, by_class, excluded_by_reason)
       SELECT $1, $2, t.organization_id, COALESCE(o.name, t.organization_id), t.devices, t.billable,
              COALESCE(c.counts, '{}'), COALESCE(r.counts, '{}')
         FROM totals t
         LEFT JOIN by_class c ON c.organization_id = t.organization_id
         LEFT JOIN by_reason r ON r.organization_id = t.organization_id
         LEFT JOIN panelone_organization o ON o.tenant_id = $1 AND o.id = t.organization_id`,
      [tenantId, snapshotId],
    );
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ items: SnapshotDto[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER () AS total FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC, id LIMIT $2 OFFSET $3`,
      [tenantId, limit, offset],
    );
    const total = rows.length ? Number(rows[0].total) : Number((await this.db.query(`SELECT count(*) AS n FROM snapshot WHERE tenant_id = $1 AND status = 'complete'`, [tenantId]))[0].n);
    return { items: rows.map(toSnapshotDto), total };
  }

  async get(tenantId: string, id: string): Promise<SnapshotDto> {
    const [row] = await this.db.query(`SELECT * FROM snapshot WHERE tenant_id = $1 AND id = $2 AND status = 'complete'`, [tenantId, id]);
    if (!row) throw notFound('Snapshot');
    return toSnapshotDto(row);
  }

  async devices(tenantId: string, id: string, filter: { clientId?: string; counted?: boolean; limit: number; offset: number }): Promise<{ items: SnapshotDeviceDto[]; total: number }> {
    await this.get(tenantId, id);
    const where = ['tenant_id = $1', 'snapshot_id = $2'];
    const params: unknown[] = [tenantId, id];
    if (filter.clientId !== undefined) where.push(`organization_id = $${params.push(filter.clientId)}`);
    if (filter.counted !== undefined) where.push(`counted = $${params.push(filter.counted)}`);
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM snapshot_device WHERE ${where.join(' AND ')}`, params);
    const rows = await this.db.query(
      `SELECT * FROM snapshot_device WHERE ${where.join(' AND ')} ORDER BY organization_id, hostname, device_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { items: rows.map(toDeviceDto), total: Number(n) };
  }
}

function toSnapshotDto(row: Record<string, any>): SnapshotDto {
  return {
    id: row.id, takenAt: new Date(row.taken_at).toISOString(), trigger: row.trigger, status: row.status,
    deviceCount: row.device_count, billableCount: row.billable_count, rules: row.rules,
  };
}

export function toDeviceDto(row: Record<string, any>): SnapshotDeviceDto {
  return {
    deviceId: row.device_id, organizationId: row.organization_id, hostname: row.hostname, serialNumber: row.serial_number,
    deviceClass: row.device_class, lastContact: row.last_contact ? new Date(row.last_contact).toISOString() : null,
    offline: row.offline, approvalStatus: row.approval_status, counted: row.counted, reason: row.reason,
  };
}
