// The worker side of sync runs: works the pg-boss queue with a small team, runs each job's
// tool with a heartbeat, and on SIGTERM stops taking jobs, lets the current ones finish
// within a grace period, then releases the rest for another worker.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { describeRunError, isTransient } from './run-errors.js';
import { RunInterrupted, RunProgress } from './run-progress.js';
import { SyncQueueService } from './sync-queue.service.js';
import { SyncRunsService } from './sync-runs.service.js';
import { SyncToolsService } from './sync-tools.service.js';
import type { RunTrigger, SyncJobData } from './sync.constants.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncWorkerService.name);
  private readonly active = new Map<string, AbortController>();
  private stopping = false;

  constructor(
    private readonly queue: SyncQueueService,
    private readonly runs: SyncRunsService,
    private readonly tools: SyncToolsService,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {
    queue.runsWorker();
  }

  async onApplicationBootstrap(): Promise<void> {
    const boss = await this.queue.boss();
    for (let i = 0; i < this.options.SYNC_CONCURRENCY; i++) {
      await boss.work<SyncJobData>(
        this.queue.name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.SYNC_POLL_SECONDS },
        async ([job]) => this.handle(job),
      );
    }
    this.logger.log(`working queue ${this.queue.name} with ${this.options.SYNC_CONCURRENCY} at a time`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const graceMs = this.options.SYNC_SHUTDOWN_GRACE_SECONDS * 1000;
    // Jobs still running after the grace period are released, not killed mid-write.
    const release = setTimeout(() => {
      for (const controller of this.active.values()) controller.abort(new RunInterrupted('shutdown'));
    }, graceMs);
    try {
      await this.queue.stop(graceMs + 15_000);
    } finally {
      clearTimeout(release);
    }
  }

  private async handle(job: PgBoss.JobWithMetadata<SyncJobData>): Promise<void> {
    const { tenantId, runId, tool } = job.data;
    const run = await this.runs.claim(tenantId, runId);
    if (!run) return; // finished, failed, reclaimed, or being run by another worker: nothing to do
    const controller = new AbortController();
    this.active.set(runId, controller);
    if (this.stopping) controller.abort(new RunInterrupted('shutdown'));
    const progress = new RunProgress(this.runs, tenantId, runId, this.options.SYNC_PROGRESS_THROTTLE_MS, controller, this.logger);
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(tenantId, runId).then(
        (ours) => { if (!ours) controller.abort(new RunInterrupted('lost')); },
        (err) => this.logger.warn({ err, runId }, 'heartbeat failed'),
      );
    }, this.options.heartbeatMs);
    const log = this.logger;
    log.log({ runId, tenantId, tool, attempt: run.attempts }, 'sync run started');
    try {
      const result = await this.tools.execute(tool, {
        tenantId, runId, tool, trigger: run.trigger as RunTrigger, progress, signal: controller.signal,
      });
      if (await this.runs.succeed(tenantId, runId, result)) log.log({ runId, tenantId, tool }, 'sync run succeeded');
      else log.warn({ runId, tenantId, tool }, 'sync run finished after it was taken over; its outcome is not recorded');
    } catch (err) {
      await this.onFailure(job, run.attempts, progress.currentPhase, controller.signal.reason ?? err, err);
    } finally {
      clearInterval(heartbeat);
      this.active.delete(runId);
    }
  }

  private async onFailure(job: PgBoss.JobWithMetadata<SyncJobData>, attempts: number, phase: string, reason: unknown, err: unknown): Promise<void> {
    const { tenantId, runId, tool } = job.data;
    if (reason instanceof RunInterrupted && reason.reason === 'lost') {
      this.logger.warn({ runId, tenantId, tool }, 'sync run stopped: another worker took it over');
      return;
    }
    if (reason instanceof RunInterrupted && reason.reason === 'shutdown') {
      // Hand the run back: queued again with a fresh job, this attempt not counted.
      await this.runs.release(tenantId, runId);
      await this.queue.send(job.data, job.retryLimit - job.retryCount).catch((e) => this.logger.error({ err: e, runId }, 'could not re-queue a released run'));
      this.logger.log({ runId, tenantId, tool }, 'sync run released at shutdown');
      return;
    }
    const message = describeRunError(err, phase);
    const retriesLeft = job.retryLimit - job.retryCount;
    if (isTransient(err) && retriesLeft > 0 && attempts < this.options.SYNC_MAX_ATTEMPTS) {
      await this.runs.requeue(tenantId, runId, `Attempt ${attempts} failed: ${message}. Retrying.`);
      this.logger.warn({ runId, tenantId, tool, err }, 'sync run attempt failed; pg-boss retries it with backoff');
      throw err; // pg-boss schedules the retry (retryDelay, retryBackoff)
    }
    await this.runs.fail(tenantId, runId, message);
    this.logger.warn({ runId, tenantId, tool, err }, 'sync run failed');
  }
}
