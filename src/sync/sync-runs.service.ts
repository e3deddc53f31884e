// Sync runs: the tenant-scoped record of every job (sync_run). Requesting a run inserts it
// under the partial unique index "one queued-or-running run per tenant and tool", so
// concurrent requests on any replica agree on one run: the loser gets the winner's run.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { toSyncRunDto, type SyncRunDto, type SyncRunRow } from './dto/sync-run.dto.js';
import { SyncQueueService } from './sync-queue.service.js';
import type { RunTrigger, SyncTool } from './sync.constants.js';

export interface RunRequest {
  tool: SyncTool;
  requestedBy: string;
  trigger?: RunTrigger;
  /** Attempts already used by the run this one continues (after a crash). */
  attempts?: number;
}

@Injectable()
export class SyncRunsService {
  private readonly logger = new Logger(SyncRunsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: SyncQueueService,
  ) {}

  /** The active run of this tool, or a new queued one with its job sent. */
  async request(tenantId: string, req: RunRequest): Promise<{ run: SyncRunDto; created: boolean }> {
    // The active run may finish between the failed insert and the read; then insert again.
    for (let round = 0; round < 5; round++) {
      const [inserted] = await this.db.query(
        `INSERT INTO sync_run (tenant_id, tool, trigger, requested_by, attempts)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING *`,
        [tenantId, req.tool, req.trigger ?? 'manual', req.requestedBy, req.attempts ?? 0],
      );
      if (inserted) return { run: await this.enqueue(inserted), created: true };
      const active = await this.active(tenantId, req.tool);
      if (active) return { run: toSyncRunDto(active), created: false };
    }
    throw new DomainError(ErrorCode.Conflict, `A ${req.tool} run is starting and finishing repeatedly; try again`);
  }

  /** Sends the job of a queued run; a run that cannot be queued fails at once, saying so. */
  async enqueue(row: SyncRunRow): Promise<SyncRunDto> {
    try {
      const jobId = await this.queue.send({ tenantId: row.tenant_id, runId: row.id, tool: row.tool });
      if (jobId) return toSyncRunDto(row);
      const failed = await this.fail(row.tenant_id, row.id, 'Could not queue the run: the job queue already holds a waiting job of this kind');
      return toSyncRunDto(failed ?? row);
    } catch (err) {
      this.logger.error({ err, runId: row.id }, 'could not queue a sync run');
      await this.fail(row.tenant_id, row.id, 'Could not queue the run: the job queue is unavailable');
      throw new DomainError(ErrorCode.Unavailable, 'The job queue is unavailable; try again shortly');
    }
  }

  async list(tenantId: string, limit: number, tool?: SyncTool): Promise<SyncRunDto[]> {
    const rows: SyncRunRow[] = await this.db.query(
      `SELECT * FROM sync_run WHERE tenant_id = $1 AND ($3::text IS NULL OR tool = $3)
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [tenantId, limit, tool ?? null],
    );
    return rows.map(toSyncRunDto);
  }

  async get(tenantId: string, id: string): Promise<SyncRunDto> {
    const [row] = await this.db.query(`SELECT * FROM sync_run WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    if (!row) throw notFound('Sync run');
    return toSyncRunDto(row);
  }

  async row(tenantId: string, id: string): Promise<SyncRunRow | undefined> {
    const [row] = await this.db.query(`SELECT * FROM sync_run WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return row;
  }

  private async active(tenantId: string, tool: SyncTool): Promise<SyncRunRow | undefined> {
    const [row] = await this.db.query(
      `SELECT * FROM sync_run WHERE tenant_id = $1 AND tool = $2 AND status IN ('queued','running')`,
      [tenantId, tool],
    );
    return row;
  }

  // ---- used by the worker ----

  /** Takes a queued run for this worker; undefined when it is not queued (done, failed, or taken). */
  async claim(tenantId: string, id: string): Promise<SyncRunRow | undefined> {
    return this.update(
      `status = 'running', started_at = COALESCE(started_at, now()), heartbeat_at = now(), attempts = attempts + 1,
       phase = 'starting', progress_done = 0, progress_total = NULL`,
      tenantId, id, `status = 'queued'`,
    );
  }

  /** Stamps the heartbeat; false when the run is no longer this worker's (reclaimed or finished). */
  async heartbeat(tenantId: string, id: string): Promise<boolean> {
    return !!(await this.update(`heartbeat_at = now()`, tenantId, id, `status = 'running'`));
  }

  async progress(tenantId: string, id: string, phase: string, done: number, total: number | null): Promise<boolean> {
    return !!(await this.update(
      `phase = $3, progress_done = $4, progress_total = $5, heartbeat_at = now()`,
      tenantId, id, `status = 'running'`, [phase, Math.max(0, Math.floor(done)), total == null ? null : Math.floor(total)],
    ));
  }

  async succeed(tenantId: string, id: string, result: Record<string, unknown>): Promise<SyncRunRow | undefined> {
    return this.update(`status = 'succeeded', phase = 'done', finished_at = now(), error = NULL, result = $3`, tenantId, id, `status = 'running'`, [JSON.stringify(result)]);
  }

  async fail(tenantId: string, id: string, error: string): Promise<SyncRunRow | undefined> {
    return this.update(`status = 'failed', finished_at = now(), error = $3`, tenantId, id, `status IN ('queued','running')`, [error]);
  }

  /** Back to queued: a retry is coming (pg-boss backoff) or the worker is shutting down. */
  async requeue(tenantId: string, id: string, note: string | null): Promise<SyncRunRow | undefined> {
    return this.update(`status = 'queued', phase = $3, error = $4, heartbeat_at = NULL`, tenantId, id, `status = 'running'`, [note ? 'retrying' : 'queued', note]);
  }

  /** Handed back at shutdown: queued again, and the attempt it was on does not count. */
  async release(tenantId: string, id: string): Promise<SyncRunRow | undefined> {
    return this.update(`status = 'queued', phase = 'queued', heartbeat_at = NULL, attempts = GREATEST(attempts - 1, 0)`, tenantId, id, `status = 'running'`);
  }

  private async update(set: string, tenantId: string, id: string, when: string, params: unknown[] = []): Promise<SyncRunRow | undefined> {
    // A CTE makes the driver return the rows of an UPDATE like those of a SELECT.
    const [row] = await this.db.query(
      `WITH u AS (UPDATE sync_run SET ${set} WHERE tenant_id = $1 AND id = $2 AND ${when} RETURNING *) SELECT * FROM u`,
      [tenantId, id, ...params],
    );
    return row;
  }
}
