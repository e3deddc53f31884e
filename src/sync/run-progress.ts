// Progress of one running run, written to sync_run at most every throttle interval and at
// every phase change. When the write finds the run no longer ours (reclaimed after a lost
// heartbeat), the run's signal is aborted so the job stops.
import type { Logger } from '@nestjs/common';
import type { SyncRunsService } from './sync-runs.service.js';

export interface ProgressUpdate {
  phase: string;
  done: number;
  total?: number | null;
}
export type ProgressFn = (u: ProgressUpdate) => Promise<void>;

/** Why a run's work was stopped by the worker itself (not by an upstream error). */
export class RunInterrupted extends Error {
  constructor(readonly reason: 'shutdown' | 'lost' | 'timeout', message?: string) {
    super(message ?? (reason === 'shutdown' ? 'The worker is shutting down' : reason === 'lost' ? 'The run was taken over after its heartbeat was lost' : 'The run took longer than its time limit'));
    this.name = 'RunInterrupted';
  }
}

export class RunProgress {
  private phase = '';
  private lastWrite = 0;
  private pending?: ProgressUpdate;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly runs: SyncRunsService,
    private readonly tenantId: string,
    private readonly runId: string,
    private readonly throttleMs: number,
    private readonly controller: AbortController,
    private readonly logger: Logger,
  ) {}

  get currentPhase(): string {
    return this.phase;
  }

  /** The callback handed to services; throws once the run was interrupted so long loops stop. */
  readonly report: ProgressFn = async (u) => {
    this.throwIfInterrupted();
    const changed = u.phase !== this.phase;
    this.pending = u;
    if (changed || Date.now() - this.lastWrite >= this.throttleMs) await this.flush();
  };

  async startPhase(phase: string, total: number | null = null): Promise<void> {
    await this.report({ phase, done: 0, total });
  }

  async flush(): Promise<void> {
    const u = this.pending;
    if (!u) return;
    this.pending = undefined;
    this.phase = u.phase;
    this.lastWrite = Date.now();
    this.writing = this.writing.then(async () => {
      try {
        const ours = await this.runs.progress(this.tenantId, this.runId, u.phase, u.done, u.total ?? null);
        if (!ours) this.controller.abort(new RunInterrupted('lost'));
      } catch (err) {
        // Progress is advisory; a failed write must not fail the sync.
        this.logger.warn({ err, runId: this.runId }, 'could not record sync progress');
      }
    });
    await this.writing;
  }

  throwIfInterrupted(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason instanceof Error ? this.controller.signal.reason : new RunInterrupted('lost');
  }
}
