// Sync runs: the tenant-scoped record of every job (sync_run). Requesting a run inserts it
// under the partial unique index "one queued-or-running run per tenant and tool", so
// concurrent requests on any replica agree on one run: the loser gets the winner's run.
import { Injectable } from '@nestjs/common';
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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: SyncQueueService,
  ) {}

  /** The active run of this tool, or a new queued one (the insert is the enqueue: its trigger wakes a worker). */
  async request(tenantId: string, req: RunRequest): Promise<{ run: SyncRunDto; created: boolean }> {
    // The active run may finish between the failed insert and the read; then insert again.
    for (let round = 0; round < 5; round++) {
      const [inserted] = await this.db.query(
        `INSERT INTO sync_run (tenant_id, tool, trigger, requested_by, attempts, queue)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING *`,
        [tenantId, req.tool, req.trigger ?? 'manual', req.requestedBy, req.attempts ?? 0, this.queue.name],
      );
      if (inserted) return { run: toSyncRunDto(inserted), created: true };
      const active = await this.active(tenantId, req.tool);
      if (active) return { run: toSyncRunDto(active), created: false };
    }
    throw new DomainError(ErrorCode.Conflict, `A ${req.tool} run is starting and finishing repeatedly; try again`);
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

  /** Back to queued after a failed attempt; claimable again once `delaySeconds` have passed. */
  async retryLater(tenantId: string, id: string, note: string, delaySeconds: number): Promise<SyncRunRow | undefined> {
    return this.update(
      `status = 'queued', phase = 'retrying', error = $3, heartbeat_at = NULL, run_after = now() + make_interval(secs => $4)`,
      tenantId, id, `status = 'running'`, [note, delaySeconds],
    );
  }

  /** Handed back at shutdown: queued again at once, and the attempt it was on does not count. */
  async release(tenantId: string, id: string): Promise<SyncRunRow | undefined> {
    return this.update(
      `status = 'queued', phase = 'queued', heartbeat_at = NULL, attempts = GREATEST(attempts - 1, 0), run_after = now()`,
      tenantId, id, `status = 'running'`,
    );
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
