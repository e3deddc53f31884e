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

export interface LineRow {
  organizationId: string;
  productId: string;
  productName: string;
  pax8CompanyId: string;
  devices: number;
  licensedQuantity: number;
  variance: number;
  unitPriceMonthly: number | null;
  monthlyImpact: number | null;
}

export interface ClientRow {
  organizationId: string;
  name: string;
  pax8CompanyId: string | null;
  devices: number;
  licenses: number;
  variance: number;
  status: ClientStatus;
  monthlyImpact: number | null;
  lineCount: number;
  shownProductId: string | null;
}

export function lineStatus(variance: number, tolerance: number): 'under-licensed' | 'over-licensed' | 'matched' {
  if (Math.abs(variance) <= tolerance) return 'matched';
  return variance > 0 ? 'under-licensed' : 'over-licensed';
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
    if (!companyId) {
      clients.push({ organizationId, name, pax8CompanyId: null, devices: billable, licenses: 0, variance: billable, status: 'unmapped', monthlyImpact: null, lineCount: 0, shownProductId: null });
      return;
    }
    const own: LineRow[] = [];
    for (const [productId, subs] of byCompany.get(companyId) ?? []) {
      const licensedQuantity = subs.reduce((sum, s) => sum + s.quantity, 0);
      const variance = billable - licensedQuantity;
      const unitPriceMonthly = weightedMonthlyPrice(subs.map((s) => ({ quantity: s.quantity, monthlyPrice: monthlyUnitPrice(s.price, s.billingTerm) })));
      own.push({
        organizationId, productId, productName: subs[0].productName, pax8CompanyId: companyId, devices: billable, licensedQuantity, variance,
        unitPriceMonthly, monthlyImpact: unitPriceMonthly === null ? null : roundCents(variance * unitPriceMonthly),
      });
    }
    lines.push(...own);
    if (!own.length) {
      // Mapped, but no per-device licence at all: every billable device is unlicensed; money unknown.
      clients.push({ organizationId, name, pax8CompanyId: companyId, devices: billable, licenses: 0, variance: billable, status: lineStatus(billable, rules.matchedTolerance), monthlyImpact: null, lineCount: 0, shownProductId: null });
      return;
    }
    const statuses = own.map((l) => lineStatus(l.variance, rules.matchedTolerance));
    const status: ClientStatus = statuses.includes('under-licensed') ? 'under-licensed' : statuses.includes('over-licensed') ? 'over-licensed' : 'matched';
    // The line shown on the client row: the largest gap; on a tie the under-licensed one (it costs revenue), then by name.
    const shown = [...own].sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance) || b.variance - a.variance || a.productName.localeCompare(b.productName))[0];
    const impacts = own.map((l) => l.monthlyImpact).filter((m): m is number => m !== null);
    clients.push({
      organizationId, name, pax8CompanyId: companyId, devices: billable, licenses: shown.licensedQuantity, variance: shown.variance, status,
      // The sum over the lines whose price is known; unknown only when no line has a price.
      monthlyImpact: impacts.length ? roundCents(impacts.reduce((a, b) => a + b, 0)) : null,
      lineCount: own.length, shownProductId: shown.productId,
    });
  };

  for (const d of devices) add(d.organizationId, d.name, d.billable);
  // Mapped organizations without devices but with licences are over-licensed: list them too.
  for (const [organizationId, companyId] of mapping) {
    if (!seen.has(organizationId) && byCompany.has(companyId)) add(organizationId, orgNames.get(organizationId) ?? organizationId, 0);
  }
  return { clients, lines };
}
