// Tuning of the action worker, read from the validated start-up configuration like SYNC_*.
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';
import { ConfigurationError, type AppConfig } from '../config/config.js';

const num = (fallback: number) => ({ value }: { value: unknown }) => (value === undefined || value === '' ? fallback : Number(value));

export class ActionOptions {
  /** An item applying without a heartbeat for this long is taken over by another worker (which reads before it writes). */
  @Transform(num(30)) @Min(2) @Max(3600) @IsInt({ message: 'ACTIONS_LEASE_SECONDS must be an integer' })
  ACTIONS_LEASE_SECONDS = 30;

  /** How often an idle worker looks for due items (approved, scheduled and due, or with a lapsed lease), behind the NOTIFY wake-up. */
  @Transform(num(2000)) @Min(50) @Max(60_000) @IsInt({ message: 'ACTIONS_POLL_MS must be an integer' })
  ACTIONS_POLL_MS = 2000;

  /** Read-then-write rounds per item before it fails (each after a 429, 5xx, time-out or dropped answer). */
  @Transform(num(8)) @Min(1) @Max(50) @IsInt({ message: 'ACTIONS_WRITE_ATTEMPTS must be an integer' })
  ACTIONS_WRITE_ATTEMPTS = 8;

  /** A decrease Pax8 takes only at renewal is tried this long after the renewal time Pax8 gave, so a clock a little behind Pax8's does not try too early. */
  @Transform(num(3600)) @Min(0) @Max(7 * 86400) @IsInt({ message: 'ACTIONS_RENEWAL_MARGIN_SECONDS must be an integer' })
  ACTIONS_RENEWAL_MARGIN_SECONDS = 3600;

  /** Items one worker applies at once. */
  @Transform(num(4)) @Min(1) @Max(32) @IsInt({ message: 'ACTIONS_CONCURRENCY must be an integer' })
  ACTIONS_CONCURRENCY = 4;

  get heartbeatMs(): number {
    return Math.max(500, Math.floor((this.ACTIONS_LEASE_SECONDS * 1000) / 3));
  }
}

export const ACTION_OPTIONS = Symbol('ACTION_OPTIONS');

export function actionOptionsFrom(config: AppConfig): ActionOptions {
  const raw = Object.fromEntries(Object.entries(config as unknown as Record<string, unknown>).filter(([k]) => k.startsWith('ACTIONS_')));
  const options = plainToInstance(ActionOptions, raw, { exposeDefaultValues: true });
  const errors = validateSync(options, { stopAtFirstError: true });
  if (errors.length) throw new ConfigurationError(`Invalid configuration:\n  - ${errors.flatMap((e) => Object.values(e.constraints ?? {})).join('\n  - ')}`);
  return options;
}
