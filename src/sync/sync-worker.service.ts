// The worker side of sync runs: claims runs of its queue (sync_run) while it has a free slot
// (SYNC_CONCURRENCY), runs each run's tool with a heartbeat and a time limit, retries temporary
// failures with back-off, and on SIGTERM stops claiming, lets the current runs finish within a
// grace period, then releases the rest back to the queue for another worker.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SyncRunRow } from './dto/sync-run.dto.js';
import { describeRunError, isTransient } from './run-errors.js';
import { RunInterrupted, RunProgress } from './run-progress.js';
import { SyncQueueService } from './sync-queue.service.js';
import { SyncRunsService } from './sync-runs.service.js';
import { SyncToolsService } from './sync-tools.service.js';
import type { RunTrigger } from './sync.constants.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncWorkerService.name);
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopping = false;
  private draining = false;
  private wokenWhileDraining = false;
  private poll?: NodeJS.Timeout;
  private nextDue?: NodeJS.Timeout;

  constructor(
    private readonly queue: SyncQueueService,
    private readonly runs: SyncRunsService,
    private readonly tools: SyncToolsService,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The listener calls wake() once it is listening, which claims what is already queued.
    await this.queue.listen(() => this.wake());
    this.poll = setInterval(() => this.wake(), this.options.SYNC_POLL_SECONDS * 1000);
    this.logger.log(`working queue ${this.queue.name} with ${this.options.SYNC_CONCURRENCY} at a time`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    clearTimeout(this.nextDue);
    // Runs still going after the grace period are released, not killed mid-write.
    const graceMs = this.options.SYNC_SHUTDOWN_GRACE_SECONDS * 1000;
    const release = setTimeout(() => {
      for (const { controller } of this.active.values()) controller.abort(new RunInterrupted('shutdown'));
    }, graceMs);
    // A tool that ignores its signal must not keep the process from exiting; its run's lease then lapses.
    let giveUp: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([...this.active.values()].map((a) => a.done)),
        new Promise((resolve) => { giveUp = setTimeout(resolve, graceMs + 15_000); }),
      ]);
    } finally {
      clearTimeout(release);
      clearTimeout(giveUp);
    }
  }

  /** Claims runs while a slot is free; called on a notification, the safety poll, a finished run and a due retry. */
  wake(): void {
    if (this.stopping) return;
    if (this.draining) {
      this.wokenWhileDraining = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => { this.draining = false; });
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.wokenWhileDraining = false;
        while (!this.stopping && this.active.size < this.options.SYNC_CONCURRENCY) {
          const run = await this.queue.claimNext();
          if (!run) break;
          this.start(run);
        }
      } while (this.wokenWhileDraining && !this.stopping);
      if (!this.stopping && this.active.size < this.options.SYNC_CONCURRENCY) await this.wakeAtNextDue();
    } catch (err) {
      // The database is away: the safety poll tries again.
      this.logger.warn({ err }, 'could not claim a sync run');
    }
  }

  /** A retry whose back-off ends before the next poll is claimed when it ends, not at the poll. */
  private async wakeAtNextDue(): Promise<void> {
    const ms = await this.queue.msUntilNextDue();
    clearTimeout(this.nextDue);
    if (ms === null || ms >= this.options.SYNC_POLL_SECONDS * 1000) return;
    this.nextDue = setTimeout(() => this.wake(), Math.max(ms, 10));
  }

  private start(run: SyncRunRow): void {
    const controller = new AbortController();
    if (this.stopping) controller.abort(new RunInterrupted('shutdown'));
    const done = this.handle(run, controller)
      .catch((err) => this.logger.error({ err, runId: run.id }, 'could not record the outcome of a sync run'))
      .finally(() => {
        this.active.delete(run.id);
        this.wake();
      });
    this.active.set(run.id, { controller, done });
  }

  private async handle(run: SyncRunRow, controller: AbortController): Promise<void> {
    const { tenant_id: tenantId, id: runId, tool } = run;
    const progress = new RunProgress(this.runs, tenantId, runId, this.options.SYNC_PROGRESS_THROTTLE_MS, controller, this.logger);
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(tenantId, runId).then(
        (ours) => { if (!ours) controller.abort(new RunInterrupted('lost')); },
        (err) => this.logger.warn({ err, runId }, 'heartbeat failed'),
      );
    }, this.options.heartbeatMs);
    const limit = this.options.SYNC_JOB_TIMEOUT_SECONDS;
    const timeout = setTimeout(() => controller.abort(new RunInterrupted('timeout', `The run was stopped after ${limit} s, its time limit (SYNC_JOB_TIMEOUT_SECONDS)`)), limit * 1000);
    // A tool that ignores its signal still cannot hold the slot past the time limit.
    const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => {
      if (controller.signal.reason instanceof RunInterrupted && controller.signal.reason.reason === 'timeout') reject(controller.signal.reason);
    }));
    timedOut.catch(() => undefined);
    this.logger.log({ runId, tenantId, tool, attempt: run.attempts }, 'sync run started');
    try {
      const result = await Promise.race([
        this.tools.execute(tool, { tenantId, runId, tool, trigger: run.trigger as RunTrigger, progress, signal: controller.signal }),
        timedOut,
      ]);
      if (await this.runs.succeed(tenantId, runId, result)) this.logger.log({ runId, tenantId, tool }, 'sync run succeeded');
      else this.logger.warn({ runId, tenantId, tool }, 'sync run finished after it was taken over; its outcome is not recorded');
    } catch (err) {
      await this.onFailure(run, progress.currentPhase, controller.signal.reason ?? err, err);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }

  private async onFailure(run: SyncRunRow, phase: string, reason: unknown, err: unknown): Promise<void> {
    const { tenant_id: tenantId, id: runId, tool, attempts } = run;
    if (reason instanceof RunInterrupted && reason.reason === 'lost') {
      this.logger.warn({ runId, tenantId, tool }, 'sync run stopped: another worker took it over');
      return;
    }
    if (reason instanceof RunInterrupted && reason.reason === 'shutdown') {
      // Handed back: queued again (its NOTIFY wakes another worker), this attempt not counted.
      await this.runs.release(tenantId, runId);
      this.logger.log({ runId, tenantId, tool }, 'sync run released at shutdown');
      return;
    }
    const timedOut = reason instanceof RunInterrupted && reason.reason === 'timeout';
    const message = timedOut ? `${reason.message}${phase && phase !== 'starting' ? ` (step: ${phase})` : ''}` : describeRunError(err, phase);
    if ((timedOut || isTransient(err)) && attempts < this.options.SYNC_MAX_ATTEMPTS) {
      const delay = this.options.SYNC_RETRY_DELAY_SECONDS * 2 ** (attempts - 1);
      await this.runs.retryLater(tenantId, runId, `Attempt ${attempts} failed: ${message}. Retrying.`, delay);
      this.logger.warn({ runId, tenantId, tool, err, retryInSeconds: delay }, 'sync run attempt failed; retrying after a back-off');
      return;
    }
    await this.runs.fail(tenantId, runId, message);
    this.logger.warn({ runId, tenantId, tool, err }, 'sync run failed');
  }
}
