// Deterministic in-memory data for the widget fixture API, in the issue-13 shapes: 412 mapped
// clients (one with a hostile name) with one to two product lines each, unpriced gaps, clients
// without any per-device subscription, three unmapped organizations, and their detail. Money is
// computed in cents so that every figure adds up exactly (summary = rows, row = lines,
// unit x variance = amount).

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
export const CLIENT_COUNT = 412;
export const UNMAPPED_COUNT = 3;

export interface Money { amount: number; currency: 'USD' }
export interface FixtureLine {
  productId: string; productName: string; devices: number; licenses: number; variance: number;
  status: 'under-licensed' | 'over-licensed' | 'matched';
  unitPriceMonthly: Money | null; revenueAtRisk: Money | null; overspend: Money | null; unpricedSeats: number; gapState: 'open' | 'accepted' | null;
  exception?: { reason: 'client-owned-licence' | 'spare-on-purpose' | 'device-retiring' | 'not-billable' | 'other'; note: string | null; until: string | null } | null;
  /** PSA billing (FixtureApi.psaBilling): null otherwise (withoutBilling). */
  billed?: number | null; billedVariance?: number | null; unbilledLicences?: number | null; billingStatus?: 'under-billed' | 'over-billed' | 'billed' | null;
  billedUnitPriceMonthly?: Money | null; underBilled?: Money | null; unpricedUnderBilledSeats?: number | null;
}
export interface FixtureClient {
  clientId: string; name: string; pax8CompanyId: string | null;
  status: 'under-licensed' | 'over-licensed' | 'matched' | 'unmapped';
  devices: number; licenses: number | null; variance: number | null;
  headlineProductId: string | null; headlineProductName: string | null; lineCount: number;
  revenueAtRisk: Money; overspend: Money; unpricedSeats: number; monthlyImpact: Money | null; lines: FixtureLine[];
  billed?: number | null; billedVariance?: number | null; unbilledLicences?: number | null; billingStatus?: string | null;
  underBilled?: Money | null; unpricedUnderBilledSeats?: number | null;
}

/**
 * The client with PSA billing: per line, billed = devices - a patterned gap, at a whole-cent
 * monthly price (none for a few), so that billedVariance x price = underBilled to the cent.
 */
export function withBilling(client: FixtureClient, index: number): FixtureClient {
  const lines = client.lines.map((line, n): FixtureLine => {
    const k = index + n;
    const billedVariance = k % 4 === 0 ? 2 + (k % 3) : k % 4 === 1 ? -(1 + (k % 2)) : 0;
    const priceCents = k % 31 === 9 ? null : 500 + (k % 3) * 125;
    const billed = line.devices - billedVariance;
    const under = billedVariance > 0;
    return {
      ...line, billed, billedVariance, unbilledLicences: line.licenses - billed,
      billingStatus: under ? 'under-billed' : billedVariance < 0 ? 'over-billed' : 'billed',
      billedUnitPriceMonthly: priceCents === null ? null : money(priceCents),
      underBilled: !under ? money(0) : priceCents === null ? null : money(billedVariance * priceCents),
      unpricedUnderBilledSeats: under && priceCents === null ? billedVariance : 0,
    };
  });
  const headline = lines.find((line) => line.productId === client.headlineProductId);
  return {
    ...client, lines,
    billed: headline?.billed ?? null, billedVariance: headline?.billedVariance ?? null, unbilledLicences: headline?.unbilledLicences ?? null,
    billingStatus: !lines.length ? null : lines.some((l) => l.billingStatus === 'under-billed') ? 'under-billed' : lines.some((l) => l.billingStatus === 'over-billed') ? 'over-billed' : 'billed',
    underBilled: money(lines.reduce((sum, line) => sum + cents(line.underBilled), 0)),
    unpricedUnderBilledSeats: lines.reduce((sum, line) => sum + (line.unpricedUnderBilledSeats ?? 0), 0),
  };
}

