// Monthly unit prices from Pax8 subscriptions, and money rounding.

/** Months covered by one payment of `price` per billing term; null = no recurring price. */
const MONTHS_PER_TERM: Record<string, number> = { Monthly: 1, Annual: 12, '2-Year': 24, '3-Year': 36 };

/** Pax8 `price` is per unit per billing term; One-Time, Trial, Activation and unknown terms have no monthly price. */
export function monthlyUnitPrice(price: number | null, billingTerm: string | null): number | null {
  if (price === null || !Number.isFinite(price)) return null;
  const months = billingTerm ? MONTHS_PER_TERM[billingTerm] : undefined;
  return months ? price / months : null;
}

export interface PricedQuantity {
  quantity: number;
  monthlyPrice: number | null;
}

/**
 * One unit price for a product line made of several subscriptions. When their prices differ,
 * the price is weighted by quantity (what the client pays per licence on average), so a line's
 * money equals what raising or lowering its licences in the same proportions would cost.
 * Subscriptions without a recurring price are left out; when none has one, the price is unknown.
 */
export function weightedMonthlyPrice(parts: PricedQuantity[]): number | null {
  const priced = parts.filter((p): p is { quantity: number; monthlyPrice: number } => p.monthlyPrice !== null);
  if (!priced.length) return null;
  const units = priced.reduce((sum, p) => sum + Math.max(p.quantity, 0), 0);
  if (units > 0) return priced.reduce((sum, p) => sum + Math.max(p.quantity, 0) * p.monthlyPrice, 0) / units;
  return priced.reduce((sum, p) => sum + p.monthlyPrice, 0) / priced.length;
}

export function roundCents(amount: number): number {
  // Half away from zero, the same for revenue (+) and overspend (-); 1e-9 absorbs float noise (2.675 -> 2.68).
  const rounded = (Math.sign(amount) * Math.round(Math.abs(amount) * 100 + 1e-9)) / 100;
  return rounded === 0 ? 0 : rounded;
}

export interface Money {
  amount: number;
  currency: 'USD';
}

export const usd = (amount: number): Money => ({ amount: roundCents(amount), currency: 'USD' });
export const usdOrNull = (amount: number | null): Money | null => (amount === null ? null : usd(amount));
