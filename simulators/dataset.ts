// One consistent, seeded world for both simulators: MSP clients that exist as PanelOne
// organizations and/or Pax8 companies, their contacts, a product catalog with pricing,
// subscriptions, and RMM devices.
//
// Devices live in devices.ts (computed by index). Tests may mutate the world through
// `devices.add/update/remove` and the plain arrays (e.g. change a subscription's quantity).
import { intBetween, mulberry32, pick, type Rng, uuidFrom } from './random.js';
import { DAY, DeviceStore, countBillable, type Organization } from './devices.js';
import { generateBilling, type BillingWorld } from './billing-data.js';
import { CATALOG, CITIES, CLIENT_CORES, FIRST_NAMES, INDUSTRIES, LAST_NAMES, LEGAL_SUFFIXES } from './names.js';

export * from './devices.js';
export * from './billing-data.js';

export interface Address { street: string; street2?: string; city: string; stateOrProvince: string; postalCode: string; country: string }
export interface Company {
  id: string;
  name: string;
  address: Address;
  phone: string;
  website: string;
  externalId?: string;
  billOnBehalfOfEnabled: boolean;
  selfServiceAllowed: boolean;
  orderApprovalRequired: boolean;
  status: 'Active' | 'Inactive' | 'Deleted';
  updatedDate: string;
}
export interface Contact {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  createdDate: string;
  types: Array<{ type: 'Admin' | 'Billing' | 'Technical'; primary: boolean }>;
}
export interface Product {
  id: string;
  name: string;
  vendorName: string;
  shortDescription: string;
  description: string;
  sku: string;
  vendorSku: string;
  requiresCommitment: boolean;
}
export interface ProductMeta {
  perDevice: boolean;
  category: string;
  /**
   * Whether Pax8 takes a quantity decrease of this product through the API (outside a
   * commitment term): Microsoft products and a few others yes, most non-Microsoft products no.
   */
  decreaseThroughApi: boolean;
}
export interface Rate {
  partnerBuyRate: number;
  suggestedRetailPrice: number;
  startQuantityRange: number;
  endQuantityRange?: number;
  chargeType: 'Per Unit' | 'Flat Rate';
}
export interface Pricing {
  productId: string;
  productName: string;
  billingTerm: string;
  commitmentTerm?: string;
  commitmentTermInMonths?: number;
  type: 'Flat' | 'Volume' | 'Tiered' | 'Mark-Up';
  unitOfMeasurement: string;
  rates: Rate[];
}
export interface Subscription {
  id: string;
  companyId: string;
  productId: string;
  productName: string;
  quantity: number;
  status: string;
  billingTerm: string;
  /** Price to the customer per unit per billing term (Annual: per year). */
  price: number;
  partnerCost: number;
  currencyCode: 'USD';
  startDate: string;
  endDate?: string;
  createdDate: string;
  updatedDate: string;
  billingStart: string;
  commitmentTerm?: { id: string; term: string; endDate: string };
}
export type MatchKind = 'externalRef' | 'exactName' | 'normalisedName' | 'orgOnly' | 'companyOnly';
export type Scenario = 'under' | 'over' | 'matched' | 'no-per-device' | 'unmapped';
/** Ground truth as generated (not updated when a test mutates the world). */
export interface ClientTruth {
  organizationId: string | null;
  companyId: string | null;
  match: MatchKind;
  scenario: Scenario;
  billableDevices: number;
  /** Per per-device product: Active quantity and variance = billable - quantity. */
  lines: Array<{ productId: string; quantity: number; variance: number }>;
}

export interface DatasetOptions {
  seed?: number;
  profile?: 'demo' | 'scale';
  clients?: number;
  devices?: number;
  subscriptions?: number;
  /** "Now" for lastContact and dates (ms or Date); default Date.now(). */
  now?: number | Date;
}

export const PROFILES = {
  demo: { clients: 40, devices: 3000, subscriptions: 0 },
  scale: { clients: 2000, devices: 250_000, subscriptions: 12_000 },
} as const;

