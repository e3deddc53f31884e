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

export interface LineRow {
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

export interface ClientRow {
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
): { clients: ClientRow[]; lines: LineRow[] } {
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
    const client = { organizationId, name, devices: billable, monthlyImpact: null, revenueAtRisk: 0, overspend: 0, unpricedSeats: 0, unpricedUnderSeats: 0,
      acceptedRevenueAtRisk: 0, acceptedOverspend: 0, acceptedUnpricedSeats: 0, lineCount: 0, headlineProductId: null };
    if (!companyId) {
      // Not a licence gap until it is mapped: shown apart, no variance, no money.
      clients.push({ ...client, pax8CompanyId: null, licenses: null, variance: null, status: 'unmapped' });
      return;
    }
    const own: LineRow[] = [];
    for (const [productId, subs] of byCompany.get(companyId) ?? []) {
      const licensedQuantity = subs.reduce((sum, s) => sum + s.quantity, 0);
      own.push(line(organizationId, companyId, productId, subs[0].productName, billable, licensedQuantity,
        weightedMonthlyPrice(subs.map((s) => ({ quantity: s.quantity, monthlyPrice: monthlyUnitPrice(s.price, s.billingTerm) }))), rules.matchedTolerance,
        exceptions.get(gapKey(organizationId, productId)) ?? null));
    }
    lines.push(...own);
    if (!own.length) {
      // Mapped, but no per-device licence at all: every billable device is unlicensed; the money is unknown.
      const status = lineStatus(billable, rules.matchedTolerance);
      const unpriced = status === 'under-licensed' ? billable : 0;
      clients.push({ ...client, pax8CompanyId: companyId, licenses: 0, variance: billable, status, unpricedSeats: unpriced, unpricedUnderSeats: unpriced });
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
      ...client, pax8CompanyId: companyId, licenses: headline.licensedQuantity, variance: headline.variance, status,
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
