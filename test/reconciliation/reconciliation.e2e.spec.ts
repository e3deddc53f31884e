// The hand-computed scenario through the HTTP API. Every expected number below was worked out
// by hand from the data in scenario.ts, not by the code under test:
//
// Acme (A): a1 counts; a2 duplicate serial; a3 counts; a4 stale (45 d); a5 pending; a6 printer;
//   a7, a8 count -> 4 billable of 8. EDR Active 3 (Monthly $5) + 2 (Annual $48 = $4/month) = 5;
//   the Cancelled 10 and the per-user M365 do not count. Variance 4 - 5 = -1.
//   Unit price weighted by quantity: (3 x 5 + 2 x 4) / 5 = $4.60. Impact -1 x 4.60 = -$4.60.
// Beta (B, a suggested mapping): 6 billable of 7 (b7 network device). EDR 4 Active Monthly $6 -> +2, +$12.00.
//   Backup 9 Active Annual $120 = $10/month -> -3, -$30.00; the Trial 5 does not count.
//   Row shows Backup (|-3| > |2|), lineCount 2; status under-licensed (a line is under); impact 12 - 30 = -$18.00.
// Gamma (C): 3 billable of 4 (mobile excluded). Backup 3 Active 3-Year $360 = $10/month -> 0, $0.00, matched.
// Delta: no company -> unmapped; d1, d2 would count, d3 stale (31 d): devices 2.
// Echo (E): 5 billable (e1 shares Acme's serial, but in another client). Only M365 (per-user) Active and
//   EDR in Trial -> no per-device licence: under-licensed by 5, licences 0, money unknown.
// Summary: under 2 (Beta, Echo), over 1 (Acme), matched 1 (Gamma), unmapped 1 (Delta);
//   revenue at risk $12.00 (Beta EDR); overspend 4.60 + 30.00 = $34.60 (never netted: Beta carries
//   both $12.00 and $30.00); Echo's 5 seats have no price; Delta's 2 devices are apart (no variance).
// Snapshot: 27 devices, 18 counted (4 + 6 + 3 + 0 + 5).
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { COMPANY, pages, PRODUCT, seedScenario, snapshots } from './scenario.js';

let api: TestApi;
const tenant = uniqueTenant('recon');
let viewer: { Authorization: string };
let snapshotId: string;

const usd = (amount: number) => ({ amount, currency: 'USD' });

beforeAll(async () => {
  api = await startTestApi();
  const devices = await seedScenario(api, tenant);
  const taken = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, 4) });
  snapshotId = taken.snapshotId;
  expect(taken).toEqual({ snapshotId: expect.any(String), deviceCount: 27, billableCount: 18 });
  viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
});
afterAll(() => api.close());

// No PSA data in this world: every billing field is there, null.
const NO_CLIENT_BILLING = { billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, underBilled: null, unpricedUnderBilledSeats: null };
const NO_LINE_BILLING = { ...NO_CLIENT_BILLING, billedUnitPriceMonthly: null };
const NO_SUMMARY_BILLING = { underBilled: null, underBilledClients: null, overBilledClients: null, unpricedUnderBilledSeats: null };
const line = (productId: string, productName: string, devices: number, licenses: number, status: string, unit: number, risk: number, over: number) => ({
  productId, productName, devices, licenses, licensedQuantity: licenses, variance: devices - licenses, status, unitPriceMonthly: usd(unit),
  revenueAtRisk: usd(risk), overspend: usd(over), unpricedSeats: 0, monthlyImpact: usd(Math.round((devices - licenses) * unit * 100) / 100),
  gapState: status === 'matched' ? null : 'open', exception: null, ...NO_LINE_BILLING,
});
// No exception in this world: nothing is accepted.
const NONE_ACCEPTED = { acceptedRevenueAtRisk: usd(0), acceptedOverspend: usd(0), acceptedUnpricedSeats: 0 };
const LINES = {
  gammaBackup: line(PRODUCT.backup, 'Datto Endpoint Backup', 3, 3, 'matched', 10, 0, 0),
  acmeEdr: line(PRODUCT.edr, 'SentinelOne Complete EDR', 4, 5, 'over-licensed', 4.6, 0, 4.6),
  betaBackup: line(PRODUCT.backup, 'Datto Endpoint Backup', 6, 9, 'over-licensed', 10, 0, 30),
  betaEdr: line(PRODUCT.edr, 'SentinelOne Complete EDR', 6, 4, 'under-licensed', 6, 12, 0),
};

