// Display formatting shared by the widgets (numbers, money, dates, variance sign).
import type { Money } from './types.js';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** The one rendering of a missing amount, on every screen. */
export const NO_PRICE = 'no price';

export function formatMoney(money: Money | null | undefined, signed = false): string {
  if (!money) return NO_PRICE;
  let format = moneyFormats.get(money.currency + signed);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: money.currency || 'USD',
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    moneyFormats.set(money.currency + signed, format);
  }
  return format.format(money.amount).replace('-', '−');
}

/** A count; null (an unmapped organization has no licences) as an en dash. */
export function formatCount(value: number | null): string {
  return value === null ? '–' : new Intl.NumberFormat().format(value);
}

/** "+3", "−2" (a real minus sign), "0"; null (not reconciled: unmapped) as an en dash. */
export function formatVariance(variance: number | null): string {
  if (variance === null) return '–';
  if (variance > 0) return `+${formatCount(variance)}`;
  if (variance < 0) return `−${formatCount(-variance)}`;
  return '0';
}

export function varianceTone(variance: number | null): 'under' | 'over' | 'matched' {
  if (variance === null) return 'matched';
  return variance > 0 ? 'under' : variance < 0 ? 'over' : 'matched';
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** "12 seats with no price" (the unpriced part of a gap, never shown as $0). */
export function formatUnpriced(seats: number): string {
  return `${formatCount(seats)} seat${seats === 1 ? '' : 's'} with no price`;
}

export function formatDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** Pax8 subscription statuses as words: PendingManual → "Pending (manual)". */
export const PAX8_STATUSES: Record<string, string> = {
  Active: 'Active',
  Cancelled: 'Cancelled',
  PendingManual: 'Pending (manual)',
  PendingAutomated: 'Pending (automated)',
  PendingCancel: 'Pending cancellation',
  WaitingForDetails: 'Waiting for details',
  Trial: 'Trial',
  Converted: 'Converted',
  PendingActivation: 'Pending activation',
  Activated: 'Activated',
};

export function pax8Status(status: string | null | undefined): string {
  if (!status) return 'Unknown';
  return PAX8_STATUSES[status] ?? status.replace(/([a-z])([A-Z])/g, '$1 $2');
}

export const statusLabels: Record<string, string> = {
  'under-licensed': 'Under-licensed',
  'over-licensed': 'Over-licensed',
  matched: 'Properly licensed',
  unmapped: 'Unmapped',
  accepted: 'Accepted',
};

export const mappingStateLabels: Record<string, string> = {
  confirmed: 'Confirmed',
  suggested: 'Suggested (unconfirmed)',
  none: 'Not mapped',
};

const SPECIAL_LABELS: Record<string, string> = {
  VMWARE_VM_GUEST: 'VMware VM guest',
  HYPERV_VMM_GUEST: 'Hyper-V VM guest',
  MAC: 'Mac',
};

/** WINDOWS_WORKSTATION → "Windows workstation", pending-approval → "Pending approval". */
export function humanize(code: string): string {
  if (SPECIAL_LABELS[code]) return SPECIAL_LABELS[code];
  const words = code.replace(/[_-]+/g, ' ').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
