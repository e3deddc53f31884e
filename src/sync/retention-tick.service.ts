// The worker applies the tenants' device-row retention hourly (and shortly after it starts).
// Several workers may tick at once: the work is idempotent (marks are conditional, a dropped
// partition is no longer listed), and a session advisory lock lets one of them do it.
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeviceRetentionService } from '../snapshots/device-retention.service.js';
import { withPgClient } from '../database/transaction.js';

const EVERY_MS = 60 * 60_000;
const FIRST_AFTER_MS = 30_000;

@Injectable()
export class RetentionTickService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionTickService.name);
  private first?: NodeJS.Timeout;
  private every?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly retention: DeviceRetentionService,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => { this.running ??= this.once().finally(() => { this.running = undefined; }); };
    this.first = setTimeout(tick, FIRST_AFTER_MS).unref();
    this.every = setInterval(tick, EVERY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.every);
    await this.running;
  }

  private async once(): Promise<void> {
    try {
      await withPgClient(this.db, async (client) => {
        const [{ got }] = (await client.query(`SELECT pg_try_advisory_lock(hashtext('b1r device retention')) AS got`)).rows;
        if (!got) return;
        try {
          await this.retention.enforce();
        } finally {
          await client.query(`SELECT pg_advisory_unlock(hashtext('b1r device retention'))`);
        }
      });
    } catch (err) {
      this.logger.warn({ err }, 'device retention failed; it is tried again next hour');
    }
  }
}
