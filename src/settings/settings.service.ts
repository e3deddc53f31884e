// Counting rules, tolerance and the snapshot schedule, per tenant (admin). A change to what the
// reconciliation uses (licensed statuses, tolerance) re-reconciles the latest snapshot; the
// device rules (stale window, classes) apply from the next snapshot, since snapshots are immutable.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import type { UpdateSettingsDto } from './dto/settings.dto.js';
import type { TenantSettings } from './rules.js';
import { SettingsRepository } from './settings.repository.js';

@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly reconciliation: ReconciliationInputs,
    private readonly audit: AuditService,
  ) {}

  get(tenantId: string): Promise<TenantSettings> {
    return this.settings.load(tenantId);
  }

  async update(tenantId: string, change: UpdateSettingsDto, by: Actor): Promise<TenantSettings> {
    const next = await this.settings.transaction(async (q) => {
      const current = await this.settings.load(tenantId, q, { lock: true });
      const next = merge(current, change);
      await this.settings.save(tenantId, next, q);
      // Rules and schedule are told apart: "who changed what we count" is its own question.
      const { schedule: before, retentionMonths: keptBefore, ...rulesBefore } = current;
      const { schedule: after, retentionMonths: keptAfter, ...rulesAfter } = next;
      if (keptBefore !== keptAfter) {
        await this.audit.record(q, { tenantId, type: 'settings.retention-changed', by, subject: 'retention', before: { retentionMonths: keptBefore }, after: { retentionMonths: keptAfter } });
      }
      await this.audit.record(q, { tenantId, type: 'settings.rules-changed', by, subject: 'rules', before: rulesBefore, after: rulesAfter });
      await this.audit.record(q, { tenantId, type: 'settings.schedule-changed', by, subject: 'schedule', before, after });
      return next;
    });
    const reconciles = change.matchedTolerance !== undefined || change.licensedStatuses !== undefined;
    if (reconciles) await this.reconciliation.changed(tenantId, 'counting rules', by.subject);
    return next;
  }
}

function merge(current: TenantSettings, change: UpdateSettingsDto): TenantSettings {
  return {
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
    // null is a value here (keep device rows for ever), so only an absent field keeps the current one.
    retentionMonths: change.retentionMonths === undefined ? current.retentionMonths : change.retentionMonths,
  };
}
