// Counting rules, tolerance and the snapshot schedule, per tenant (admin). A change to what the
// reconciliation uses (licensed statuses, tolerance) re-reconciles the latest snapshot; the
// device rules (stale window, classes) apply from the next snapshot, since snapshots are immutable.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import type { UpdateSettingsDto } from './dto/settings.dto.js';
import { loadSettings, type TenantSettings } from './rules.js';

@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  get(tenantId: string): Promise<TenantSettings> {
    return loadSettings(this.db, tenantId);
  }

  async update(tenantId: string, change: UpdateSettingsDto): Promise<TenantSettings> {
    const current = await loadSettings(this.db, tenantId);
    const next: TenantSettings = {
      staleDays: change.staleDays ?? current.staleDays,
      countedClasses: change.countedClasses ?? current.countedClasses,
      licensedStatuses: change.licensedStatuses?.map((s) => s.trim()) ?? current.licensedStatuses,
      matchedTolerance: change.matchedTolerance ?? current.matchedTolerance,
      schedule: {
        cron: change.schedule?.cron?.trim() ?? current.schedule.cron,
        // Stored as the runtime spells it ("europe/berlin" -> "Europe/Berlin"), already validated.
        timeZone: change.schedule?.timeZone ? new Intl.DateTimeFormat('en', { timeZone: change.schedule.timeZone }).resolvedOptions().timeZone : current.schedule.timeZone,
        enabled: change.schedule?.enabled ?? current.schedule.enabled,
      },
    };
    await this.db.query(
      `UPDATE tenant_settings SET stale_days = $2, counted_classes = $3, licensed_statuses = $4, matched_tolerance = $5,
              schedule_cron = $6, schedule_time_zone = $7, schedule_enabled = $8, updated_at = now()
        WHERE tenant_id = $1`,
      [tenantId, next.staleDays, next.countedClasses, next.licensedStatuses, next.matchedTolerance, next.schedule.cron, next.schedule.timeZone, next.schedule.enabled],
    );
    const reconciles = change.matchedTolerance !== undefined || change.licensedStatuses !== undefined;
    if (reconciles) await this.reconciliation.reconcileLatest(tenantId);
    return next;
  }
}
