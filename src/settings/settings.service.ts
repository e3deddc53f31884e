// Counting rules, tolerance and the snapshot schedule, per tenant (admin). A change to what the
// reconciliation uses (licensed statuses, tolerance) re-reconciles the latest snapshot; the
// device rules (stale window, classes) apply from the next snapshot, since snapshots are immutable.
import { Injectable } from '@nestjs/common';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import type { UpdateSettingsDto } from './dto/settings.dto.js';
import type { TenantSettings } from './rules.js';
import { SettingsRepository } from './settings.repository.js';

@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly reconciliation: ReconciliationInputs,
  ) {}

  get(tenantId: string): Promise<TenantSettings> {
    return this.settings.load(tenantId);
  }

  async update(tenantId: string, change: UpdateSettingsDto, by: string | null = null): Promise<TenantSettings> {
    const current = await this.settings.load(tenantId);
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
    await this.settings.save(tenantId, next);
    const reconciles = change.matchedTolerance !== undefined || change.licensedStatuses !== undefined;
    if (reconciles) await this.reconciliation.changed(tenantId, 'counting rules', by);
    return next;
  }
}
