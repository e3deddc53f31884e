// tenant_settings: the counting rules, tolerance and schedule of one tenant, readable on any
// connection (the snapshot ingest and the reconciliation read them inside their own
// transactions). The defaults row is created on first read.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';
import type { CountingRules, TenantSettings } from './rules.js';

interface SettingsRecord {
  stale_days: number;
  counted_classes: string[];
  licensed_statuses: string[];
  matched_tolerance: number;
  schedule_cron: string;
  schedule_time_zone: string;
  schedule_enabled: boolean;
  max_seat_change: number;
  max_monthly_increase: string;
  require_second_approver: boolean;
  psa_billing_enabled: boolean;
  retention_months: number | null;
}

function toSettings(row: SettingsRecord): TenantSettings {
  return {
    staleDays: row.stale_days,
    countedClasses: row.counted_classes,
    licensedStatuses: row.licensed_statuses,
    matchedTolerance: row.matched_tolerance,
    schedule: { cron: row.schedule_cron, timeZone: row.schedule_time_zone, enabled: row.schedule_enabled },
    maxSeatChange: row.max_seat_change,
    maxMonthlyIncrease: Number(row.max_monthly_increase),
    requireSecondApprover: row.require_second_approver,
    psaBilling: { enabled: row.psa_billing_enabled },
    retentionMonths: row.retention_months,
  };
}

@Injectable()
export class SettingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The tenant's settings, on `q` (a transaction's client) or the pool. */
  async load(tenantId: string, q: Queryable = this.db, options: { lock?: boolean } = {}): Promise<TenantSettings> {
    const select = `SELECT * FROM tenant_settings WHERE tenant_id = $1${options.lock ? ' FOR UPDATE' : ''}`;
    let [row] = rowsOf<SettingsRecord>(await q.query(select, [tenantId]));
    if (!row) {
      await q.query(`INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenantId]);
      await q.query(`INSERT INTO tenant_settings (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenantId]);
      [row] = rowsOf<SettingsRecord>(await q.query(select, [tenantId]));
    }
    return toSettings(row);
  }

  /** Runs `work` in one transaction: a change and its audit entries commit together. */
  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }

  async psaBillingEnabled(tenantId: string, q: Queryable = this.db): Promise<boolean> {
    return (await this.load(tenantId, q)).psaBilling.enabled;
  }

  async countingRules(tenantId: string, q: Queryable = this.db): Promise<CountingRules> {
    const { staleDays, countedClasses, licensedStatuses, matchedTolerance } = await this.load(tenantId, q);
    return { staleDays, countedClasses, licensedStatuses, matchedTolerance };
  }

  /** The MSP's name for its reports; null when none was set. */
  async displayName(tenantId: string, q: Queryable = this.db): Promise<string | null> {
    const [row] = rowsOf<{ display_name: string | null }>(await q.query(`SELECT display_name FROM tenant_settings WHERE tenant_id = $1`, [tenantId]));
    return row?.display_name ?? null;
  }

  async saveDisplayName(tenantId: string, name: string | null, q: Queryable = this.db): Promise<void> {
    await q.query(`UPDATE tenant_settings SET display_name = $2, updated_at = now() WHERE tenant_id = $1`, [tenantId, name]);
  }

  async save(tenantId: string, next: TenantSettings, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE tenant_settings SET stale_days = $2, counted_classes = $3, licensed_statuses = $4, matched_tolerance = $5,
              schedule_cron = $6, schedule_time_zone = $7, schedule_enabled = $8,
              max_seat_change = $9, max_monthly_increase = $10, require_second_approver = $11, psa_billing_enabled = $12, retention_months = $13, updated_at = now()
        WHERE tenant_id = $1`,
      [tenantId, next.staleDays, next.countedClasses, next.licensedStatuses, next.matchedTolerance, next.schedule.cron, next.schedule.timeZone, next.schedule.enabled,
        next.maxSeatChange, next.maxMonthlyIncrease, next.requireSecondApprover, next.psaBilling.enabled, next.retentionMonths],
    );
  }
}