// Default order: variance, largest first; Delta (unmapped, no variance) last.
const EXPECTED_ROWS = [
  { clientId: 'org-echo', name: 'Echo Partners', pax8CompanyId: COMPANY.echo, devices: 5, licenses: 0, variance: 5, status: 'under-licensed', headlineProductId: null, headlineProductName: null,
    revenueAtRisk: usd(0), overspend: usd(0), unpricedSeats: 5, monthlyImpact: null, lineCount: 0, lines: [], ...NONE_ACCEPTED, ...NO_CLIENT_BILLING },
  { clientId: 'org-gamma', name: 'Gamma Legal', pax8CompanyId: COMPANY.gamma, devices: 3, licenses: 3, variance: 0, status: 'matched', headlineProductId: PRODUCT.backup, headlineProductName: 'Datto Endpoint Backup',
    revenueAtRisk: usd(0), overspend: usd(0), unpricedSeats: 0, monthlyImpact: usd(0), lineCount: 1, lines: [LINES.gammaBackup], ...NONE_ACCEPTED, ...NO_CLIENT_BILLING },
  { clientId: 'org-acme', name: 'Acme Corp', pax8CompanyId: COMPANY.acme, devices: 4, licenses: 5, variance: -1, status: 'over-licensed', headlineProductId: PRODUCT.edr, headlineProductName: 'SentinelOne Complete EDR',
    revenueAtRisk: usd(0), overspend: usd(4.6), unpricedSeats: 0, monthlyImpact: usd(-4.6), lineCount: 1, lines: [LINES.acmeEdr], ...NONE_ACCEPTED, ...NO_CLIENT_BILLING },
  { clientId: 'org-beta', name: 'Beta Dental', pax8CompanyId: COMPANY.beta, devices: 6, licenses: 9, variance: -3, status: 'under-licensed', headlineProductId: PRODUCT.backup, headlineProductName: 'Datto Endpoint Backup',
    revenueAtRisk: usd(12), overspend: usd(30), unpricedSeats: 0, monthlyImpact: usd(-18), lineCount: 2, lines: [LINES.betaBackup, LINES.betaEdr], ...NONE_ACCEPTED, ...NO_CLIENT_BILLING },
  { clientId: 'org-delta', name: 'Delta Logistics', pax8CompanyId: null, devices: 2, licenses: null, variance: null, status: 'unmapped', headlineProductId: null, headlineProductName: null,
    revenueAtRisk: usd(0), overspend: usd(0), unpricedSeats: 0, monthlyImpact: null, lineCount: 0, lines: [], ...NONE_ACCEPTED, ...NO_CLIENT_BILLING },
];
const BETA = EXPECTED_ROWS[3];

