// Counting rules, tolerance and the snapshot schedule, per tenant (admin). A change to what the
// reconciliation uses (licensed statuses, tolerance) re-reconciles the latest snapshot; the
// device rules (stale window, classes) apply from the next snapshot, since snapshots are immutable.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import type { SettingsDto, UpdateSettingsDto } from './dto/settings.dto.js';
import type { TenantSettings } from './rules.js';
import { SettingsRepository } from './settings.repository.js';

@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly reconciliation: ReconciliationInputs,
    private readonly audit: AuditService,
  ) {}

  async get(tenantId: string): Promise<SettingsDto> {
    const settings = await this.settings.load(tenantId);
    return { ...settings, displayName: await this.settings.displayName(tenantId) };
  }

  async update(tenantId: string, change: UpdateSettingsDto, by: Actor): Promise<SettingsDto> {
    const next = await this.settings.transaction(async (q) => {
      const current = await this.settings.load(tenantId, q, { lock: true });
      const next = merge(current, change);
      await this.settings.save(tenantId, next, q);
      // Rules and schedule are told apart: "who changed what we count" is its own question.
      const { schedule: before, maxSeatChange: s0, maxMonthlyIncrease: m0, requireSecondApprover: r0, psaBilling: psaBefore, retentionMonths: keptBefore, ...rulesBefore } = current;
      const { schedule: after, maxSeatChange: s1, maxMonthlyIncrease: m1, requireSecondApprover: r1, psaBilling: psaAfter, retentionMonths: keptAfter, ...rulesAfter } = next;
      if (keptBefore !== keptAfter) {
        await this.audit.record(q, { tenantId, type: 'settings.retention-changed', by, subject: 'retention', before: { retentionMonths: keptBefore }, after: { retentionMonths: keptAfter } });
      }
      await this.audit.record(q, { tenantId, type: 'settings.rules-changed', by, subject: 'rules', before: rulesBefore, after: rulesAfter });
      await this.audit.record(q, { tenantId, type: 'settings.schedule-changed', by, subject: 'schedule', before, after });
      await this.audit.record(q, {
        tenantId, type: 'settings.actions-changed', by, subject: 'actions',
        before: { maxSeatChange: s0, maxMonthlyIncrease: m0, requireSecondApprover: r0 }, after: { maxSeatChange: s1, maxMonthlyIncrease: m1, requireSecondApprover: r1 },
      });
      await this.audit.record(q, { tenantId, type: 'settings.psa-billing-changed', by, subject: 'psaBilling', before: psaBefore, after: psaAfter });
      // The name is apart from the rules (what the reports are headed with, not what is counted).
      if (change.displayName !== undefined) {
        const nameBefore = await this.settings.displayName(tenantId, q);
        const nameAfter = change.displayName === null ? null : change.displayName.trim();
        await this.settings.saveDisplayName(tenantId, nameAfter, q);
        await this.audit.record(q, { tenantId, type: 'settings.name-changed', by, subject: 'displayName', before: { displayName: nameBefore }, after: { displayName: nameAfter } });
      }
      return { ...next, displayName: await this.settings.displayName(tenantId, q) };
    });
    const reconciles = change.matchedTolerance !== undefined || change.licensedStatuses !== undefined;
    if (reconciles) await this.reconciliation.changed(tenantId, 'counting rules', by.subject);
    // Turning PSA billing off takes the billed column out at once; on, it fills from the next sync.
    if (change.psaBilling !== undefined) await this.reconciliation.changed(tenantId, 'PSA billing setting', by.subject);
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
    maxSeatChange: change.maxSeatChange ?? current.maxSeatChange,
    maxMonthlyIncrease: change.maxMonthlyIncrease ?? current.maxMonthlyIncrease,
    requireSecondApprover: change.requireSecondApprover ?? current.requireSecondApprover,
    psaBilling: { enabled: change.psaBilling?.enabled ?? current.psaBilling.enabled },
    // null is a value here (keep device rows for ever), so only an absent field keeps the current one.
    retentionMonths: change.retentionMonths === undefined ? current.retentionMonths : change.retentionMonths,
  };
}
