// The pure parts of actions: what the worker does with what it read, which subscription a
// proposal changes and what the change costs, and an action's state from its items'.
import { monthlyUnitPrice, usd, type Money } from '../reconciliation/money.js';
import { billedMonthlyPrice } from '../reconciliation/reconcile.js';
import { FINAL_STATES, type ActionState, type WarningCode } from './action-states.js';

/**
 * The read-before-write rule. `write`: the quantity is still `from`, send `to`; `applied`: it is
 * already `to` (ours landed, or someone made the same change), nothing to send; `conflict`:
 * someone moved it elsewhere, nothing is sent over their change.
 */
export function decide(read: number, from: number, to: number): 'write' | 'applied' | 'conflict' {
  if (read === to) return 'applied';
  if (read === from) return 'write';
  return 'conflict';
}

export interface SyncedSubscription {
  id: string;
  quantity: number;
  status: string | null;
  billingTerm: string | null;
  price: number | null;
  partnerCost: number | null;
  /** The commitment term's end, else the subscription's endDate (ISO), when Pax8 gave one. */
  renewsAt: string | null;
}

export interface Warning { code: WarningCode; message: string }

export interface Preview {
  /** pax8-quantity. */
  subscriptionId?: string;
  /** psa-quantity: the agreement addition, its agreement (name) and its catalog item. */
  additionId?: string;
  agreementId?: string;
  agreementName?: string;
  additionDescription?: string | null;
  fromQuantity: number;
  toQuantity: number;
  monthlyCostChange: Money | null;
  monthlyPriceChange: Money | null;
  warnings: Warning[];
}

/** Statuses of an order Pax8 has not completed: raising the quantity as well would double it. */
export const isPendingOrder = (status: string | null) => status !== null && /^Pending/.test(status) && status !== 'PendingCancel';

/** The line's counted subscription to change: the given one, else the largest on a monthly term, else the largest. */
export function pickSubscription(counted: SyncedSubscription[], chosen?: string): SyncedSubscription | undefined {
  if (chosen !== undefined) return counted.find((s) => s.id === chosen);
  const byQuantity = [...counted].sort((a, b) => b.quantity - a.quantity || a.id.localeCompare(b.id));
  return byQuantity.find((s) => s.billingTerm === 'Monthly') ?? byQuantity[0];
}

export interface PreviewInput {
  subscription: SyncedSubscription;
  /** The other subscriptions of the client's product (every status). */
  others: SyncedSubscription[];
  productName: string;
  toQuantity: number;
  now: Date;
}

export function preview({ subscription: s, others, productName, toQuantity, now }: PreviewInput): Preview {
  const from = s.quantity;
  const delta = toQuantity - from;
  const cost = monthlyUnitPrice(s.partnerCost, s.billingTerm);
  const price = monthlyUnitPrice(s.price, s.billingTerm);
  const warnings: Warning[] = [];
  const pending = others.filter((o) => o.id !== s.id && isPendingOrder(o.status));
  if (pending.length && delta > 0) {
    const seats = pending.reduce((n, o) => n + o.quantity, 0);
    warnings.push({
      code: 'pending-order',
      message: `The client already has ${pending.length === 1 ? 'a pending order' : `${pending.length} pending orders`} for ${productName} (${pending.map((o) => o.status).join(', ')}, ${seats} seat${seats === 1 ? '' : 's'}): raising the quantity as well may double it.`,
    });
  }
  if (delta < 0) {
    const renews = s.renewsAt && Date.parse(s.renewsAt) > now.getTime() ? s.renewsAt.slice(0, 10) : null;
    warnings.push({
      code: 'decrease-at-renewal',
      message: renews
        ? `Pax8 takes decreases of this subscription only at renewal (${renews}): the change will be scheduled for then.`
        : 'Pax8 may refuse a decrease through its API for this product; if it does, the change is scheduled for the subscription\'s end date or failed if it has none.',
    });
  }
  if (s.billingTerm !== 'Monthly') warnings.push({ code: 'not-monthly', message: `This subscription is billed ${s.billingTerm ?? 'on an unknown term'}, not monthly.` });
  if (cost === null || price === null) warnings.push({ code: 'unpriced', message: 'Pax8 gave no monthly cost or price for this subscription: the money change is unknown.' });
  return {
    subscriptionId: s.id, fromQuantity: from, toQuantity,
    monthlyCostChange: cost === null ? null : usd(delta * cost),
    monthlyPriceChange: price === null ? null : usd(delta * price),
    warnings,
  };
}