export interface Dataset {
  readonly seed: number;
  readonly now: number;
  readonly profile: string;
  organizations: Organization[];
  companies: Company[];
  /** Contacts by company id. */
  contacts: Record<string, Contact[]>;
  products: Product[];
  productMeta: Record<string, ProductMeta>;
  /** Pricing entries by product id (one per billing term offered). */
  pricing: Record<string, Pricing[]>;
  subscriptions: Subscription[];
  devices: DeviceStore;
  clients: ClientTruth[];
  /** What the clients are billed in PanelOne's PSA (agreements, additions, catalog). */
  billing: BillingWorld;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
const round2 = (n: number) => Math.round(n * 100) / 100;

function uniqueClientNames(rng: Rng, count: number): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  while (names.length < count) {
    const core = pick(rng, CLIENT_CORES);
    const industry = pick(rng, INDUSTRIES);
    let name = `${core} ${industry}`;
    if (seen.has(name.toLowerCase())) name = `${name} of ${pick(rng, CITIES)[0]}`;
    if (seen.has(name.toLowerCase())) name = `${name} ${names.length + 1}`;
    seen.add(name.toLowerCase());
    names.push(name);
  }
  return names;
}

/** A variant that equals `name` only after case, punctuation and legal-suffix normalisation. */
function normalisationVariant(rng: Rng, core: string, suffix: string): [string, string] {
  const variants: Array<[string, string]> = [
    [`${core}, ${suffix || 'LLC'}`, core.toUpperCase()],
    [`${core} ${suffix || 'Inc.'}`, `${core.toLowerCase()}`],
    [`${core}, L.L.C.`, `${core} LLC`],
    [`${core} Inc`, `${core.replace(/ /g, '  ')}, Inc.`],
    [`${core} GmbH`, `${core.toUpperCase()} GMBH`],
  ];
  return pick(rng, variants);
}

function matchKinds(rng: Rng, clients: number): MatchKind[] {
  const unmatched = Math.max(clients >= 10 ? 2 : 0, Math.round(clients * 0.05));
  const kinds: MatchKind[] = [];
  for (let i = 0; i < unmatched; i++) kinds.push('orgOnly', 'companyOnly');
  const rest = clients - kinds.length;
  const byRef = Math.round(rest * 0.25);
  const normalised = Math.round(rest * 0.2);
  for (let i = 0; i < byRef; i++) kinds.push('externalRef');
  for (let i = 0; i < normalised; i++) kinds.push('normalisedName');
  while (kinds.length < clients) kinds.push('exactName');
  // Fisher-Yates, then keep the two hostile names at known kinds (see below).
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds.slice(0, clients);
}

