// The per-tenant schedule. Every worker ticks; a tick only enqueues. For each tenant with the
// schedule on, the latest due time in the last tick window is claimed in schedule_fire
// (primary key tenant and due time), so of all workers exactly one fires it; the claimer
// starts a `sync-all` run with trigger 'schedule'. Due times older than one tick plus a grace
// period, or before the tenant existed, are never fired: a first boot does not replay a
// month-old schedule.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronTime } from 'cron';
import { DataSource } from 'typeorm';
import { ReconciliationWriter } from '../reconciliation/reconciliation-writer.service.js';
import { SyncRunsService } from './sync-runs.service.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync.options.js';

const TICK = 'sync-schedule-tick';
/** Enough for a per-second cron over a long window without looping forever on a bad one. */
const MAX_STEPS = 10_000;

interface ScheduledTenant {
  tenant_id: string;
  schedule_cron: string;
  schedule_time_zone: string;
  created_at: Date;
}

/** The latest time the cron expression was due in (after, atOrBefore], or null. */
export function latestDueTime(cron: string, timeZone: string, after: Date, atOrBefore: Date): Date | null {
  const time = new CronTime(cron, timeZone);
  let latest: Date | null = null;
  let next = time.getNextDateFrom(after, timeZone).toJSDate();
  for (let step = 0; next <= atOrBefore && step < MAX_STEPS; step++) {
    latest = next;
    next = time.getNextDateFrom(next, timeZone).toJSDate();
  }
  return latest;
}

@Injectable()
export class SyncScheduleService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncScheduleService.name);
  private ticking = false;
  private last: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runs: SyncRunsService,
    private readonly reconciliations: ReconciliationWriter,
    private readonly registry: SchedulerRegistry,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(TICK, setInterval(() => { if (!this.ticking) void this.tick(); }, this.options.SYNC_SCHEDULE_TICK_SECONDS * 1000));
    void this.tick();
  }

  onModuleDestroy(): void {
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
  }

  /** One look for due schedules as of `now`; a call made while a tick runs waits for it, then runs its own. */
  tick(now = new Date()): Promise<void> {
    const next = this.last.then(() => this.tickOnce(now));
    this.last = next;
    return next;
  }

  private async tickOnce(now: Date): Promise<void> {
    this.ticking = true;
    try {
      const windowMs = (this.options.SYNC_SCHEDULE_TICK_SECONDS + this.options.SYNC_SCHEDULE_GRACE_SECONDS) * 1000;
      const tenants: ScheduledTenant[] = await this.db.query(
        `SELECT s.tenant_id, s.schedule_cron, s.schedule_time_zone, t.created_at
         FROM tenant_settings s JOIN tenant t ON t.tenant_id = s.tenant_id
         WHERE s.schedule_enabled`,
      );
      for (const tenant of tenants) {
        const after = new Date(Math.max(now.getTime() - windowMs, new Date(tenant.created_at).getTime()));
        await this.fireIfDue(tenant, after, now).catch((err) =>
          this.logger.error({ err, tenantId: tenant.tenant_id }, 'could not fire the schedule'),
        );
      }
      // Exceptions whose last day passed: their gaps reopen in the totals without waiting for a snapshot.
      const expired = await this.reconciliations.expireExceptions().catch((err) => {
        this.logger.error({ err }, 'could not expire exceptions');
        return [];
      });
      if (expired.length) this.logger.log({ tenants: expired.length }, 'expired exceptions removed, gaps reopened');
    } catch (err) {
      this.logger.error({ err }, 'schedule tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private async fireIfDue(tenant: ScheduledTenant, after: Date, now: Date): Promise<void> {
    let due: Date | null;
    try {
      due = latestDueTime(tenant.schedule_cron, tenant.schedule_time_zone, after, now);
    } catch (err) {
      this.logger.warn({ tenantId: tenant.tenant_id, cron: tenant.schedule_cron, timeZone: tenant.schedule_time_zone }, 'stored schedule is not valid; skipped');
      return;
    }
    if (!due) return;
    const [claimed] = await this.db.query(
      `INSERT INTO schedule_fire (tenant_id, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING due_at`,
      [tenant.tenant_id, due],
    );
    if (!claimed) return; // another worker (or an earlier tick) fired this due time
    const { run } = await this.runs.request(tenant.tenant_id, { tool: 'sync-all', requestedBy: 'schedule', trigger: 'schedule' });
    await this.db.query(`UPDATE schedule_fire SET run_id = $3 WHERE tenant_id = $1 AND due_at = $2`, [tenant.tenant_id, due, run.id]);
    this.logger.log({ tenantId: tenant.tenant_id, dueAt: due.toISOString(), runId: run.id }, 'scheduled sync-all queued');
  }
}
