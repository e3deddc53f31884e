// The counting rules of one tenant (tenant_settings), readable on any connection: the
// snapshot ingest and the reconciliation read them inside their own transactions.
export const DEVICE_CLASSES = [
  'WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER',
  'VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST', 'NETWORK_DEVICE', 'MOBILE', 'PRINTER', 'UNKNOWN',
] as const;

export interface CountingRules {
  staleDays: number;
  countedClasses: string[];
  licensedStatuses: string[];
  matchedTolerance: number;
}

export interface TenantSettings extends CountingRules {
  schedule: { cron: string; timeZone: string; enabled: boolean };
}

/** Anything with pg's `query(text, params)`: a pooled client, or TypeORM's DataSource. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

interface SettingsRow {
  stale_days: number;
  counted_classes: string[];
  licensed_statuses: string[];
  matched_tolerance: number;
  schedule_cron: string;
  schedule_time_zone: string;
  schedule_enabled: boolean;
}

/** The tenant's settings; the defaults row is created on first read. */
export async function loadSettings(q: Queryable, tenantId: string): Promise<TenantSettings> {
  let [row] = rowsOf<SettingsRow>(await q.query(`SELECT * FROM tenant_settings WHERE tenant_id = $1`, [tenantId]));
  if (!row) {
    await q.query(`INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenantId]);
    await q.query(`INSERT INTO tenant_settings (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenantId]);
    [row] = rowsOf<SettingsRow>(await q.query(`SELECT * FROM tenant_settings WHERE tenant_id = $1`, [tenantId]));
  }
  return {
    staleDays: row.stale_days,
    countedClasses: row.counted_classes,
    licensedStatuses: row.licensed_statuses,
    matchedTolerance: row.matched_tolerance,
    schedule: { cron: row.schedule_cron, timeZone: row.schedule_time_zone, enabled: row.schedule_enabled },
  };
}

export async function loadCountingRules(q: Queryable, tenantId: string): Promise<CountingRules> {
  const { staleDays, countedClasses, licensedStatuses, matchedTolerance } = await loadSettings(q, tenantId);
  return { staleDays, countedClasses, licensedStatuses, matchedTolerance };
}