export function generateDataset(options: DatasetOptions = {}): Dataset {
  const profile = options.profile ?? 'demo';
  const base = PROFILES[profile];
  const seed = (options.seed ?? 42) >>> 0;
  const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? Date.now());
  const clientCount = options.clients ?? base.clients;
  const deviceTotal = options.devices ?? base.devices;
  const subscriptionTarget = options.subscriptions ?? base.subscriptions;
  const rng = mulberry32(seed);

  // Catalog first, so its ids do not depend on the client count.
  const products: Product[] = [];
  const productMeta: Record<string, ProductMeta> = {};
  const pricing: Record<string, Pricing[]> = {};
  for (const item of CATALOG) {
    const id = uuidFrom(rng);
    products.push({
      id, name: item.name, vendorName: item.vendor, sku: item.sku, vendorSku: item.vendorSku,
      shortDescription: item.short, description: `${item.short} Sold per ${item.unit.toLowerCase()}.`,
      requiresCommitment: item.terms.length === 1 && item.terms[0] !== 'Monthly',
    });
    productMeta[id] = { perDevice: item.perDevice, category: item.category, decreaseThroughApi: item.vendor === 'Microsoft' || item.apiDecrease === true };
    pricing[id] = item.terms.map((term) => {
      const months = term === 'Annual' ? 12 : term === '2-Year' ? 24 : term === '3-Year' ? 36 : 1;
      const discount = months >= 12 ? 0.95 : 1;
      const srp = round2(item.monthlySrp * months * discount);
      const buy = round2(srp * 0.78);
      const entry: Pricing = {
        productId: id, productName: item.name, billingTerm: term, type: item.volume ? 'Volume' : 'Flat',
        unitOfMeasurement: item.unit, rates: [],
      };
      if (months > 1) { entry.commitmentTerm = term === 'Annual' ? '1-Year' : term; entry.commitmentTermInMonths = months; }
      if (item.flatRate) {
        entry.rates.push({ partnerBuyRate: buy, suggestedRetailPrice: srp, startQuantityRange: 1, chargeType: 'Flat Rate' });
      } else if (item.volume) {
        entry.rates.push({ partnerBuyRate: buy, suggestedRetailPrice: srp, startQuantityRange: 1, endQuantityRange: 49, chargeType: 'Per Unit' });
        entry.rates.push({ partnerBuyRate: round2(buy * 0.9), suggestedRetailPrice: round2(srp * 0.92), startQuantityRange: 50, chargeType: 'Per Unit' });
      } else {
        entry.rates.push({ partnerBuyRate: buy, suggestedRetailPrice: srp, startQuantityRange: 1, chargeType: 'Per Unit' });
      }
      return entry;
    });
  }
  // Flat-rate items (a site fee) stay in the catalog but get no generated subscriptions.
  const subscribable = products.filter((_, i) => !CATALOG[i].flatRate);
  const perDeviceProducts = subscribable.filter((p) => productMeta[p.id].perDevice);
  const perUserProducts = subscribable.filter((p) => !productMeta[p.id].perDevice);

  // Clients: organizations and companies.
  const names = uniqueClientNames(rng, clientCount);
  const kinds = matchKinds(rng, clientCount);
  const organizations: Organization[] = [];
  const companies: Company[] = [];
  const contacts: Record<string, Contact[]> = {};
  const clients: ClientTruth[] = [];
  const hostPrefixes: string[] = [];
  let firstOrgOnly = true;
  let firstCompanyOnly = true;
  let hostilePlaced = false;
  names.forEach((core, k) => {
    const kind = kinds[k];
    const suffix = pick(rng, LEGAL_SUFFIXES);
    let orgName = suffix ? `${core} ${suffix}` : core;
    let companyName = orgName;
    let externalRef: string | null = null;
    let externalId: string | undefined;
    let location = pick(rng, CITIES);
    if (kind === 'externalRef') {
      externalRef = `PSA-${10000 + k}`;
      externalId = externalRef;
      companyName = `${core} (${location[0]} office)`;
    } else if (kind === 'normalisedName') {
      [orgName, companyName] = normalisationVariant(rng, core, suffix);
    } else if (kind === 'exactName') {
      if (!hostilePlaced) { orgName = companyName = '<img src=x onerror=alert(1)> Imaging LLC'; hostilePlaced = true; }
      if (rng() < 0.4) externalId = `CW-${intBetween(rng, 100, 999)}`; // a PSA id no organization carries
    } else if (kind === 'orgOnly' && firstOrgOnly) {
      orgName = '=HYPERLINK("http://x","y")'; firstOrgOnly = false;
    } else if (kind === 'companyOnly' && firstCompanyOnly) {
      companyName = `+cmd|' /C calc'!A0 "Holdings" & Co`; firstCompanyOnly = false;
    }
    let organizationId: string | null = null;
    let companyId: string | null = null;
    if (kind !== 'companyOnly') {
      organizationId = `org-${String(organizations.length + 1).padStart(5, '0')}`;
      organizations.push({ id: organizationId, name: orgName, externalRef });
      hostPrefixes.push((orgName.replace(/[^A-Za-z]/g, '').slice(0, 5) || 'HOST').toUpperCase());
    }
    if (kind !== 'orgOnly') {
      companyId = uuidFrom(rng);
      if (suffix === 'GmbH' || orgName.includes('GmbH')) location = ['Munich', 'BY', 'DE'];
      const [city, state, country] = location;
      const slug = core.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'client';
      const company: Company = {
        id: companyId, name: companyName,
        address: { street: `${intBetween(rng, 100, 9999)} ${pick(rng, ['Main St', 'Commerce Ave', 'Oak Blvd', 'Industrial Pkwy', 'Market St'])}`, city, stateOrProvince: state, postalCode: String(intBetween(rng, 10000, 99999)), country },
        phone: `${intBetween(rng, 200, 989)}-555-${String(intBetween(rng, 0, 9999)).padStart(4, '0')}`,
        website: `https://www.${slug}.example.com`,
        billOnBehalfOfEnabled: rng() < 0.3, selfServiceAllowed: rng() < 0.2, orderApprovalRequired: rng() < 0.1,
        status: kind === 'companyOnly' && !firstCompanyOnly && rng() < 0.5 ? 'Inactive' : 'Active',
        updatedDate: isoTime(now - intBetween(rng, 1, 400) * DAY),
      };
      if (externalId !== undefined) company.externalId = externalId;
      companies.push(company);
      contacts[companyId] = makeContacts(rng, slug, now);
    }
    clients.push({ organizationId, companyId, match: kind, scenario: 'unmapped', billableDevices: 0, lines: [] });
  });

  // Devices per organization: uneven sizes, like real MSP books (a few big clients).
  const weights = organizations.map(() => 0.2 + rng() ** 2 * 3);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((deviceTotal * w) / weightSum));
  let remainder = deviceTotal - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0 && counts.length > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
  const deviceStart = new Int32Array(organizations.length + 1);
  counts.forEach((c, i) => { deviceStart[i + 1] = deviceStart[i] + c; });
  const devices = new DeviceStore(seed, now, organizations, deviceStart, hostPrefixes);

  // Subscriptions, derived from the billable counts so the dashboard has every status.
  const subscriptions: Subscription[] = [];
  const addSubscription = (companyId: string, product: Product, quantity: number, status: string, term: string) => {
    const entry = pricing[product.id].find((p) => p.billingTerm === term) ?? pricing[product.id][0];
    const rate = entry.rates.find((r) => quantity >= r.startQuantityRange && (r.endQuantityRange === undefined || quantity <= r.endQuantityRange)) ?? entry.rates[0];
    const created = now - intBetween(rng, 30, 900) * DAY;
    const start = created + intBetween(rng, 0, 5) * DAY;
    const sub: Subscription = {
      id: uuidFrom(rng), companyId, productId: product.id, productName: product.name, quantity, status,
      billingTerm: entry.billingTerm, price: rate.suggestedRetailPrice, partnerCost: rate.partnerBuyRate, currencyCode: 'USD',
      startDate: isoTime(start), createdDate: isoTime(created), updatedDate: isoTime(Math.min(now, start + intBetween(rng, 0, 200) * DAY)),
      billingStart: isoDay(start),
    };
    if (status === 'Cancelled') sub.endDate = isoTime(Math.min(now - DAY, start + intBetween(rng, 30, 300) * DAY));
    if (entry.commitmentTermInMonths && entry.commitmentTermInMonths > 1) {
      // Commitment terms renew by themselves: a live subscription is in its current term.
      const termMs = entry.commitmentTermInMonths * 30 * DAY;
      let termEnd = start + termMs;
      while (status !== 'Cancelled' && termEnd <= now) termEnd += termMs;
      sub.commitmentTerm = { id: uuidFrom(rng), term: entry.commitmentTerm!, endDate: isoTime(termEnd) };
    }
    subscriptions.push(sub);
  };
  const scenarios: Array<[Scenario, number]> = [['under', 0.35], ['over', 0.25], ['matched', 0.3], ['no-per-device', 0.1]];
  for (const client of clients) {
    if (client.organizationId) client.billableDevices = countBillable(devices.all(client.organizationId), { now });
    if (!client.companyId) continue;
    const companyId = client.companyId;
    // Per-user products nearly everyone has (Microsoft 365 and friends).
    const users = intBetween(rng, 3, 80);
    addSubscription(companyId, pick(rng, perUserProducts), users, 'Active', rng() < 0.7 ? 'Monthly' : 'Annual');
    if (!client.organizationId) {
      addSubscription(companyId, pick(rng, perDeviceProducts), intBetween(rng, 1, 40), 'Active', 'Monthly');
      continue;
    }
    let r = rng();
    let scenario: Scenario = 'matched';
    for (const [s, p] of scenarios) { if (r < p) { scenario = s; break; } r -= p; }
    const billable = client.billableDevices;
    if (scenario === 'under' && billable === 0) scenario = 'over';
    client.scenario = scenario;
    if (scenario === 'no-per-device') continue;
    const lineCount = rng() < 0.7 ? 1 : rng() < 0.85 ? 2 : 3;
    const chosen = shuffled(rng, perDeviceProducts).slice(0, lineCount);
    chosen.forEach((product, line) => {
      const gap = Math.max(1, Math.round(billable * (0.05 + rng() * 0.2)));
      let lineScenario: Scenario = line === 0 ? scenario : pick(rng, ['matched', 'over', scenario] as Scenario[]);
      if (scenario === 'over' && lineScenario === 'under') lineScenario = 'over';
      if (scenario === 'matched') lineScenario = 'matched';
      const quantity = lineScenario === 'under' ? Math.max(0, billable - gap) : lineScenario === 'over' ? billable + gap : billable;
      if (quantity >= 4 && rng() < 0.2) {
        const annual = Math.floor(quantity / 2);
        addSubscription(companyId, product, annual, 'Active', 'Annual');
        addSubscription(companyId, product, quantity - annual, 'Active', 'Monthly');
      } else if (quantity > 0) {
        addSubscription(companyId, product, quantity, 'Active', rng() < 0.8 ? 'Monthly' : 'Annual');
      }
      // Noise that must not count as licensed under the default rules.
      if (rng() < 0.3) addSubscription(companyId, product, intBetween(rng, 1, 25), 'Cancelled', 'Monthly');
      if (rng() < 0.1) addSubscription(companyId, product, intBetween(rng, 1, 10), pick(rng, ['Trial', 'PendingManual', 'PendingCancel']), 'Monthly');
      client.lines.push({ productId: product.id, quantity, variance: billable - quantity });
    });
  }
  // Pad to the requested total with per-user and cancelled subscriptions.
  const payingCompanies = companies.filter((c) => c.status === 'Active');
  while (subscriptions.length < subscriptionTarget && payingCompanies.length > 0) {
    const company = pick(rng, payingCompanies);
    if (rng() < 0.7) addSubscription(company.id, pick(rng, perUserProducts), intBetween(rng, 1, 120), pick(rng, ['Active', 'Active', 'Active', 'Cancelled', 'PendingAutomated']), pick(rng, ['Monthly', 'Annual']));
    else addSubscription(company.id, pick(rng, perDeviceProducts), intBetween(rng, 1, 30), pick(rng, ['Cancelled', 'Trial', 'PendingCancel', 'WaitingForDetails']), 'Monthly');
  }

  const billing = generateBilling(seed, now, products, clients);
  return { seed, now, profile, organizations, companies, contacts, products, productMeta, pricing, subscriptions, devices, clients, billing };
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function makeContacts(rng: Rng, slug: string, now: number): Contact[] {
  const count = intBetween(rng, 1, 4);
  const list: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = pick(rng, FIRST_NAMES);
    const lastName = pick(rng, LAST_NAMES);
    const types: Contact['types'] = [];
    if (i === 0) types.push({ type: 'Admin', primary: true }, { type: 'Billing', primary: count < 3 });
    if (i === 1) types.push({ type: 'Technical', primary: true });
    if (i === 2) types.push({ type: 'Billing', primary: true });
    if (i === 3) types.push({ type: 'Technical', primary: false }, { type: 'Admin', primary: false });
    if (i === 0 && count === 1) types.push({ type: 'Technical', primary: true });
    list.push({
      id: uuidFrom(rng), firstName, lastName,
      email: `${firstName}.${lastName}@${slug}.example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
      phone: `${intBetween(rng, 200, 989)}-555-${String(intBetween(rng, 0, 9999)).padStart(4, '0')}`,
      createdDate: isoDay(now - intBetween(rng, 10, 1500) * DAY),
      types,
    });
  }
  // Pax8 lists contacts by createdDate descending.
  return list.sort((a, b) => b.createdDate.localeCompare(a.createdDate));
}
