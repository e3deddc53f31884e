// The reconciliation of one snapshot: per client (PanelOne organization) and per per-device
// product line, billable devices against licensed quantity. Pure computation; the rows it
// produces are stored by ReconciliationWriter.
import type { CountingRules } from '../settings/rules.js';
import { monthlyUnitPrice, roundCents, weightedMonthlyPrice } from './money.js';

export const CLIENT_STATUSES = ['under-licensed', 'over-licensed', 'matched', 'unmapped'] as const;
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
  /** Sums over the client's lines: never netted against each other. */
  revenueAtRisk: number;
  overspend: number;
  unpricedSeats: number;
  /** Of unpricedSeats, those of under-licensed gaps (the rest are over-licensed ones). */
  unpricedUnderSeats: number;
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
  devices: number, licensedQuantity: number, weightedUnitPrice: number | null, tolerance: number,
): LineRow {
  const variance = devices - licensedQuantity;
  const status = lineStatus(variance, tolerance);
  const unitPriceMonthly = weightedUnitPrice === null ? null : roundCents(weightedUnitPrice);
  const monthlyImpact = unitPriceMonthly === null ? null : roundCents(variance * unitPriceMonthly);
  const gapAmount = (side: LineStatus) => (status !== side ? 0 : monthlyImpact === null ? null : Math.abs(monthlyImpact));
  return {
    organizationId, productId, productName, pax8CompanyId, devices, licensedQuantity, variance, status, unitPriceMonthly, monthlyImpact,
    revenueAtRisk: gapAmount('under-licensed'),
    overspend: gapAmount('over-licensed'),
    unpricedSeats: status !== 'matched' && unitPriceMonthly === null ? Math.abs(variance) : 0,
  };
}

/**
 * @param devices    per organization with devices in the snapshot
 * @param mapping    organization -> Pax8 company, for organizations mapped to a company
 * @param orgNames   names of mapped organizations (those without devices need one too)
 */
export function reconcileClients(
  devices: ClientDevices[],
  mapping: ReadonlyMap<string, string>,
  orgNames: ReadonlyMap<string, string>,
  subscriptions: Subscription[],
  rules: Pick<CountingRules, 'licensedStatuses' | 'matchedTolerance'>,
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
    const client = { organizationId, name, devices: billable, monthlyImpact: null, revenueAtRisk: 0, overspend: 0, unpricedSeats: 0, unpricedUnderSeats: 0, lineCount: 0, headlineProductId: null };
    if (!companyId) {
      // Not a licence gap until it is mapped: shown apart, no variance, no money.
      clients.push({ ...client, pax8CompanyId: null, licenses: null, variance: null, status: 'unmapped' });
      return;
    }
    const own: LineRow[] = [];
    for (const [productId, subs] of byCompany.get(companyId) ?? []) {
      const licensedQuantity = subs.reduce((sum, s) => sum + s.quantity, 0);
      own.push(line(organizationId, companyId, productId, subs[0].productName, billable, licensedQuantity,
        weightedMonthlyPrice(subs.map((s) => ({ quantity: s.quantity, monthlyPrice: monthlyUnitPrice(s.price, s.billingTerm) }))), rules.matchedTolerance));
    }
    lines.push(...own);
    if (!own.length) {
      // Mapped, but no per-device licence at all: every billable device is unlicensed; the money is unknown.
      const status = lineStatus(billable, rules.matchedTolerance);
      const unpriced = status === 'under-licensed' ? billable : 0;
      clients.push({ ...client, pax8CompanyId: companyId, licenses: 0, variance: billable, status, unpricedSeats: unpriced, unpricedUnderSeats: unpriced });
      return;
    }
    const status: ClientStatus = own.some((l) => l.status === 'under-licensed') ? 'under-licensed' : own.some((l) => l.status === 'over-licensed') ? 'over-licensed' : 'matched';
    // The line shown on the client row: the largest gap; on a tie the under-licensed one (it costs revenue), then by name.
    const headline = [...own].sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance) || b.variance - a.variance || a.productName.localeCompare(b.productName))[0];
    const impacts = own.map((l) => l.monthlyImpact).filter((m): m is number => m !== null);
    clients.push({
      ...client, pax8CompanyId: companyId, licenses: headline.licensedQuantity, variance: headline.variance, status,
      // The sum over the lines whose price is known; unknown only when no line has a price.
      monthlyImpact: impacts.length ? roundCents(impacts.reduce((a, b) => a + b, 0)) : null,
      revenueAtRisk: sumCents(own.map((l) => l.revenueAtRisk)),
      overspend: sumCents(own.map((l) => l.overspend)),
      unpricedSeats: own.reduce((sum, l) => sum + l.unpricedSeats, 0),
      unpricedUnderSeats: own.reduce((sum, l) => sum + (l.status === 'under-licensed' ? l.unpricedSeats : 0), 0),
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
