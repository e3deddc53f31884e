// The reconciliation of one snapshot: per client (PanelOne organization) and per per-device
// product line, billable devices against licensed quantity. Pure computation (`reconcileClients`)
// plus the one function that replaces a snapshot's stored rows (`writeReconciliation`), which
// runs on whatever connection holds the caller's transaction.
import { suggestPerDevice } from '../mapping/per-device.js';
import { rowsOf, type CountingRules, type Queryable } from '../settings/rules.js';
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

/** Organization -> Pax8 company for every organization whose (suggested or confirmed) company still exists. */
export async function loadMapping(q: Queryable, tenantId: string): Promise<{ mapping: Map<string, string>; names: Map<string, string> }> {
  const rows = rowsOf<{ organization_id: string; pax8_company_id: string; name: string | null }>(await q.query(
    `SELECT m.organization_id, m.pax8_company_id, o.name
       FROM client_mapping m
       JOIN pax8_company c ON c.tenant_id = m.tenant_id AND c.id = m.pax8_company_id AND c.removed_at IS NULL
       LEFT JOIN panelone_organization o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id
      WHERE m.tenant_id = $1 AND m.state IN ('suggested', 'confirmed') AND m.pax8_company_id IS NOT NULL`,
    [tenantId],
  ));
  return {
    mapping: new Map(rows.map((r) => [r.organization_id, r.pax8_company_id])),
    names: new Map(rows.map((r) => [r.organization_id, r.name ?? r.organization_id])),
  };
}

/** Recomputes the stored reconciliation of one snapshot, replacing its rows. Run inside a transaction. */
export async function writeReconciliation(q: Queryable, tenantId: string, snapshotId: string, rules: CountingRules): Promise<number> {
  const devices = rowsOf<{ organization_id: string; organization_name: string; billable_count: number }>(await q.query(
    `SELECT organization_id, organization_name, billable_count FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2`,
    [tenantId, snapshotId],
  ));
  const { mapping, names } = await loadMapping(q, tenantId);
  const subs = rowsOf<{ company_id: string; product_id: string; product_name: string; quantity: string; status: string | null; billing_term: string | null; price: string | null; per_device: boolean | null }>(await q.query(
    `SELECT s.company_id, s.product_id, COALESCE(p.name, s.product_name, s.product_id) AS product_name, s.quantity, s.status, s.billing_term, s.price, ps.per_device
       FROM pax8_subscription s
       LEFT JOIN pax8_product p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
       LEFT JOIN product_setting ps ON ps.tenant_id = s.tenant_id AND ps.product_id = s.product_id
      WHERE s.tenant_id = $1 AND s.removed_at IS NULL AND s.company_id = ANY($2::text[]) AND s.status = ANY($3::text[])`,
    [tenantId, [...new Set(mapping.values())], rules.licensedStatuses],
  ));
  const { clients, lines } = reconcileClients(
    devices.map((d) => ({ organizationId: d.organization_id, name: d.organization_name, billable: d.billable_count })),
    mapping,
    names,
    subs.map((s) => ({
      companyId: s.company_id, productId: s.product_id, productName: s.product_name, quantity: Number(s.quantity), status: s.status,
      billingTerm: s.billing_term, price: s.price === null ? null : Number(s.price), perDevice: s.per_device ?? suggestPerDevice(s.product_name),
    })),
    rules,
  );
  await q.query(`DELETE FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2`, [tenantId, snapshotId]);
  await q.query(`DELETE FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2`, [tenantId, snapshotId]);
  if (lines.length) {
    await q.query(
      `INSERT INTO reconciliation_line (tenant_id, snapshot_id, organization_id, product_id, product_name, pax8_company_id, devices, licensed_quantity, variance, unit_price_monthly, monthly_impact)
       SELECT $1, $2, x."organizationId", x."productId", x."productName", x."pax8CompanyId", x.devices, x."licensedQuantity", x.variance, x."unitPriceMonthly", x."monthlyImpact"
         FROM jsonb_to_recordset($3::jsonb) AS x("organizationId" text, "productId" text, "productName" text, "pax8CompanyId" text, devices int, "licensedQuantity" numeric, variance numeric, "unitPriceMonthly" numeric, "monthlyImpact" numeric)`,
      [tenantId, snapshotId, JSON.stringify(lines)],
    );
  }
  if (clients.length) {
    await q.query(
      `INSERT INTO reconciliation_client (tenant_id, snapshot_id, organization_id, name, pax8_company_id, devices, licenses, variance, status, monthly_impact, line_count, shown_product_id)
       SELECT $1, $2, x."organizationId", x.name, x."pax8CompanyId", x.devices, x.licenses, x.variance, x.status, x."monthlyImpact", x."lineCount", x."shownProductId"
         FROM jsonb_to_recordset($3::jsonb) AS x("organizationId" text, name text, "pax8CompanyId" text, devices int, licenses numeric, variance numeric, status text, "monthlyImpact" numeric, "lineCount" int, "shownProductId" text)`,
      [tenantId, snapshotId, JSON.stringify(clients)],
    );
  }
  return clients.length;
}
