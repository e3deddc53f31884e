// Device snapshots: one consistent device read streamed into PostgreSQL with COPY, judged
// device by device, counted per client, reconciled, and made visible by one COMMIT. A failure
// or a killed process leaves nothing: the snapshot row, its devices, its counts and its
// reconciliation are all in the same transaction.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction.js';
import type { PanelOneDevice } from '../integrations/panelone.client.js';
import { MappingRepository } from '../mapping/mapping.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { DeviceRules, identified } from './device-counting.js';
import type { SnapshotDeviceResponseDto, SnapshotResponseDto } from './dto/snapshot.dto.js';
import { SnapshotReconciler } from './snapshot-reconciler.js';
import { SnapshotRepository, takenMonth, type SnapshotTrigger } from './snapshot.repository.js';
import { StreamJudge, type DeviceRow } from './stream-judge.js';
import { gone } from '../common/errors.js';

export type { SnapshotTrigger } from './snapshot.repository.js';

export interface TakeSnapshotInput {
  trigger: SnapshotTrigger;
  runId?: string;
  devices: AsyncIterable<PanelOneDevice[]>;
  progress?: (update: { phase: string; done: number; total?: number }) => void | Promise<void>;
  signal?: AbortSignal;
  /** When the device read counts as taken (staleness is measured from it); default now. Back-fills history. */
  asOf?: Date;
  /** Filled with where the time went (the run's result carries it; the bench prints it). */
  timings?: SnapshotTimings;
  /** Size of StreamJudge's filters (2^n bits each; default DEFAULT_FILTER_LOG2_BITS). Tests shrink them so most devices take the held and doubtful paths. */
  filterLog2Bits?: number;
}

/**
 * Where a snapshot's time went, in ms. fetchWait: waiting on PanelOne pages that judging and COPY
 * did not hide; copy: judging and the COPY into the month's partition; judge: StreamJudge.resolve,
 * the devices it was unsure of (a repeated id, a serial that may repeat) decided against the stored rows.
 */
