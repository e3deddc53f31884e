// Delivers the outbox. Woken by NOTIFY b1r_alert_delivery (sent at the COMMIT that wrote a
// delivery) and by a timer for the next retry that falls due; claims one due delivery at a time
// with FOR UPDATE SKIP LOCKED, leased for a few attempt timeouts, so a worker killed mid-send
// leaves it to the next worker once the lease ends (the receiver dedupes on X-B1R-Delivery).
// A failed attempt is retried with doubling back-off (ALERT_RETRY_BASE_MS, at most an hour
// apart) until ALERT_RETRY_WINDOW_MS after the delivery was written, then marked failed.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ListenConnection } from '../database/listen-connection.js';
import { AlertSender } from './alert-sender.service.js';
import { AlertsRepository, type ClaimedDelivery } from './alerts.repository.js';

export const ALERT_CHANNEL = 'b1r_alert_delivery';
const MAX_BACKOFF_MS = 3_600_000;
/** Behind the NOTIFY wake-up, for a notification missed while the listener reconnected. */
const SAFETY_POLL_MS = 30_000;

/** The wait before attempt `attempt + 1` after attempt `attempt` failed. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

@Injectable()
export class AlertDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertDeliveryWorker.name);
  private listener?: ListenConnection;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly alerts: AlertsRepository,
    private readonly sender: AlertSender,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.db.options as { url?: string }).url;
    if (!url) throw new Error('the DataSource has no url');
    this.listener = new ListenConnection(
      { connectionString: url, channel: ALERT_CHANNEL, applicationName: 'b1r-alert-listener' },
      {
        established: () => this.wake(),
        lost: (reason) => this.logger.warn(`alert wake-ups off until LISTEN is back (the safety poll goes on): ${reason}`),
        notification: () => this.wake(),
      },
    );
    await this.listener.start();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.listener?.stop();
    await this.running;
  }

  /** Drains what is due; a wake-up during a drain makes it look once more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    let nextInMs = SAFETY_POLL_MS;
    try {
      const leaseMs = this.config.ALERT_ATTEMPT_TIMEOUT_MS * 3 + 2_000;
      for (let d = await this.alerts.claim(this.db, leaseMs); d && !this.stopped; d = await this.alerts.claim(this.db, leaseMs)) {
        await this.deliver(d);
      }
      const due = await this.alerts.msUntilNextDue(this.db);
      if (due !== null) nextInMs = Math.min(SAFETY_POLL_MS, Math.max(due, 10));
    } catch (err) {
      this.logger.warn(`alert delivery paused: ${err instanceof Error ? err.message : String(err)}`);
      nextInMs = 5_000;
    }
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), nextInMs);
    this.timer.unref();
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const outcome = d.channel.enabled
      ? await this.sender.send(d.channel, d)
      : { ok: false, statusCode: null, error: 'the channel was disabled before delivery', durationMs: 0, retryable: false };
    await this.alerts.recordAttempt(this.db, d.tenant_id, d.id, { attempt: d.attempts, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs });
    if (outcome.ok) return this.alerts.finish(this.db, d.tenant_id, d.id, 'delivered');
    const delay = backoffMs(d.attempts, this.config.ALERT_RETRY_BASE_MS);
    const giveUpAt = new Date(d.created_at).getTime() + this.config.ALERT_RETRY_WINDOW_MS;
    if (!outcome.retryable || Date.now() + delay > giveUpAt) {
      this.logger.warn({ tenantId: d.tenant_id, deliveryId: d.id, attempts: d.attempts }, `alert delivery failed for good: ${outcome.error}`);
      return this.alerts.finish(this.db, d.tenant_id, d.id, 'failed');
    }
    await this.alerts.retryAt(this.db, d.tenant_id, d.id, delay);
  }
}