describe('the hand-computed scenario', () => {
  it('the client list, default order (variance, largest first)', async () => {
    const res = await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200);
    expect(res.body.total).toBe(5);
    // The only snapshot: no status before it.
    expect(res.body.items).toEqual(EXPECTED_ROWS.map((row) => ({ ...row, previousStatus: null })));
    expect(res.body.snapshot.id).toBe(snapshotId);
  });

  it('the summary', async () => {
    const res = await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200);
    expect(res.body).toEqual({
      snapshot: { id: snapshotId, takenAt: expect.any(String) },
      version: 1, latest: true,
      underLicensed: 2, overLicensed: 1, matched: 1, unmapped: 1, accepted: 0,
      revenueAtRisk: usd(12), overspend: usd(34.6),
      unpricedSeats: 5, unpricedUnderSeats: 5, unpricedOverSeats: 0, billableCount: 18, unmappedDeviceCount: 2, ...NONE_ACCEPTED,
      unconfirmedMappings: 1, // Beta's suggested mapping
      ...NO_SUMMARY_BILLING,
    });
  });

  it('the snapshot list and the snapshot', async () => {
    const list = await api.http.get('/api/v1/snapshots').set(viewer).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: snapshotId, trigger: 'manual', status: 'complete', deviceCount: 27, billableCount: 18 })]);
    const one = await api.http.get(`/api/v1/snapshots/${snapshotId}`).set(viewer).expect(200);
    expect(one.body.rules).toEqual({ staleDays: 30, countedClasses: expect.arrayContaining(['WINDOWS_WORKSTATION', 'MAC']), licensedStatuses: ['Active'], matchedTolerance: 0 });
  });

  it('a client with two per-device products: one under, one over; every line in the detail', async () => {
    const res = await api.http.get('/api/v1/reconciliation/clients/org-beta').set(viewer).expect(200);
    expect(res.body).toMatchObject({ ...BETA, version: 1, latest: true });
    expect(res.body.lines).toEqual([LINES.betaBackup, LINES.betaEdr]);
    expect(res.body.subscriptions).toHaveLength(3);
    expect(res.body.subscriptions.filter((s: { countsAsLicence: boolean }) => s.countsAsLicence).map((s: { quantity: number }) => s.quantity).sort()).toEqual([4, 9]);
    expect(res.body.contacts).toEqual([{ name: 'Bea Tran', email: 'bea@beta.example', phone: '+1 555 0100', types: ['Billing', 'Admin'] }]);
    expect(res.body.links.pax8Subscriptions).toBe(`https://app.pax8.com/companies/${COMPANY.beta}/subscriptions`);
    expect(res.body.links.billingSnapshot).toBe(`/api/v1/reconciliation/clients/org-beta/export.csv?snapshotId=${snapshotId}&version=1`);
    expect(res.body.recommendedAction).toBe(
      'Reduce Pax8 quantity of Datto Endpoint Backup from 9 to 6 (3 unused licenses). Increase Pax8 quantity of SentinelOne Complete EDR from 4 to 6, or bill 2 more seats.',
    );
    expect(res.body.trend).toEqual([{
      snapshotId, takenAt: expect.any(String), version: 1, devices: 6, rulesChanged: false, reason: 'snapshot taken',
      lines: [
        { productId: PRODUCT.backup, productName: 'Datto Endpoint Backup', licenses: 9, variance: -3, billed: null },
        { productId: PRODUCT.edr, productName: 'SentinelOne Complete EDR', licenses: 4, variance: 2, billed: null },
      ],
    }]);
  });

  it('Acme: two subscriptions of one product summed, the annual price made monthly and weighted; device breakdown', async () => {
    const res = await api.http.get('/api/v1/reconciliation/clients/org-acme').set(viewer).expect(200);
    expect(res.body.lines).toEqual([LINES.acmeEdr]);
    expect(res.body.deviceBreakdown).toEqual({
      total: 8, billable: 4,
      byClass: { WINDOWS_WORKSTATION: 3, MAC: 1, WINDOWS_SERVER: 1, PRINTER: 1, LINUX_SERVER: 1, VMWARE_VM_GUEST: 1 },
      excludedByReason: { 'duplicate-serial': 1, stale: 1, 'pending-approval': 1, 'excluded-class': 1 },
    });
    const counts = res.body.subscriptions.map((s: { productName: string; quantity: number; status: string; countsAsLicence: boolean }) => [s.productName, s.quantity, s.status, s.countsAsLicence]);
    expect(counts).toEqual(expect.arrayContaining([
      ['SentinelOne Complete EDR', 3, 'Active', true], ['SentinelOne Complete EDR', 2, 'Active', true],
      ['SentinelOne Complete EDR', 10, 'Cancelled', false], ['Microsoft 365 Business Premium', 20, 'Active', false],
    ]));
  });

  it('the device drill-down says why each device counted or not', async () => {
    const acme = await api.http.get(`/api/v1/snapshots/${snapshotId}/devices?clientId=org-acme`).set(viewer).expect(200);
    const verdicts = Object.fromEntries(acme.body.items.map((d: { deviceId: string; counted: boolean; reason: string | null }) => [d.deviceId, [d.counted, d.reason]]));
    expect(verdicts).toEqual({
      a1: [true, null], a2: [false, 'duplicate-serial'], a3: [true, null], a4: [false, 'stale'],
      a5: [false, 'pending-approval'], a6: [false, 'excluded-class'], a7: [true, null], a8: [true, null],
    });
    const delta = await api.http.get(`/api/v1/snapshots/${snapshotId}/devices?clientId=org-delta`).set(viewer).expect(200);
    expect(delta.body.items.map((d: { deviceId: string; reason: string }) => [d.deviceId, d.reason])).toEqual([['d1', 'unmapped-organization'], ['d2', 'unmapped-organization'], ['d3', 'stale']]);
    const counted = await api.http.get(`/api/v1/snapshots/${snapshotId}/devices?counted=true&limit=5`).set(viewer).expect(200);
    expect(counted.body.total).toBe(18);
    expect(counted.body.items).toHaveLength(5);
    expect(counted.body.items.every((d: { counted: boolean }) => d.counted)).toBe(true);
  });

  it('missed billing: the under-licensed line with its action', async () => {
    const res = await api.http.get('/api/v1/missed-billing').set(viewer).expect(200);
    expect(res.body.items).toEqual([{
      clientId: 'org-beta', clientName: 'Beta Dental', productId: PRODUCT.edr, productName: 'SentinelOne Complete EDR',
      devices: 6, licensed: 4, gap: 2, unitPriceMonthly: usd(6), monthlyAmount: usd(12), revenueAtRisk: usd(12),
      action: 'Increase Pax8 quantity of SentinelOne Complete EDR from 4 to 6, or bill 2 more seats.',
      since: res.body.snapshot.takenAt, snapshots: 1, state: 'open', latestAction: null, kind: null, billed: null, billedVariance: null, underBilled: null,
    }]);
  });
});

