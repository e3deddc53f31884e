// Crash safety. A run whose worker died (SIGKILL, lost host) stops stamping heartbeat_at;
// any worker of its queue then fails it in plain words and queues a fresh run of the same
// tool (until its attempts are used up). Whatever the dead worker was writing was one open
// transaction, which PostgreSQL rolled back when its connection dropped.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SyncRunRow } from './dto/sync-run.dto.js';
import { SyncQueueService } from './sync-queue.service.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

const BATCH = 100;

@Injectable()
export class RunLeaseService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunLeaseService.name);
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: SyncQueueService,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.options.SYNC_LEASE_CHECK_SECONDS * 1000);
    void this.check();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass over every tenant's runs of this queue (worker maintenance, not a request). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.reclaimOrphans();
    } catch (err) {
      this.logger.error({ err }, 'sync lease check failed');
    } finally {
      this.checking = false;
    }
  }

  private async reclaimOrphans(): Promise<void> {
    const lease = this.options.SYNC_LEASE_SECONDS;
    const max = this.options.SYNC_MAX_ATTEMPTS;
    // The conditional UPDATE is the claim: of several workers checking at once, one wins each run.
    // Failing the orphan and queueing its retry happen in one transaction, so a reader never
    // sees the failed run without its successor; the retry's insert wakes a worker on commit.
    const { orphans, retries } = await this.db.transaction(async (tx) => {
      const failed: SyncRunRow[] = await tx.query(
        `WITH stale AS (
           SELECT tenant_id, id FROM sync_run
           WHERE status = 'running' AND queue = $3 AND heartbeat_at < now() - make_interval(secs => $1)
           ORDER BY heartbeat_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED),
         failed AS (
         UPDATE sync_run r SET status = 'failed', finished_at = now(),
           error = CASE WHEN r.attempts < $2
             THEN 'The worker stopped mid-run (no heartbeat for ' || $1 || ' s); retried as a new run'
             ELSE 'The worker stopped mid-run (no heartbeat for ' || $1 || ' s); not retried: all ' || $2 || ' attempts used' END
         FROM stale WHERE r.tenant_id = stale.tenant_id AND r.id = stale.id AND r.status = 'running'
         RETURNING r.*)
         SELECT * FROM failed`, // a bare UPDATE would come back from TypeORM as [rows, count]
        [lease, max, this.queue.name],
      );
      const retryable = failed.filter((run) => run.attempts < max);
      const inserted: SyncRunRow[] = retryable.length === 0 ? [] : await tx.query(
        `INSERT INTO sync_run (tenant_id, tool, trigger, requested_by, attempts, queue)
         SELECT t.tenant_id, t.tool, CASE WHEN t.trigger = 'schedule' THEN 'schedule' ELSE 'manual' END, t.requested_by, t.attempts, t.queue
         FROM jsonb_to_recordset($1::jsonb) AS t(tenant_id text, tool text, trigger text, requested_by text, attempts int, queue text)
         ON CONFLICT DO NOTHING RETURNING *`,
        [JSON.stringify(retryable.map(({ tenant_id, tool, trigger, requested_by, attempts, queue }) => ({ tenant_id, tool, trigger, requested_by, attempts, queue })))],
      );
      return { orphans: failed, retries: inserted };
    });
    for (const run of orphans) {
      this.logger.warn({ runId: run.id, tenantId: run.tenant_id, tool: run.tool }, 'reclaimed a sync run whose worker stopped');
    }
    for (const next of retries) {
      this.logger.log({ runId: next.id, tenantId: next.tenant_id, tool: next.tool }, 'queued a retry of the reclaimed run');
    }
  }
}
