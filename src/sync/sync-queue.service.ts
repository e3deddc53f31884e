// sync_run is the job queue: a run row is the job. A worker claims the oldest due run of its
// queue with FOR UPDATE SKIP LOCKED (several workers never take the same run, and never wait on
// each other's claims), and is woken by NOTIFY b1r_sync_run (sent by a trigger when a run becomes
// queued) instead of polling; a slow poll stays behind it for a missed notification, and a timer
// for the next retry whose back-off passes. At most one queued-or-running run per tenant and
// tool is the partial unique index sync_run_active_idx, so claiming needs no further check.
// Claims are fair between tenants, not first-in-first-out: the due run claimed is that of the
// tenant whose last run started longest ago (never: first), so when every tenant is due at once
// no tenant's whole pass (or its retries) goes before the others' first runs.
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ListenConnection } from '../database/listen-connection.js';
import type { SyncRunRow } from './dto/sync-run.dto.js';
import { SYNC_QUEUE_CHANNEL } from './sync.constants.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

/** application_name of a worker's LISTEN connection, to find it in pg_stat_activity. */
export const QUEUE_LISTENER_APPLICATION_NAME = 'b1r-sync-queue-listener';

@Injectable()
export class SyncQueueService implements OnModuleDestroy {
  private readonly logger = new Logger(SyncQueueService.name);
  private listener?: ListenConnection;
  /** The queue this process puts runs on and (in a worker) works. */
  readonly name: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SYNC_OPTIONS) options: SyncOptions,
  ) {
    this.name = options.SYNC_QUEUE_NAME;
  }

  /** Takes the next due run of this queue (fair order, above) for the caller: running, heartbeat stamped, one more attempt. */
  async claimNext(): Promise<SyncRunRow | undefined> {
    // A CTE makes the driver return the rows of an UPDATE like those of a SELECT.
    const [row] = await this.db.query(
      `WITH next AS (
         SELECT r.tenant_id, r.id FROM sync_run r
         WHERE r.queue = $1 AND r.status = 'queued' AND r.run_after <= now()
         ORDER BY (SELECT max(p.started_at) FROM sync_run p WHERE p.tenant_id = r.tenant_id) NULLS FIRST, r.run_after, r.created_at
         LIMIT 1 FOR UPDATE OF r SKIP LOCKED),
       claimed AS (
         UPDATE sync_run r SET status = 'running', started_at = COALESCE(r.started_at, now()), heartbeat_at = now(),
           attempts = r.attempts + 1, phase = 'starting', progress_done = 0, progress_total = NULL
         FROM next WHERE r.tenant_id = next.tenant_id AND r.id = next.id AND r.status = 'queued'
         RETURNING r.*)
       SELECT * FROM claimed`,
      [this.name],
    );
    return row;
  }

  /** Milliseconds until the earliest queued run of this queue is due (0 when one is due now), or null when none waits. */
  async msUntilNextDue(): Promise<number | null> {
    const [row] = await this.db.query(
      `SELECT GREATEST(0, ceil(extract(epoch FROM min(run_after) - now()) * 1000))::float8 AS ms
       FROM sync_run WHERE queue = $1 AND status = 'queued'`,
      [this.name],
    );
    return row?.ms ?? null;
  }

  /** Calls wake whenever a run of this queue may have become claimable (a notification, or a new LISTEN connection). */
  async listen(wake: () => void): Promise<void> {
    const url = (this.db.options as { url?: string }).url;
    if (!url) throw new Error('the DataSource has no url');
    this.listener = new ListenConnection(
      { connectionString: url, channel: SYNC_QUEUE_CHANNEL, applicationName: QUEUE_LISTENER_APPLICATION_NAME },
      {
        // Whatever was queued while nobody listened is claimed now; the safety poll covers a long outage.
        established: wake,
        lost: (reason) => this.logger.warn(`queue wake-ups off until LISTEN is back (the safety poll goes on): ${reason}`),
        notification: (queue) => { if (queue === this.name) wake(); },
      },
    );
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }
}