/** The client without PSA data: every billing field null, as the API answers it. */
export function withoutBilling(client: FixtureClient): FixtureClient {
  const none = { billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, underBilled: null, unpricedUnderBilledSeats: null };
  return { ...client, ...none, lines: client.lines.map((line) => ({ ...line, ...none, billedUnitPriceMonthly: null })) };
}

export const PRODUCTS = [
  { productId: 'prod-edr', productName: 'SentinelOne Control' },
  { productId: 'prod-backup', productName: 'Acronis Cyber Protect' },
];

const WORDS = ['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Wonka', 'Oceanic', 'Massive', 'Pied Piper', 'Aperture', 'Gringotts'];
const SUFFIXES = ['Dental', 'Legal', 'Logistics', 'Clinic', 'Builders', 'Accounting', 'Foods', 'Realty', 'Studios', 'Partners', 'Motors', 'Labs'];

export const money = (cents: number): Money => ({ amount: cents / 100, currency: 'USD' });
export const cents = (value: Money | null | undefined): number => Math.round((value?.amount ?? 0) * 100);

function lineStatus(variance: number): FixtureLine['status'] {
  return variance > 0 ? 'under-licensed' : variance < 0 ? 'over-licensed' : 'matched';
}

/** A line whose unit price is whole cents, so variance x unit is its amount to the cent. */
export function makeLine(product: { productId: string; productName: string }, devices: number, variance: number, unitCents: number | null): FixtureLine {
  const priced = unitCents !== null;
  const gap = Math.abs(variance);
  return {
    ...product, devices, licenses: devices - variance, variance, status: lineStatus(variance),
    unitPriceMonthly: priced ? money(unitCents) : null,
    revenueAtRisk: variance > 0 ? (priced ? money(variance * unitCents) : null) : money(0),
    overspend: variance < 0 ? (priced ? money(gap * unitCents) : null) : money(0),
    unpricedSeats: priced ? 0 : gap,
    gapState: variance > 0 ? 'open' : null,
  };
}

/** A client row from its lines: headline = the line with the largest |variance|. */
export function rowFromLines(base: { clientId: string; name: string; devices: number }, lines: FixtureLine[]): FixtureClient {
  const headline = [...lines].sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance))[0];
  const status = !lines.length || lines.some((line) => line.variance > 0) ? 'under-licensed' : lines.some((line) => line.variance < 0) ? 'over-licensed' : 'matched';
  const risk = lines.reduce((sum, line) => sum + cents(line.revenueAtRisk), 0);
  const over = lines.reduce((sum, line) => sum + cents(line.overspend), 0);
  return {
    ...base, pax8CompanyId: `c-${base.clientId}`, status,
    licenses: headline ? headline.licenses : 0, variance: headline ? headline.variance : base.devices,
    headlineProductId: headline?.productId ?? null, headlineProductName: headline?.productName ?? null, lineCount: lines.length,
    revenueAtRisk: money(risk), overspend: money(over),
    unpricedSeats: lines.length ? lines.reduce((sum, line) => sum + line.unpricedSeats, 0) : base.devices,
    monthlyImpact: lines.length && lines.every((line) => line.unitPriceMonthly) ? money(risk - over) : null,
    lines,
  };
}

/** The mapped clients of one reconciliation; `shift` makes an earlier version's numbers differ. */
export function makeClients(shift = 0): FixtureClient[] {
  const clients: FixtureClient[] = [];
  for (let index = 0; index < CLIENT_COUNT; index++) {
    const devices = 5 + ((index * 37) % 90);
    const bucket = ((index + shift) * 7) % 20;
    const variance = bucket < 6 ? 1 + ((index * 3) % 9) : bucket < 11 ? -(1 + ((index * 5) % 6)) : 0;
    const unitCents = index % 29 === 5 ? null : 288 + (index % 5) * 125; // $2.88, $4.13, ...
    const name = index === 3 ? HOSTILE_NAME : `${WORDS[index % WORDS.length]} ${SUFFIXES[(index * 5) % SUFFIXES.length]} ${String(index + 1).padStart(3, '0')}`;
    const clientId = `org-${String(index + 1).padStart(4, '0')}`;
    const lines = index % 53 === 7 ? [] : [makeLine(PRODUCTS[0], devices, variance, unitCents)];
    if (index % 10 === 0) lines.push(makeLine(PRODUCTS[1], devices, index % 20 === 0 ? -2 : 3, 300));
    clients.push(rowFromLines({ clientId, name, devices }, lines));
  }
  return clients;
}

