// The one pg-boss instance of a process, on the project's PostgreSQL (schema `pgboss`).
// The API only sends; the worker module also works the queue. Our sync_run table, not
// pg-boss, is the authority on what runs: a job only names its run.
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import './pg-boss-unawaited.js';
import { DataSource } from 'typeorm';
import type { SyncJobData } from './sync.constants.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

export const PGBOSS_SCHEMA = 'pgboss';

@Injectable()
export class SyncQueueService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncQueueService.name);
  private starting?: Promise<PgBoss>;
  private stopped = false;
  private supervise = false;
  /** The pg-boss queue this process sends to (and, in a worker, works). */
  readonly name: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {
    this.name = options.SYNC_QUEUE_NAME;
  }

  /** Called by the worker module before first use: this process also runs pg-boss maintenance (expiry, archiving). */
  runsWorker(): void {
    this.supervise = true;
  }

  /** Starts pg-boss on first use (installs or migrates its schema under its own lock). */
  boss(): Promise<PgBoss> {
    this.starting ??= this.start().catch((err) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async start(): Promise<PgBoss> {
    const url = (this.db.options as { url?: string }).url;
    const boss = new PgBoss({
      connectionString: url,
      schema: PGBOSS_SCHEMA,
      max: 4,
      application_name: 'billingone-reconcile',
      schedule: false, // the schedule is ours (sync-schedule.service.ts)
      // Maintenance (expiring jobs past expireInSeconds, archiving) only in workers; pg-boss
      // runs it under its own advisory lock, so several workers do not repeat it.
      supervise: this.supervise,
    });
    boss.on('error', (err) => this.logger.error({ err }, 'pg-boss error'));
    await boss.start();
    await boss.createQueue(this.name, {
      name: this.name,
      // 'short': at most one *waiting* job per singleton key (tenant and tool).
      policy: 'short',
      retryLimit: this.options.SYNC_MAX_ATTEMPTS - 1,
      retryDelay: this.options.SYNC_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: this.options.SYNC_JOB_TIMEOUT_SECONDS,
    });
    return boss;
  }

  /** Queues the job of a run; null when pg-boss already holds a waiting job for that tenant and tool. */
  async send(data: SyncJobData, retriesLeft = this.options.SYNC_MAX_ATTEMPTS - 1): Promise<string | null> {
    const boss = await this.boss();
    return boss.send(this.name, data, {
      singletonKey: `${data.tenantId}:${data.tool}`,
      retryLimit: Math.max(0, retriesLeft),
      retryDelay: this.options.SYNC_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: this.options.SYNC_JOB_TIMEOUT_SECONDS,
    });
  }

  /** Cancels the pg-boss jobs of a run that are not finished (an orphaned run's job, before re-enqueueing). */
  async cancelJobsOf(runId: string): Promise<void> {
    const boss = await this.boss();
    // Any queue: a run may have been queued by a process configured with another queue name.
    const rows: Array<{ id: string; name: string }> = await this.db.query(
      `SELECT id, name FROM ${PGBOSS_SCHEMA}.job WHERE data->>'runId' = $1 AND state < 'completed'`,
      [runId],
    );
    for (const row of rows) await boss.cancel(row.name, row.id);
  }

  /** Whether pg-boss, in any queue, still holds a job that will (or may again) run this run. */
  async hasLiveJob(runId: string): Promise<boolean> {
    await this.boss();
    const rows = await this.db.query(
      `SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE data->>'runId' = $1 AND state < 'completed' LIMIT 1`,
      [runId],
    );
    return rows.length > 0;
  }

  /** Stops taking jobs, waits up to `timeoutMs` for the active ones, then closes pg-boss. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopped || !this.starting) return;
    this.stopped = true;
    const boss = await this.starting.catch(() => undefined);
    await boss?.stop({ graceful: true, wait: true, timeout: Math.max(1000, timeoutMs) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