export interface SnapshotTimings {
  setup: number;
  fetchWait: number;
  copy: number;
  judge: number;
  counts: number;
  reconcile: number;
  commit: number;
  analyze: number;
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

/** A timestamp as Date.parse reads it, in ISO-8601 UTC (as sent when it already is: formatting it again was ~1 µs a device). */
function validTimestamp(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  return ISO_UTC.test(value) ? value : new Date(ms).toISOString();
}

/** What toISOString writes (milliseconds optional): PostgreSQL reads it as the same instant Date.parse does. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

@Injectable()
export class SnapshotsService {
  private readonly logger = new Logger(SnapshotsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly snapshots: SnapshotRepository,
    private readonly settings: SettingsRepository,
    private readonly mappings: MappingRepository,
    private readonly reconciler: SnapshotReconciler,
  ) {}

  async take(tenantId: string, input: TakeSnapshotInput): Promise<{ snapshotId: string; deviceCount: number; billableCount: number }> {
    const snapshotId = randomUUID();
    const takenAt = input.asOf ?? new Date();
    const timings: SnapshotTimings = Object.assign(input.timings ?? {}, { setup: 0, fetchWait: 0, copy: 0, judge: 0, counts: 0, reconcile: 0, commit: 0, analyze: 0 });
    let mark = performance.now();
    const lap = (phase: keyof SnapshotTimings) => {
      const now = performance.now();
      timings[phase] += Math.round(now - mark);
      mark = now;
    };
    const month = takenMonth(takenAt);
    await this.snapshots.ensurePartition(month);
    const result = await this.committing(tenantId, () => inTransaction(this.db, async (client) => {
      await this.snapshots.holdMonth(client, month);
      const rules = await this.settings.countingRules(tenantId, client);
      await this.snapshots.insertBuilding(client, { tenantId, id: snapshotId, takenAt, trigger: input.trigger, rules, runId: input.runId ?? null });
      const mapped = await this.mappings.mappedOrganizations(client, tenantId);
      lap('setup');
      const target = { tenantId, snapshotId, month };
      const judge = new StreamJudge(input.filterLog2Bits);
      await this.snapshots.copyDevices(client, target, judged(input, new DeviceRules(rules, takenAt), mapped, judge, (ms) => { timings.fetchWait += ms; }));
      lap('copy');
      timings.copy -= timings.fetchWait;
      await judge.resolve(this.snapshots.storedDevices(client, target));
      const counts = { deviceCount: judge.deviceCount, billableCount: judge.billableCount };
      lap('judge');

      await input.progress?.({ phase: 'counting', done: counts.deviceCount, total: counts.deviceCount });
      await this.snapshots.insertClientCounts(client, tenantId, snapshotId, judge.clients);
      lap('counts');
      await input.progress?.({ phase: 'reconciling', done: 0 });
      input.signal?.throwIfAborted();
      await this.reconciler.reconcileInTransaction(client, tenantId, snapshotId, rules);
      await this.snapshots.markComplete(client, tenantId, snapshotId, counts);
      lap('reconcile');
      return counts;
    }));
    lap('commit');
    this.logger.log({ tenantId, snapshotId, ...result }, 'snapshot complete');
    // The snapshot is committed, so a failure here costs nothing.
    await this.snapshots.analyze(tenantId, snapshotId, month, result.deviceCount).catch((err: unknown) => this.logger.warn({ err }, 'ANALYZE after the snapshot failed'));
    await this.reconciler.analyzeAfter(tenantId, snapshotId);
    lap('analyze');
    return { snapshotId, ...result };
  }

  /** Runs a transaction that writes the tenant's snapshots, then drops this process's cached reads of them. */
  private async committing<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.reconciler.committed(tenantId);
    }
  }

  list(tenantId: string, limit: number, offset: number): Promise<{ items: SnapshotResponseDto[]; total: number }> {
    return this.snapshots.list(tenantId, limit, offset);
  }

  get(tenantId: string, id: string): Promise<SnapshotResponseDto> {
    return this.snapshots.get(tenantId, id);
  }

  async devices(tenantId: string, id: string, filter: { clientId?: string; counted?: boolean; limit: number; offset: number }): Promise<{ items: SnapshotDeviceResponseDto[]; total: number }> {
    const snapshot = await this.retainedSnapshot(tenantId, id);
    return this.snapshots.devices(tenantId, snapshot, filter);
  }

  /** The snapshot, when its device rows are still kept: 404 when there is none, 410 when retention deleted them. */
  async retainedSnapshot(tenantId: string, id: string): Promise<SnapshotResponseDto> {
    const snapshot = await this.snapshots.get(tenantId, id);
    if (!snapshot.deviceRowsRetained) throw gone('The device rows of this snapshot were deleted by the retention setting; its counts and reconciliation are kept');
    return snapshot;
  }
}

/** The device pages, judged as they go by (StreamJudge: only the few it is unsure of wait for the end); nothing per device stays in memory. */
async function* judged(
  input: TakeSnapshotInput, rules: DeviceRules, mapped: ReadonlySet<string>, judge: StreamJudge, fetchWaited: (ms: number) => void,
): AsyncGenerator<DeviceRow[]> {
  let read = 0;
  for await (const page of timedPages(readAhead(input.devices), fetchWaited)) {
    input.signal?.throwIfAborted();
    const rows: DeviceRow[] = [];
    for (const device of page) {
      if (!identified(device)) continue;
      const verdict = rules.prejudge(device);
      read++;
      const row = judge.take({
        organizationId: device.organizationId, deviceId: device.id, hostname: device.hostname ?? null, serialNumber: device.serialNumber ?? null,
        deviceClass: device.deviceClass || 'UNKNOWN', lastContact: validTimestamp(device.lastContact),
        offline: typeof device.offline === 'boolean' ? device.offline : null, approvalStatus: device.approvalStatus ?? null,
        counted: false, reason: null,
      }, verdict, mapped.has(device.organizationId));
      if (row) rows.push(row);
    }
    yield rows;
    // Devices read so far (a device id repeated by the source is counted once only at the end).
    await input.progress?.({ phase: 'devices', done: read });
  }
}