export function makeUnmapped(): FixtureClient[] {
  return ['Alpine Builders', 'Harbor Vet Clinic', 'Quartz Media'].map((name, index) => ({
    clientId: `org-u${index + 1}`, name, pax8CompanyId: null, status: 'unmapped', devices: [125, 19, 7][index],
    licenses: null, variance: null, headlineProductId: null, headlineProductName: null, lineCount: 0,
    revenueAtRisk: money(0), overspend: money(0), unpricedSeats: 0, monthlyImpact: null, lines: [],
  }));
}

/** Complete snapshots, oldest first: monthly on the 1st, then three taken by hand on one day. */
export const SNAPSHOTS = [
  ...Array.from({ length: 6 }, (_, month) => ({ id: `snap-${month + 1}`, takenAt: new Date(Date.UTC(2026, 5 + month, 1, 2)).toISOString(), trigger: 'schedule' })),
  { id: 'snap-7', takenAt: '2026-11-24T09:00:00.000Z', trigger: 'manual' },
  { id: 'snap-8', takenAt: '2026-11-24T11:30:00.000Z', trigger: 'manual' },
  { id: 'snap-9', takenAt: '2026-11-24T15:45:00.000Z', trigger: 'manual' },
];

export function clientDetail(client: FixtureClient, mark: { snapshot: unknown; version: number; latest: boolean }) {
  const trend = SNAPSHOTS.map((snapshot, index) => ({
    snapshotId: snapshot.id, takenAt: snapshot.takenAt, version: index === SNAPSHOTS.length - 1 ? 2 : 1,
    devices: Math.max(0, client.devices - (SNAPSHOTS.length - 1 - index)),
    rulesChanged: index === 4, reason: index === 4 ? 'Counting rules changed by admin (stale after 45 days)' : null,
    lines: client.lines.map((line) => ({ productId: line.productId, productName: line.productName, licenses: Math.max(0, line.licenses - (index < 3 ? 2 : 0)),
      variance: Math.max(0, client.devices - (SNAPSHOTS.length - 1 - index)) - Math.max(0, line.licenses - (index < 3 ? 2 : 0)),
      billed: line.billed === undefined || line.billed === null ? null : Math.max(0, line.billed - (index < 2 ? 1 : 0)) })),
  }));
  const headline = client.lines.find((line) => line.productId === client.headlineProductId);
  return {
    ...client, ...mark,
    subscriptions: [
      ...client.lines.map((line, index) => ({ id: `sub-${index + 1}`, productId: line.productId, productName: line.productName, quantity: line.licenses, status: 'Active', billingTerm: 'Monthly', price: line.unitPriceMonthly, countsAsLicence: true })),
      { id: 'sub-m365', productId: 'prod-m365', productName: 'Microsoft 365 Business Premium', quantity: 12, status: 'Active', billingTerm: 'Annual', price: money(26400), countsAsLicence: false },
      { id: 'sub-trial', productId: 'prod-edr', productName: 'SentinelOne Control (trial)', quantity: 2, status: 'PendingManual', billingTerm: 'Trial', price: null, countsAsLicence: false },
    ],
    deviceBreakdown: {
      total: client.devices + 8, billable: client.devices,
      byClass: { WINDOWS_WORKSTATION: Math.ceil(client.devices * 0.7), WINDOWS_SERVER: 2, MAC: Math.max(0, Math.floor(client.devices * 0.3) - 2) },
      excludedByReason: { stale: 3, 'excluded-class': 4, 'duplicate-serial': 1 },
    },
    trend,
    contacts: [{ name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100', types: ['Billing', 'Primary'] }],
    links: { pax8Subscriptions: `https://app.pax8.com/companies/${client.clientId}/subscriptions`, billingSnapshot: `/api/v1/reconciliation/clients/${client.clientId}/export.csv` },
    recommendedAction: !headline ? 'Add a per-device subscription in Pax8, or bill these devices.'
      : headline.variance > 0 ? `Raise ${headline.productName} by ${headline.variance} in Pax8, or bill the ${headline.variance} new devices.`
      : headline.variance < 0 ? `Lower ${headline.productName} by ${-headline.variance} to stop the overspend.` : 'Nothing to do: devices match licenses.',
  };
}

export function makeAdminData() {
  return {
    integrations: [
      { kind: 'pax8', enabled: true, configured: true, status: 'ok', lastSyncAt: '2026-11-24T02:00:00.000Z', lastError: null,
        config: { baseUrl: 'https://api.pax8.com/v1', tokenUrl: 'https://login.pax8.com/oauth/token', audience: 'api://p8p.client', clientId: 'demo-client', clientSecretSet: true } },
      { kind: 'panelone', enabled: true, configured: true, status: 'error', lastSyncAt: '2026-11-23T02:00:00.000Z', lastError: 'HTTP 429 from PanelOne, retried 5 times',
        config: { baseUrl: 'https://rmm.panelone.example', apiTokenSet: false } },
    ] as Record<string, unknown>[],
    mappings: {
      items: [
        { organizationId: 'org-0001', name: 'Acme Dental 001', pax8CompanyId: 'c-1', pax8CompanyName: 'Acme Dental LLC', mappingState: 'confirmed' },
        { organizationId: 'org-0002', name: 'Northwind Logistics 002', pax8CompanyId: 'c-2', pax8CompanyName: 'Northwind Logistics Inc', mappingState: 'suggested' },
        { organizationId: 'org-0003', name: 'Contoso Builders 003', pax8CompanyId: null, mappingState: 'none' },
        { organizationId: 'org-0005', name: 'Globex Accounting 005', pax8CompanyId: 'c-5', pax8CompanyName: 'Globex Accounting', mappingState: 'suggested' },
      ] as { organizationId: string; name: string; pax8CompanyId: string | null; pax8CompanyName?: string; mappingState: string }[],
      unmatchedCompanies: [{ pax8CompanyId: 'c-9', name: 'Contoso Construction' }],
    },
    products: {
      items: [
        { productId: 'prod-edr', name: 'SentinelOne Control', vendorName: 'SentinelOne', sku: 'S1-CTRL', perDevice: true, suggested: true },
        { productId: 'prod-backup', name: 'Acronis Cyber Protect', vendorName: 'Acronis', sku: 'ACR-CP-WS', perDevice: false, suggested: true },
        { productId: 'prod-m365', name: 'Microsoft 365 Business Premium', vendorName: 'Microsoft', sku: 'M365-BP', perDevice: false, suggested: false },
      ],
    },
    settings: {
      staleDays: 30,
      countedClasses: ['WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST'],
      licensedStatuses: ['Active'],
      matchedTolerance: 0,
      schedule: { cron: '0 2 1 * *', timeZone: 'America/Chicago', enabled: true },
      displayName: null as string | null,
      maxSeatChange: 20,
      maxMonthlyIncrease: 500,
      requireSecondApprover: false,
      psaBilling: { enabled: false },
    },
    psaItems: {
      items: [
        { itemId: 'item-1', sku: 'S1-CTRL', name: 'SentinelOne Control per device', category: 'Security', pax8ProductId: 'prod-edr', pax8ProductName: 'SentinelOne Control', state: 'suggested', reason: 'sku', candidates: [] },
        { itemId: 'item-2', sku: 'P1-BK', name: 'ACRONIS CYBER PROTECT', category: 'Backup', pax8ProductId: 'prod-backup', pax8ProductName: 'Acronis Cyber Protect', state: 'suggested', reason: 'name', candidates: [] },
        { itemId: 'item-3', sku: 'P1-AV', name: 'Antivirus Plus', category: 'Security', pax8ProductId: null, pax8ProductName: null, state: 'ambiguous', reason: null,
          candidates: [{ pax8ProductId: 'prod-av-a', name: 'Antivirus Plus (Vendor A)', perDevice: true }, { pax8ProductId: 'prod-av-b', name: 'Antivirus Plus (Vendor B)', perDevice: true }] },
        { itemId: 'item-4', sku: 'MSP-HR', name: 'Onsite Support (hourly)', category: 'Labour', pax8ProductId: null, pax8ProductName: null, state: 'none', reason: null, candidates: [] },
      ] as Array<{ itemId: string; sku: string | null; name: string; category: string | null; pax8ProductId: string | null; pax8ProductName: string | null; state: string; reason: string | null;
        candidates: Array<{ pax8ProductId: string; name: string; perDevice: boolean }> }>,
      products: [
        { pax8ProductId: 'prod-edr', name: 'SentinelOne Control', perDevice: true },
        { pax8ProductId: 'prod-backup', name: 'Acronis Cyber Protect', perDevice: true },
        { pax8ProductId: 'prod-av-a', name: 'Antivirus Plus (Vendor A)', perDevice: true },
        { pax8ProductId: 'prod-av-b', name: 'Antivirus Plus (Vendor B)', perDevice: true },
        { pax8ProductId: 'prod-m365', name: 'Microsoft 365 Business Premium', perDevice: false },
      ],
    },
  };
}

/** An unsigned JWT-shaped context token (the fixture never verifies signatures). */
export function fixtureToken(role: 'admin' | 'technician' | 'viewer', id = 'x'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: `user-${role}`, tid: 'tenant-1', roles: [role], jti: id })}.sig`;
}

/** Alert channels and their delivery log: one webhook, one email, a delivered alert and one still retrying. */
export function makeAlerts() {
  const at = (minutesAgo: number) => new Date(Date.UTC(2026, 10, 30, 9, 0) - minutesAgo * 60_000).toISOString();
  const webhook = { id: '00000000-0000-4000-8000-00000000a001', kind: 'webhook' as const, name: 'Ops webhook', enabled: true, url: 'https://hooks.msp.example/b1r', secretSet: true, recipients: [] as string[], createdAt: at(600), updatedAt: at(600) };
  const email = { id: '00000000-0000-4000-8000-00000000a002', kind: 'email' as const, name: 'Billing team', enabled: false, url: null as string | null, secretSet: false, recipients: ['billing@msp.example', 'lead@msp.example'], createdAt: at(500), updatedAt: at(500) };
  const delivery = (id: string, channel: typeof webhook | typeof email, status: string, codes: number[], minutesAgo: number) => ({
    id, channelId: channel.id, channelName: channel.name, kind: channel.kind, event: 'gaps.changed', status, attempts: codes.length,
    createdAt: at(minutesAgo), nextAttemptAt: status === 'pending' ? at(minutesAgo - 8) : null, finishedAt: status === 'pending' ? null : at(minutesAgo - 1),
    snapshotId: '00000000-0000-4000-8000-000000000009', version: 2, summary: { new: 2, worsened: 1, closed: 3 },
    log: codes.map((code, i) => ({ attempt: i + 1, at: at(minutesAgo - i * 2), statusCode: code, error: code >= 300 ? `HTTP ${code}` : null, durationMs: 120 })),
  });
  return {
    seq: 100,
    emailAvailable: true,
    channels: [webhook, email] as Array<Omit<typeof webhook, 'kind' | 'url'> & { kind: 'webhook' | 'email'; url: string | null }>,
    deliveries: [delivery('10000000-0000-4000-8000-0000000000d2', webhook, 'pending', [503, 503], 30), delivery('10000000-0000-4000-8000-0000000000d1', webhook, 'delivered', [200], 1440)] as Array<Record<string, any>>,
  };
}
