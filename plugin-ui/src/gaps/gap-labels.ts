// Gap, exception and action states in a billing lead's words, shared by the drill-down, the
// list's expanded lines and the approval queue, so each state reads the same everywhere.
import { html, nothing, type TemplateResult } from 'lit';
import { formatDay, formatMoney } from '../shared/format.js';
import type { ActionItem, ActionPreview, ActionState, ExceptionReason, GapAction, GapException, LineException } from '../shared/types.js';

export const REASON_LABELS: Record<ExceptionReason, string> = {
  'client-owned-licence': 'Client owns the license',
  'spare-on-purpose': 'Spare seats on purpose',
  'device-retiring': 'Devices being retired',
  'not-billable': 'Not billable',
  other: 'Other (explain in the note)',
};

export const ACTION_STATE_LABELS: Record<ActionState, string> = {
  proposed: 'Waiting for approval',
  approved: 'Approved, queued',
  applying: 'Applying in Pax8…',
  applied: 'Applied in Pax8',
  scheduled: 'Scheduled',
  failed: 'Failed',
  conflict: 'Conflict',
  cancelled: 'Cancelled',
};

/** The gap of one product line as the widgets show it: from GET /gaps or client detail, else the line alone. */
export interface GapView {
  clientId: string;
  productId: string;
  productName: string;
  variance: number;
  state: string | null;
  since?: string | null;
  exception?: (LineException & Partial<GapException>) | null;
  action?: GapAction | null;
  /** state closed: the snapshot that shows the gap gone */
  closedBy?: { takenAt: string } | null;
  /** PSA billing: devices - billed (positive: "bill N more seats"); null or absent: no PSA data. */
  billedVariance?: number | null;
}

/** "PanelOne billing" for a psa-quantity action, "Pax8 fix" for a pax8-quantity one. */
export const actionName = (action: Pick<GapAction, 'type'> | null | undefined) => (action?.type === 'psa-quantity' ? 'PanelOne billing' : 'Pax8 fix');

/** "Applied in Pax8", "Scheduled for Jan 31, 2027", "Failed: <Pax8's words>". */
export function actionStateText(item: Pick<ActionItem, 'state' | 'scheduledFor' | 'outcome'> & { preview?: Pick<ActionPreview, 'additionId'> }): string {
  if (item.state === 'scheduled' && item.scheduledFor) return `Scheduled for ${formatDay(item.scheduledFor)}`;
  const known = ACTION_STATE_LABELS[item.state] ?? item.state;
  // A psa-quantity item is applied in PanelOne, not Pax8.
  const label = item.preview?.additionId ? known.replace('Pax8', 'PanelOne') : known;
  return item.outcome?.message && (item.state === 'failed' || item.state === 'conflict') ? `${label}: ${item.outcome.message}` : label;
}

export function renderActionBadge(item: Pick<ActionItem, 'state' | 'scheduledFor' | 'outcome'> & { preview?: Pick<ActionPreview, 'additionId'> }): TemplateResult {
  return html`<span class="badge action-${item.state}">${item.state === 'applying' ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${actionStateText(item)}</span>`;
}

/** "72 → 94 seats" */
export function quantityChange(preview: Pick<ActionPreview, 'fromQuantity' | 'toQuantity'>): string {
  return `${preview.fromQuantity} → ${preview.toQuantity} seats`;
}

export function moneyChange(amount: ActionPreview['monthlyCostChange']): string {
  return amount ? `${formatMoney(amount, true)} / month` : 'unknown (no price in Pax8)';
}

export function exceptionText(exception: LineException): string {
  const reason = REASON_LABELS[exception.reason] ?? exception.reason;
  const label = exception.reason === 'other' ? 'Other' : reason;
  return `${label}${exception.note ? `: ${exception.note}` : ''}${exception.until ? ` · until ${formatDay(exception.until)}` : ' · no end date'}`;
}

/** One line of text for where a gap stands, or null for a line without a gap. */
export function gapStateText(gap: GapView): string | null {
  const action = gap.action;
  switch (gap.state) {
    case 'open': {
      const since = gap.since ? `Open since ${formatDay(gap.since)}` : 'Open';
      const last = action && (action.state === 'failed' || action.state === 'conflict') ? ` · last ${action.type === 'psa-quantity' ? 'billing change' : 'fix'} ${actionStateText(action).toLowerCase()}` : '';
      return since + last;
    }
    case 'accepted':
      return gap.exception ? `Accepted: ${exceptionText(gap.exception)}` : 'Accepted';
    case 'action-pending':
      return action ? `${actionName(action)} ${quantityChange(action.preview)}: ${actionStateText(action).toLowerCase()}` : 'Pax8 fix pending';
    case 'action-applied':
      return action ? `${actionName(action)} applied (${quantityChange(action.preview)}), awaiting the next snapshot` : 'Pax8 fix applied, awaiting the next snapshot';
    case 'closed':
      {
        const takenAt = gap.closedBy?.takenAt ?? action?.verification?.takenAt;
        return takenAt ? `Closed by snapshot of ${formatDay(takenAt)}` : 'Closed';
      }
    default:
      return null;
  }
}
