// What the MSP bills its clients, as PanelOne's PSA holds it (docs/contracts-panelone.md,
// "Billing API"): a PSA catalog, agreements per organization, and the agreements' additions
// (billed lines). Generated from the rest of the world with its own random stream, so adding
// it changed nothing that was generated before it.
//
// The demo world gets, per mapped client with per-device licences, a billing scenario: billed
// less than its devices (under-billed), more (over-billed), exactly, or fewer than its licences
// (licences it does not bill). Noise that must not count: inactive agreements, cancelled
// additions; one product billed over two agreements; quarterly and annual cycles.
import type { ClientTruth, Product } from './dataset.js';
import { CATALOG } from './names.js';
import { intBetween, mulberry32, pick } from './random.js';

export const AGREEMENT_STATUSES = ['ACTIVE', 'INACTIVE', 'CANCELLED'] as const;
export const BILLING_CYCLES = ['MONTHLY', 'QUARTERLY', 'ANNUAL'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];
export const CYCLE_MONTHS: Record<BillingCycle, number> = { MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12 };

export interface PsaCatalogItem { id: string; sku: string; name: string; category: string }
export interface Agreement {
  id: string;
  organizationId: string;
  name: string;
  status: (typeof AGREEMENT_STATUSES)[number];
  startDate: string;
  endDate: string | null;
}
export interface Addition {
  id: string;
  agreementId: string;
  catalogItemId: string;
  description: string;
  sku: string | null;
  quantity: number;
  /** Per unit per billing cycle. */
  unitPrice: number;
  currency: 'USD';
  billingCycle: BillingCycle;
  effectiveDate: string;
  cancelledDate: string | null;
  /** Moves on every change; sent back as If-Match. */
  version: number;
}
export type BillingScenario = 'under-billed' | 'over-billed' | 'billed' | 'unbilled-licences';
/** Ground truth as generated: per client line, the quantity billed on ACTIVE agreements' live additions. */
export interface BillingTruth { organizationId: string; productId: string; scenario: BillingScenario; devices: number; licenses: number; billed: number }

