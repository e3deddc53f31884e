// Tuning of the queue, leases and schedule. Read from the validated start-up configuration
// (unknown variables are kept on it), so tests and deployments set them like any other
// variable; each has a production default.
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min, validateSync } from 'class-validator';
import { DEFAULT_SYNC_QUEUE } from './sync.constants.js';
import { ConfigurationError, type AppConfig } from '../config/config.js';

const num = (fallback: number) => ({ value }: { value: unknown }) => (value === undefined || value === '' ? fallback : Number(value));

export class SyncOptions {
  /** The queue (sync_run.queue) this process puts runs on and works; deployments (or test suites) sharing one database keep their runs apart. */
  @Transform(({ value }) => (value === undefined || value === '' ? DEFAULT_SYNC_QUEUE : value))
  @Matches(/^[A-Za-z0-9_.-]{1,50}$/, { message: 'SYNC_QUEUE_NAME must be 1-50 letters, digits, dots, dashes or underscores' })
  SYNC_QUEUE_NAME = DEFAULT_SYNC_QUEUE;

  /** A running run whose heartbeat is older than this is taken to be orphaned (its worker died). */
  @Transform(num(30)) @Min(2) @Max(3600) @IsInt({ message: 'SYNC_LEASE_SECONDS must be an integer' })
  SYNC_LEASE_SECONDS = 30;

  /** How often a running job stamps heartbeat_at; by default a third of the lease, at most 5 s. */
  @Transform(num(0)) @Min(0) @Max(600) @IsInt({ message: 'SYNC_HEARTBEAT_SECONDS must be an integer' })
  SYNC_HEARTBEAT_SECONDS = 0;

  /** How often each worker looks for orphaned runs and queued runs without a job. */
  @Transform(num(15)) @Min(1) @Max(3600) @IsInt({ message: 'SYNC_LEASE_CHECK_SECONDS must be an integer' })
  SYNC_LEASE_CHECK_SECONDS = 15;

  /** Attempts a run may use in all (first try, retries after temporary failures, re-runs after a crash). */
  @Transform(num(3)) @Min(1) @Max(20) @IsInt({ message: 'SYNC_MAX_ATTEMPTS must be an integer' })
  SYNC_MAX_ATTEMPTS = 3;

  /** First retry delay; each further retry waits twice as long as the one before. */
  @Transform(num(30)) @Min(1) @Max(3600) @IsInt({ message: 'SYNC_RETRY_DELAY_SECONDS must be an integer' })
  SYNC_RETRY_DELAY_SECONDS = 30;

  /** A run still running after this long is stopped and counted as a failed attempt: the backstop behind the heartbeat lease. */
  @Transform(num(4 * 3600)) @Min(10) @Max(24 * 3600) @IsInt({ message: 'SYNC_JOB_TIMEOUT_SECONDS must be an integer' })
  SYNC_JOB_TIMEOUT_SECONDS = 4 * 3600;

  /** Jobs one worker runs at once. */
  @Transform(num(2)) @Min(1) @Max(16) @IsInt({ message: 'SYNC_CONCURRENCY must be an integer' })
  SYNC_CONCURRENCY = 2;

  /** Safety poll of an idle worker, behind the LISTEN/NOTIFY wake-up (which starts a queued run at once). */
  @Transform(num(5)) @Min(1) @Max(60) @IsInt({ message: 'SYNC_POLL_SECONDS must be an integer' })
  SYNC_POLL_SECONDS = 5;

  /** On SIGTERM, how long a running job may take to finish before it is released for another worker. */
  @Transform(num(20)) @Min(0) @Max(600) @IsInt({ message: 'SYNC_SHUTDOWN_GRACE_SECONDS must be an integer' })
  SYNC_SHUTDOWN_GRACE_SECONDS = 20;

  /** Schedule tick: how often workers look for due schedules. */
  @Transform(num(60)) @Min(1) @Max(3600) @IsInt({ message: 'SYNC_SCHEDULE_TICK_SECONDS must be an integer' })
  SYNC_SCHEDULE_TICK_SECONDS = 60;

  /** A due time older than one tick plus this grace is never fired (no month-old runs on first boot). */
  @Transform(num(120)) @Min(0) @Max(86400) @IsInt({ message: 'SYNC_SCHEDULE_GRACE_SECONDS must be an integer' })
  SYNC_SCHEDULE_GRACE_SECONDS = 120;

  /** Progress is written at most this often (and at each phase change). */
  @Transform(num(1000)) @Min(0) @Max(60000) @IsInt({ message: 'SYNC_PROGRESS_THROTTLE_MS must be an integer' })
  SYNC_PROGRESS_THROTTLE_MS = 1000;

  get heartbeatMs(): number {
    return (this.SYNC_HEARTBEAT_SECONDS || Math.max(1, Math.min(5, Math.floor(this.SYNC_LEASE_SECONDS / 3)))) * 1000;
  }
}

export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

export function syncOptionsFrom(config: AppConfig): SyncOptions {
  const raw = Object.fromEntries(Object.entries(config as unknown as Record<string, unknown>).filter(([k]) => k.startsWith('SYNC_')));
  const options = plainToInstance(SyncOptions, raw, { exposeDefaultValues: true });
  const errors = validateSync(options, { stopAtFirstError: true });
  if (errors.length) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${errors.flatMap((e) => Object.values(e.constraints ?? {})).join('\n  - ')}`);
  }
  return options;
}