describe('list filters, sorting, paging and search', () => {
  const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((i) => i.name);

  it('filters by status; the summary counts equal the list counts', async () => {
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    const byStatus: Record<string, number> = { 'under-licensed': summary.underLicensed, 'over-licensed': summary.overLicensed, matched: summary.matched, unmapped: summary.unmapped };
    for (const [status, count] of Object.entries(byStatus)) {
      const res = await api.http.get(`/api/v1/reconciliation/clients?status=${status}`).set(viewer).expect(200);
      expect(res.body.total).toBe(count);
      expect(res.body.items.every((i: { status: string }) => i.status === status)).toBe(true);
    }
    expect(names(await api.http.get('/api/v1/reconciliation/clients?status=under-licensed').set(viewer))).toEqual(['Echo Partners', 'Beta Dental']);
  });

  it('sorts by each column, both ways; money sorts with unknown last', async () => {
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=name').set(viewer))).toEqual(['Acme Corp', 'Beta Dental', 'Delta Logistics', 'Echo Partners', 'Gamma Legal']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=name&order=desc').set(viewer))).toEqual(['Gamma Legal', 'Echo Partners', 'Delta Logistics', 'Beta Dental', 'Acme Corp']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=devices&order=asc').set(viewer))).toEqual(['Delta Logistics', 'Gamma Legal', 'Acme Corp', 'Echo Partners', 'Beta Dental']);
    // Delta is unmapped: no licences and no variance, so it sorts last either way.
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=licenses').set(viewer))).toEqual(['Beta Dental', 'Acme Corp', 'Gamma Legal', 'Echo Partners', 'Delta Logistics']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=monthlyImpact').set(viewer))).toEqual(['Gamma Legal', 'Acme Corp', 'Beta Dental', 'Delta Logistics', 'Echo Partners']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=monthlyImpact&order=asc').set(viewer))).toEqual(['Beta Dental', 'Acme Corp', 'Gamma Legal', 'Delta Logistics', 'Echo Partners']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=variance&order=asc').set(viewer))).toEqual(['Beta Dental', 'Acme Corp', 'Gamma Legal', 'Echo Partners', 'Delta Logistics']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=revenueAtRisk').set(viewer))).toEqual(['Beta Dental', 'Acme Corp', 'Delta Logistics', 'Echo Partners', 'Gamma Legal']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=overspend').set(viewer))).toEqual(['Beta Dental', 'Acme Corp', 'Delta Logistics', 'Echo Partners', 'Gamma Legal']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?sort=unpricedSeats').set(viewer))).toEqual(['Echo Partners', 'Acme Corp', 'Beta Dental', 'Delta Logistics', 'Gamma Legal']);
  });

  it('status=mapped lists every mapped client; its totals are the snapshot\'s billable devices and the summary\'s money', async () => {
    const res = await api.http.get('/api/v1/reconciliation/clients?status=mapped&sort=name').set(viewer).expect(200);
    expect(names(res)).toEqual(['Acme Corp', 'Beta Dental', 'Echo Partners', 'Gamma Legal']);
    expect(res.body.totals).toEqual({ devices: 18, revenueAtRisk: usd(12), overspend: usd(34.6), unpricedSeats: 5, underBilled: null });
    const unmapped = await api.http.get('/api/v1/reconciliation/clients?status=unmapped').set(viewer).expect(200);
    expect(unmapped.body.totals).toEqual({ devices: 2, revenueAtRisk: usd(0), overspend: usd(0), unpricedSeats: 0, underBilled: null });
  });

  it('pages', async () => {
    const page1 = await api.http.get('/api/v1/reconciliation/clients?sort=name&limit=2').set(viewer).expect(200);
    const page3 = await api.http.get('/api/v1/reconciliation/clients?sort=name&limit=2&offset=4').set(viewer).expect(200);
    expect(names(page1)).toEqual(['Acme Corp', 'Beta Dental']);
    expect(names(page3)).toEqual(['Gamma Legal']);
    expect(page1.body.total).toBe(5);
    expect(page3.body.total).toBe(5);
    // Past the end: no rows, the same total and totals.
    const past = await api.http.get('/api/v1/reconciliation/clients?sort=name&limit=2&offset=10').set(viewer).expect(200);
    expect(past.body).toMatchObject({ items: [], total: 5, totals: { devices: 20, revenueAtRisk: usd(12), overspend: usd(34.6), unpricedSeats: 5 } });
  });

  it('searches names case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(names(await api.http.get('/api/v1/reconciliation/clients?search=DENT').set(viewer))).toEqual(['Beta Dental']);
    expect(names(await api.http.get('/api/v1/reconciliation/clients?search=ME%20co&sort=name').set(viewer))).toEqual(['Acme Corp']);
    expect((await api.http.get('/api/v1/reconciliation/clients?search=%25').set(viewer).expect(200)).body.total).toBe(0);
    expect((await api.http.get('/api/v1/reconciliation/clients?search=_').set(viewer).expect(200)).body.total).toBe(0);
  });

  it('a read API key may read; the snapshot can be named', async () => {
    const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
    const key = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'qbr', scopes: ['read'] }).expect(201)).body.key;
    const res = await api.http.get(`/api/v1/reconciliation/clients?snapshotId=${snapshotId}`).set({ Authorization: `Bearer ${key}` }).expect(200);
    expect(res.body.total).toBe(5);
  });
});

