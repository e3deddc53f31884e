// The reconciliation of one snapshot: per client (PanelOne organization) and per per-device
// product line, billable devices against licensed quantity. Pure computation; the rows it
// produces are stored by ReconciliationWriter.
import type { CountingRules } from '../settings/rules.js';
import { monthlyUnitPrice, roundCents, weightedMonthlyPrice } from './money.js';

export const CLIENT_STATUSES = ['under-licensed', 'over-licensed', 'matched', 'unmapped', 'accepted'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export interface ClientDevices {
  organizationId: string;
  name: string;
  /** Devices that pass the counting rules (mapped or not). */
  billable: number;
}

export interface Subscription {
  companyId: string;
  productId: string;
  productName: string;
  quantity: number;
  status: string | null;
  billingTerm: string | null;
  price: number | null;
  perDevice: boolean;
}

export type LineStatus = 'under-licensed' | 'over-licensed' | 'matched';

/** PSA billing (the third column): what the client is billed against what it uses. */
export const BILLING_STATUSES = ['under-billed', 'over-billed', 'billed'] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

/** One live billed line of the PSA (a non-cancelled addition of an ACTIVE agreement) whose catalog item bills a Pax8 product. */
export interface BilledAddition {
  organizationId: string;
  productId: string;
  quantity: number;
  /** Per unit per billing cycle. */
  unitPrice: number | null;
  billingCycle: string | null;
}

/**
 * A line's billed figures; every field null without PSA data (the setting off). With it, every
 * line of a mapped client has them (billed 0 when nothing bills the product).
 */
export interface LineBilling {
  billed: number | null;
  /** devices - billed: positive is under-billed (the MSP's lost revenue), negative over-billed. */
  billedVariance: number | null;
  /** licenses - billed: positive is licences the MSP pays Pax8 for and does not bill. */
  unbilledLicences: number | null;
  billingStatus: BillingStatus | null;
  /** Quantity-weighted monthly price of the billed additions (QUARTERLY / 3, ANNUAL / 12), rounded to the cent first; null: none has one. */
  billedUnitPriceMonthly: number | null;
  /** An under-billed line's amount (billedVariance x billedUnitPriceMonthly); 0 on any other line; null when the gap has no price. */
  underBilled: number | null;
  /** Seats of an under-billed gap without a price (never a silent $0). */
  unpricedUnderBilledSeats: number | null;
}

export const NO_BILLING: LineBilling = {
  billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, billedUnitPriceMonthly: null, underBilled: null, unpricedUnderBilledSeats: null,
};

const CYCLE_MONTHS: Record<string, number> = { MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12 };

/** A PSA addition's unitPrice is per unit per billing cycle; an unknown cycle has no monthly price. */
export function billedMonthlyPrice(unitPrice: number | null, billingCycle: string | null): number | null {
  if (unitPrice === null || !Number.isFinite(unitPrice)) return null;
  const months = billingCycle ? CYCLE_MONTHS[billingCycle] : undefined;
  return months ? unitPrice / months : null;
}

/** The billed figures of one line from the additions that bill its product. */
export function lineBilling(devices: number, licensedQuantity: number, additions: BilledAddition[], tolerance: number): LineBilling {
  const billed = additions.reduce((sum, a) => sum + a.quantity, 0);
  const billedVariance = devices - billed;
  const billingStatus: BillingStatus = Math.abs(billedVariance) <= tolerance ? 'billed' : billedVariance > 0 ? 'under-billed' : 'over-billed';
  const weighted = weightedMonthlyPrice(additions.map((a) => ({ quantity: a.quantity, monthlyPrice: billedMonthlyPrice(a.unitPrice, a.billingCycle) })));
  const price = weighted === null ? null : roundCents(weighted);
  const under = billingStatus === 'under-billed';
  return {
    billed, billedVariance, unbilledLicences: licensedQuantity - billed, billingStatus, billedUnitPriceMonthly: price,
    underBilled: !under ? 0 : price === null ? null : roundCents(billedVariance * price),
    unpricedUnderBilledSeats: under && price === null ? billedVariance : 0,
  };
}

/** The client's billed figures: the headline line's quantities; money and unpriced seats summed over its lines, never netted. */
export interface ClientBilling {
  billed: number | null;
  billedVariance: number | null;
  unbilledLicences: number | null;
  billingStatus: BillingStatus | null;
  /** Sum of the lines' under-billed money; 0 when nothing is (or no line); null only without PSA data. */
  underBilled: number | null;
  unpricedUnderBilledSeats: number | null;
}

const NO_CLIENT_BILLING: ClientBilling = { billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, underBilled: null, unpricedUnderBilledSeats: null };

/**
 * A gap's state on its line: `open`, or `accepted` (a live exception covers it); null on a
 * matched line. Actions will add `action-pending` / `action-applied` here.
 */
export const GAP_STATES = ['open', 'accepted'] as const;
export type GapState = (typeof GAP_STATES)[number];

export const EXCEPTION_REASONS = ['client-owned-licence', 'spare-on-purpose', 'device-retiring', 'not-billable', 'other'] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** An exception in force at reconcile time, as it is copied onto the line it covers (the version keeps it even after it is removed). */
export interface LineException {
  reason: ExceptionReason;
  note: string | null;
  /** Last day (YYYY-MM-DD, UTC) the exception holds; null: no end. */
  until: string | null;
  /** The signed variance that was accepted. */
  acceptedVariance: number;
  by: string;
  at: string;
}

export const gapKey = (organizationId: string, productId: string) => `${organizationId}\u0000${productId}`;

/** An exception covers a gap of the same sign whose size has not grown past the accepted one. */
export function covers(exception: Pick<LineException, 'acceptedVariance'>, status: LineStatus, variance: number): boolean {
  if (status === 'matched') return false;
  const accepted = exception.acceptedVariance;
  return Math.sign(accepted) === Math.sign(variance) && Math.abs(variance) <= Math.abs(accepted);
}

export interface LineRow extends LineBilling {
  organizationId: string;
  productId: string;
  productName: string;
  pax8CompanyId: string;
  devices: number;
  licensedQuantity: number;
  variance: number;
  status: LineStatus;
  /** Quantity-weighted monthly price of the line's counted subscriptions, rounded to the cent; null: none has a monthly price. */
  unitPriceMonthly: number | null;
  /** variance x unitPriceMonthly (signed; the old callers' figure). */
  monthlyImpact: number | null;
  /** An under-licensed line's amount: the MSP's lost revenue. 0 for any other line, null when the gap has no price. */
  revenueAtRisk: number | null;
  /** An over-licensed line's amount, as a positive number: what the client overpays. 0 for any other line, null when the gap has no price. */
  overspend: number | null;
  /** The seats of a gap whose line has no price (never a silent $0). */
  unpricedSeats: number;
  gapState: GapState | null;
  /** The exception that accepts this gap (only when gapState is accepted). */
  exception: LineException | null;
}

export interface ClientRow extends ClientBilling {
  organizationId: string;
  name: string;
  pax8CompanyId: string | null;
  devices: number;
  /** The headline line's licences (0 without a line); null for an unmapped organization. */
  licenses: number | null;
  variance: number | null;
  status: ClientStatus;
  monthlyImpact: number | null;
  /** Sums over the client's open gaps: never netted against each other. */
  revenueAtRisk: number;
  overspend: number;
  unpricedSeats: number;
  /** Of unpricedSeats, those of under-licensed gaps (the rest are over-licensed ones). */
  unpricedUnderSeats: number;
  /** The same sums over the accepted gaps, shown apart (in no total above). */
  acceptedRevenueAtRisk: number;
  acceptedOverspend: number;
  acceptedUnpricedSeats: number;
  lineCount: number;
  /** The product whose line the client-level licences and variance stand for. */
  headlineProductId: string | null;
}

export function lineStatus(variance: number, tolerance: number): LineStatus {
  if (Math.abs(variance) <= tolerance) return 'matched';
  return variance > 0 ? 'under-licensed' : 'over-licensed';
}

/** Sums amounts that are already whole cents, without float drift; unknown (null) amounts add nothing. */
function sumCents(amounts: Array<number | null>): number {
  return roundCents(amounts.reduce<number>((sum, a) => sum + (a === null ? 0 : Math.round(a * 100)), 0) / 100);
}

/** One product line: its variance, its unit price rounded to the cent first, and the money of its gap on the side it falls. */
export function line(
  organizationId: string, pax8CompanyId: string, productId: string, productName: string,
  devices: number, licensedQuantity: number, weightedUnitPrice: number | null, tolerance: number, exception: LineException | null = null,
): LineRow {
  const variance = devices - licensedQuantity;
  const status = lineStatus(variance, tolerance);
  const unitPriceMonthly = weightedUnitPrice === null ? null : roundCents(weightedUnitPrice);
  const monthlyImpact = unitPriceMonthly === null ? null : roundCents(variance * unitPriceMonthly);
  const gapAmount = (side: LineStatus) => (status !== side ? 0 : monthlyImpact === null ? null : Math.abs(monthlyImpact));
  const accepted = exception && covers(exception, status, variance) ? exception : null;
  return {
    ...NO_BILLING,
    organizationId, productId, productName, pax8CompanyId, devices, licensedQuantity, variance, status, unitPriceMonthly, monthlyImpact,
    revenueAtRisk: gapAmount('under-licensed'),
    overspend: gapAmount('over-licensed'),
    unpricedSeats: status !== 'matched' && unitPriceMonthly === null ? Math.abs(variance) : 0,
    gapState: status === 'matched' ? null : accepted ? 'accepted' : 'open',
    exception: accepted,
  };
}

/**
 * @param devices    per organization with devices in the snapshot
 * @param mapping    organization -> Pax8 company, for organizations mapped to a company
 * @param orgNames   names of mapped organizations (those without devices need one too)
 * @param exceptions the exceptions in force (by gapKey); one covers its line's gap while the gap has not grown or flipped sign
 */
export function reconcileClients(
  devices: ClientDevices[],
  mapping: ReadonlyMap<string, string>,
  orgNames: ReadonlyMap<string, string>,
  subscriptions: Subscription[],
  rules: Pick<CountingRules, 'licensedStatuses' | 'matchedTolerance'>,
  exceptions: ReadonlyMap<string, LineException> = new Map(),
  /** What the PSA bills, when PSA billing is on; null: off (every billed field null). */
  billing: BilledAddition[] | null = null,
): { clients: ClientRow[]; lines: LineRow[] } {
  const billedBy = new Map<string, BilledAddition[]>();
  for (const a of billing ?? []) {
    const key = gapKey(a.organizationId, a.productId);
    const list = billedBy.get(key);
    if (list) list.push(a);
    else billedBy.set(key, [a]);
  }
  const withBilling = (l: LineRow): LineRow => (billing === null ? l
    : { ...l, ...lineBilling(l.devices, l.licensedQuantity, billedBy.get(gapKey(l.organizationId, l.productId)) ?? [], rules.matchedTolerance) });
  const clientBilling = (own: LineRow[], headline: LineRow | undefined): ClientBilling => {
    if (billing === null) return NO_CLIENT_BILLING;
    const status: BillingStatus | null = !own.length ? null : own.some((l) => l.billingStatus === 'under-billed') ? 'under-billed'
      : own.some((l) => l.billingStatus === 'over-billed') ? 'over-billed' : 'billed';
    return {
      billed: headline?.billed ?? null, billedVariance: headline?.billedVariance ?? null, unbilledLicences: headline?.unbilledLicences ?? null, billingStatus: status,
      underBilled: sumCents(own.map((l) => l.underBilled)), unpricedUnderBilledSeats: own.reduce((sum, l) => sum + (l.unpricedUnderBilledSeats ?? 0), 0),
    };
  };
  const licensed = new Set(rules.licensedStatuses);
  // company -> product -> the subscriptions that count as licences for it
  const byCompany = new Map<string, Map<string, Subscription[]>>();
  for (const s of subscriptions) {
    if (!s.perDevice || !s.status || !licensed.has(s.status)) continue;
    let products = byCompany.get(s.companyId);
    if (!products) byCompany.set(s.companyId, (products = new Map()));
    const list = products.get(s.productId);
    if (list) list.push(s);
    else products.set(s.productId, [s]);
  }

  const clients: ClientRow[] = [];
  const lines: LineRow[] = [];
  const seen = new Set<string>();
  const add = (organizationId: string, name: string, billable: number) => {
    seen.add(organizationId);
    const companyId = mapping.get(organizationId);
    const client = { ...NO_CLIENT_BILLING, organizationId, name, devices: billable, monthlyImpact: null, revenueAtRisk: 0, overspend: 0, unpricedSeats: 0, unpricedUnderSeats: 0,
      acceptedRevenueAtRisk: 0, acceptedOverspend: 0, acceptedUnpricedSeats: 0, lineCount: 0, headlineProductId: null };
    if (!companyId) {
      // Not a licence gap until it is mapped: shown apart, no variance, no money.
      clients.push({ ...client, pax8CompanyId: null, licenses: null, variance: null, status: 'unmapped' });
      return;
    }
    const own: LineRow[] = [];
    for (const [productId, subs] of byCompany.get(companyId) ?? []) {
      const licensedQuantity = subs.reduce((sum, s) => sum + s.quantity, 0);
      own.push(withBilling(line(organizationId, companyId, productId, subs[0].productName, billable, licensedQuantity,
        weightedMonthlyPrice(subs.map((s) => ({ quantity: s.quantity, monthlyPrice: monthlyUnitPrice(s.price, s.billingTerm) }))), rules.matchedTolerance,
        exceptions.get(gapKey(organizationId, productId)) ?? null)));
    }
    lines.push(...own);
    if (!own.length) {
      // Mapped, but no per-device licence at all: every billable device is unlicensed; the money is unknown.
      const status = lineStatus(billable, rules.matchedTolerance);
      const unpriced = status === 'under-licensed' ? billable : 0;
      clients.push({ ...client, ...clientBilling([], undefined), pax8CompanyId: companyId, licenses: 0, variance: billable, status, unpricedSeats: unpriced, unpricedUnderSeats: unpriced });
      return;
    }
    // Accepted gaps leave the client's status and money: what is left open decides.
    const open = own.filter((l) => l.gapState !== 'accepted');
    const accepted = own.filter((l) => l.gapState === 'accepted');
    const status: ClientStatus = open.some((l) => l.status === 'under-licensed') ? 'under-licensed'
      : open.some((l) => l.status === 'over-licensed') ? 'over-licensed' : accepted.length ? 'accepted' : 'matched';
    // The line shown on the client row: the largest gap still open (accepted ones last); on a tie the under-licensed one (it costs revenue), then by name.
    const headline = [...own].sort((a, b) => Number(a.gapState === 'accepted') - Number(b.gapState === 'accepted')
      || Math.abs(b.variance) - Math.abs(a.variance) || b.variance - a.variance || a.productName.localeCompare(b.productName))[0];
    const impacts = own.map((l) => l.monthlyImpact).filter((m): m is number => m !== null);
    clients.push({
      ...client, ...clientBilling(own, headline), pax8CompanyId: companyId, licenses: headline.licensedQuantity, variance: headline.variance, status,
      // The sum over the lines whose price is known; unknown only when no line has a price.
      monthlyImpact: impacts.length ? roundCents(impacts.reduce((a, b) => a + b, 0)) : null,
      revenueAtRisk: sumCents(open.map((l) => l.revenueAtRisk)),
      overspend: sumCents(open.map((l) => l.overspend)),
      unpricedSeats: open.reduce((sum, l) => sum + l.unpricedSeats, 0),
      unpricedUnderSeats: open.reduce((sum, l) => sum + (l.status === 'under-licensed' ? l.unpricedSeats : 0), 0),
      acceptedRevenueAtRisk: sumCents(accepted.map((l) => l.revenueAtRisk)),
      acceptedOverspend: sumCents(accepted.map((l) => l.overspend)),
      acceptedUnpricedSeats: accepted.reduce((sum, l) => sum + l.unpricedSeats, 0),
      lineCount: own.length, headlineProductId: headline.productId,
    });
  };

  for (const d of devices) add(d.organizationId, d.name, d.billable);
  // Mapped organizations without devices but with licences are over-licensed: list them too.
  for (const [organizationId, companyId] of mapping) {
    if (!seen.has(organizationId) && byCompany.has(companyId)) add(organizationId, orgNames.get(organizationId) ?? organizationId, 0);
  }
  return { clients, lines };
}