/** A non-cancelled addition of an ACTIVE agreement of the client, billing the line's product. */
export interface SyncedAddition {
  id: string;
  agreementId: string;
  agreementName: string;
  description: string | null;
  quantity: number;
  unitPrice: number | null;
  billingCycle: string | null;
}

/** The addition a psa-quantity item changes: the given one, else the one with the largest quantity. */
export function pickAddition(additions: SyncedAddition[], chosen?: string): SyncedAddition | undefined {
  if (chosen !== undefined) return additions.find((a) => a.id === chosen);
  return [...additions].sort((a, b) => b.quantity - a.quantity || a.id.localeCompare(b.id))[0];
}

/**
 * "Bill N more seats": what the client is billed more (negative: less) a month at the addition's
 * monthly unit price (QUARTERLY / 3, ANNUAL / 12). What the MSP pays Pax8 does not change: 0.
 */
export function psaPreview(a: SyncedAddition, toQuantity: number): Preview {
  const delta = toQuantity - a.quantity;
  const price = billedMonthlyPrice(a.unitPrice, a.billingCycle);
  const warnings: Warning[] = [];
  if (a.billingCycle !== 'MONTHLY') warnings.push({ code: 'not-monthly', message: `This addition is billed ${a.billingCycle ?? 'on an unknown cycle'}, not monthly: the monthly change is its price spread over the cycle.` });
  if (price === null) warnings.push({ code: 'unpriced', message: 'PanelOne gave no unit price for this addition: the billing change is unknown.' });
  return {
    additionId: a.id, agreementId: a.agreementId, agreementName: a.agreementName, additionDescription: a.description,
    fromQuantity: a.quantity, toQuantity,
    monthlyCostChange: usd(0),
    monthlyPriceChange: price === null ? null : usd(delta * price),
    warnings,
  };
}

export interface Caps { maxSeatChange: number; maxMonthlyIncrease: number }

/**
 * Why an item needs confirmLarge under these caps (empty: it does not). Both types count seats;
 * the money cap counts what the MSP pays Pax8 more a month, so billing a client more
 * (psa-quantity, cost change 0) is held only by the seat cap.
 */
export function capWarnings(p: Pick<Preview, 'fromQuantity' | 'toQuantity' | 'monthlyCostChange'>, caps: Caps): Warning[] {
  const out: Warning[] = [];
  const seats = Math.abs(p.toQuantity - p.fromQuantity);
  if (seats > caps.maxSeatChange) out.push({ code: 'above-seat-cap', message: `Changes ${seats} seats, more than the cap of ${caps.maxSeatChange} (maxSeatChange): approving needs confirmLarge.` });
  const increase = p.monthlyCostChange?.amount ?? 0;
  if (increase > caps.maxMonthlyIncrease) {
    out.push({ code: 'above-money-cap', message: `Adds $${increase.toFixed(2)} a month, more than the cap of $${caps.maxMonthlyIncrease.toFixed(2)} (maxMonthlyIncrease): approving needs confirmLarge.` });
  }
  return out;
}

/** An action's state: its own until approved; then what its items say. */
export function actionStateOf(own: 'proposed' | 'approved' | 'cancelled', items: ActionState[]): ActionState {
  if (own !== 'approved') return own;
  if (items.some((s) => s === 'applying')) return 'applying';
  if (items.some((s) => s === 'approved')) return items.some((s) => FINAL_STATES.includes(s)) ? 'applying' : 'approved';
  if (items.some((s) => s === 'scheduled')) return 'scheduled';
  if (items.some((s) => s === 'failed')) return 'failed';
  if (items.some((s) => s === 'conflict')) return 'conflict';
  if (items.some((s) => s === 'applied')) return 'applied';
  return 'cancelled';
}