describe('bad query values are a 400 naming the parameter', () => {
  it.each([
    ['/api/v1/reconciliation/clients?status=bogus', /status must be one of/],
    ['/api/v1/reconciliation/clients?sort=hostname', /sort must be one of/],
    ['/api/v1/reconciliation/clients?order=sideways', /order must be one of/],
    ['/api/v1/reconciliation/clients?limit=-1', /limit/],
    ['/api/v1/reconciliation/clients?limit=100000', /limit/],
    ['/api/v1/reconciliation/clients?offset=-5', /offset/],
    ['/api/v1/reconciliation/clients?limit=abc', /limit must be an integer/],
    ['/api/v1/reconciliation/clients?snapshotId=nope', /snapshotId must be a UUID/],
    ['/api/v1/reconciliation/clients?unknown=1', /property unknown should not exist/],
    ['/api/v1/reconciliation/summary?snapshotId=1234', /snapshotId must be a UUID/],
    ['/api/v1/reconciliation/export.csv?status=nope', /status must be one of/],
    ['/api/v1/snapshots/not-a-uuid', /id must be a UUID/],
    ['/api/v1/snapshots/00000000-0000-4000-8000-000000000000/devices?counted=maybe', /counted must be true or false/],
    ['/api/v1/missed-billing?limit=0', /limit/],
  ])('%s', async (url, message) => {
    const tech = { Authorization: `Bearer ${await api.token(tenant, 'technician')}` };
    const res = await api.http.get(url).set(tech).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message), correlationId: expect.any(String) });
  });

  it('an unknown snapshot or client is a 404', async () => {
    await api.http.get('/api/v1/reconciliation/summary?snapshotId=00000000-0000-4000-8000-000000000000').set(viewer).expect(404);
    await api.http.get('/api/v1/snapshots/00000000-0000-4000-8000-000000000000').set(viewer).expect(404);
    await api.http.get('/api/v1/reconciliation/clients/org-nobody').set(viewer).expect(404);
  });

  it('another tenant sees none of it', async () => {
    const other = { Authorization: `Bearer ${await api.token(uniqueTenant('other'), 'viewer')}` };
    const summary = await api.http.get('/api/v1/reconciliation/summary').set(other).expect(200);
    expect(summary.body).toEqual({
      snapshot: null, version: null, latest: true, underLicensed: 0, overLicensed: 0, matched: 0, unmapped: 0, accepted: 0, revenueAtRisk: usd(0), overspend: usd(0),
      unpricedSeats: 0, unpricedUnderSeats: 0, unpricedOverSeats: 0, billableCount: 0, unmappedDeviceCount: 0, unconfirmedMappings: 0, ...NONE_ACCEPTED, ...NO_SUMMARY_BILLING,
    });
    await api.http.get(`/api/v1/snapshots/${snapshotId}`).set(other).expect(404);
    await api.http.get('/api/v1/reconciliation/clients/org-beta').set(other).expect(404);
  });
});

describe('OpenAPI', () => {
  it('documents the reconciliation, snapshot, mapping and settings routes', async () => {
    const res = await api.http.get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining([
      '/api/v1/snapshots', '/api/v1/snapshots/{id}', '/api/v1/snapshots/{id}/devices',
      '/api/v1/reconciliation/summary', '/api/v1/reconciliation/clients', '/api/v1/reconciliation/clients/{clientId}',
      '/api/v1/reconciliation/export.csv', '/api/v1/reconciliation/clients/{clientId}/export.csv', '/api/v1/missed-billing',
      '/api/v1/clients', '/api/v1/clients/{organizationId}/mapping', '/api/v1/catalog/products', '/api/v1/catalog/products/{productId}', '/api/v1/settings',
    ]));
    const list = res.body.paths['/api/v1/reconciliation/clients'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'search', 'sort', 'order', 'limit', 'offset', 'snapshotId']));
  });
});