export interface BillingWorld {
  catalog: PsaCatalogItem[];
  agreements: Agreement[];
  additions: Addition[];
  truth: BillingTruth[];
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The PSA's own spelling of a product name: what a normalised-name suggestion must see through. */
const psaSpelling = (name: string) => name.toUpperCase().replace(/[()]/g, '').replace(/ - /g, ' / ');

export function generateBilling(seed: number, now: number, products: Product[], clients: ClientTruth[]): BillingWorld {
  const rng = mulberry32((seed ^ 0x5eedb111) >>> 0);
  const catalog: PsaCatalogItem[] = [];
  const itemFor = new Map<string, PsaCatalogItem>();
  products.forEach((product, i) => {
    const source = CATALOG[i];
    if (!source || source.flatRate) return;
    // Half the items carry the Pax8 SKU (suggested by SKU), the rest the PSA's own SKU and a name
    // that matches only after normalisation.
    const bySku = i % 2 === 0;
    const item = {
      id: `item-${String(catalog.length + 1).padStart(4, '0')}`,
      sku: bySku ? product.sku : `P1-${source.category.toUpperCase()}-${catalog.length + 1}`,
      name: bySku ? product.name : psaSpelling(product.name),
      category: source.perDevice ? 'Security & backup' : 'Cloud',
    };
    catalog.push(item);
    itemFor.set(product.id, item);
  });
  // Items of the MSP's own that map to no Pax8 product: listed, never dropped.
  catalog.push({ id: `item-${String(catalog.length + 1).padStart(4, '0')}`, sku: 'MSP-MWS', name: 'Managed Workstation Bundle', category: 'Managed services' });
  catalog.push({ id: `item-${String(catalog.length + 1).padStart(4, '0')}`, sku: 'MSP-ONSITE-HR', name: 'Onsite Support (hourly)', category: 'Labour' });
  const monthlySrp = new Map(products.map((p, i) => [p.id, CATALOG[i]?.monthlySrp ?? 5]));

  const agreements: Agreement[] = [];
  const additions: Addition[] = [];
  const truth: BillingTruth[] = [];
  const addAgreement = (organizationId: string, name: string, status: Agreement['status']): Agreement => {
    const start = now - intBetween(rng, 60, 900) * DAY;
    const agreement: Agreement = {
      id: `agr-${String(agreements.length + 1).padStart(5, '0')}`, organizationId, name, status,
      startDate: isoDay(start), endDate: status === 'ACTIVE' ? null : isoDay(Math.min(now - DAY, start + intBetween(rng, 30, 365) * DAY)),
    };
    agreements.push(agreement);
    return agreement;
  };
  const addAddition = (agreement: Agreement, productId: string, quantity: number, cycle: BillingCycle, cancelled = false) => {
    const item = itemFor.get(productId)!;
    const effective = Date.parse(agreement.startDate) + intBetween(rng, 0, 20) * DAY;
    additions.push({
      id: `add-${String(additions.length + 1).padStart(6, '0')}`, agreementId: agreement.id, catalogItemId: item.id, description: item.name,
      sku: rng() < 0.9 ? item.sku : null, quantity,
      // The MSP's price: a markup on the retail price, per unit per cycle.
      unitPrice: round2(round2((monthlySrp.get(productId) ?? 5) * 1.4) * CYCLE_MONTHS[cycle]),
      currency: 'USD', billingCycle: cycle, effectiveDate: isoDay(Math.min(effective, now - DAY)),
      cancelledDate: cancelled ? isoDay(now - intBetween(rng, 2, 60) * DAY) : null, version: intBetween(rng, 1, 4),
    });
  };
  const scenarios: BillingScenario[] = ['under-billed', 'over-billed', 'billed', 'unbilled-licences'];
  let placed = 0;
  for (const client of clients) {
    if (!client.organizationId || !client.companyId) continue;
    const lines = client.lines.filter((l) => l.quantity > 0 && itemFor.has(l.productId));
    if (!lines.length) continue;
    const main = addAgreement(client.organizationId, 'Managed Services Agreement', 'ACTIVE');
    // A second, security agreement for some: a product billed over two agreements.
    const second = rng() < 0.25 ? addAgreement(client.organizationId, 'Security Add-on Agreement', 'ACTIVE') : null;
    // The first clients take each scenario in turn, so every one is present; the rest draw.
    const scenario = placed < scenarios.length ? scenarios[placed++] : pick(rng, scenarios);
    for (const line of lines) {
      const devices = client.billableDevices;
      const gap = Math.max(1, Math.round(Math.max(devices, line.quantity) * (0.05 + rng() * 0.15)));
      const billed = scenario === 'under-billed' ? Math.max(0, devices - gap)
        : scenario === 'over-billed' ? devices + gap
          : scenario === 'billed' ? devices
            : Math.max(0, Math.min(devices, line.quantity - gap));
      const cycle: BillingCycle = rng() < 0.75 ? 'MONTHLY' : rng() < 0.5 ? 'QUARTERLY' : 'ANNUAL';
      if (second && billed >= 2) {
        const onSecond = intBetween(rng, 1, billed - 1);
        addAddition(main, line.productId, billed - onSecond, cycle);
        addAddition(second, line.productId, onSecond, 'MONTHLY');
      } else if (billed > 0) {
        addAddition(main, line.productId, billed, cycle);
      }
      if (rng() < 0.3) addAddition(main, line.productId, intBetween(rng, 1, 10), 'MONTHLY', true);
      truth.push({ organizationId: client.organizationId, productId: line.productId, scenario, devices, licenses: line.quantity, billed });
    }
    if (rng() < 0.3) {
      const old = addAgreement(client.organizationId, 'Managed Services Agreement (previous term)', pick(rng, ['INACTIVE', 'CANCELLED'] as const));
      addAddition(old, lines[0].productId, intBetween(rng, 1, 40), 'MONTHLY');
    }
  }
  return { catalog, agreements, additions, truth };
}
