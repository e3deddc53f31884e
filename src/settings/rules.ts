// The counting rules of one tenant: which devices count (stale window, classes) and which
// subscriptions are licences (statuses), with the tolerance a line still counts as matched.
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

/** Caps on actions (beyond them an approval needs confirmLarge) and who may approve. */
export interface ActionSettings {
  maxSeatChange: number;
  maxMonthlyIncrease: number;
  requireSecondApprover: boolean;
}

export interface TenantSettings extends CountingRules, ActionSettings {
  schedule: { cron: string; timeZone: string; enabled: boolean };
  /** PanelOne PSA agreements as the third column (billed); off: nothing synced or shown. */
  psaBilling: { enabled: boolean };
  /** Device rows of snapshots kept for this many months after the current one; null: for ever. */
  retentionMonths: number | null;
}
