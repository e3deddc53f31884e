// The third column (PSA billing) through the HTTP API, on a world whose expected table was
// worked out by hand (tolerance 0; every device counts):
//
// Catalog (Pax8): EDR "SentinelOne Complete EDR" (SKU-Sentinel), Backup "Datto Endpoint Backup",
//   AV-A and AV-B, both "Antivirus Plus" with the same SKU (SKU-Antiviru): the two-products case.
// PSA catalog: item-edr (SKU-Sentinel -> EDR by SKU), item-backup ("DATTO ENDPOINT BACKUP" -> Backup
//   by normalised name), item-av ("antivirus plus": matches AV-A and AV-B equally -> ambiguous, no
//   suggestion, bills nothing until an admin picks one), item-labour (matches nothing: listed, unmapped).
//
// Alpha:   10 devices; EDR 10 licences ($5). Billed EDR 8 MONTHLY at $7.00 (+ a cancelled addition of 5).
//          billed 8, billedVariance +2 under-billed, unbilledLicences +2, underBilled 2 x 7.00 = $14.00.
//          Licences match (variance 0): billed less than its devices, fully licensed.
// Bravo:    6 devices; Backup 4 licences ($10). Billed Backup 6 QUARTERLY at $30.00 ($10.00/month);
//          an INACTIVE agreement's 3 do not count. billed 6, billedVariance 0 (billed), unbilledLicences
//          4 - 6 = -2: licensed less than billed. Licence side: under-licensed by 2 (revenue at risk $20.00).
// Charlie:  5 devices; EDR 5 licences ($5). Two ACTIVE agreements: EDR 3 MONTHLY $6.00 and EDR 4 ANNUAL
//          $84.00 ($7.00/month). billed 7, billedVariance -2 over-billed, unbilledLicences -2; price
//          (3 x 6 + 4 x 7) / 7 = 6.5714 -> $6.57; underBilled $0.
// Delta:    4 devices; AV-A 4 licences ($3). Billed item-av 4 MONTHLY $4.00, ambiguous -> billed 0,
//          under-billed by 4, no billed price: underBilled null, 4 unpriced under-billed seats.
// Echo:     2 devices; AV-B 2 licences ($3). Billed item-av 2 -> the same: billed 0, 2 unpriced seats.
// Summary: underBilled $14.00 (Alpha); under-billed clients 3 (Alpha, Delta, Echo), over-billed 1
//   (Charlie); unpriced under-billed seats 4 + 2 = 6.
// An admin maps item-av to AV-A: Delta billed 4 (billed, $0); Echo's AV-B line stays at 0 (one item
//   bills one product, never both): under-billed clients 2, unpriced seats 2; a new version.
import { randomUUID } from 'node:crypto';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { parseCsv } from '../support/csv.js';
import { addCompany, addOrganization, addProduct, addSubscription, db, device, ensureTenant, mapClient, pages, snapshots } from './scenario.js';

let api: TestApi;
const tenant = uniqueTenant('psa');
let admin: { Authorization: string };
let viewer: { Authorization: string };

const usd = (amount: number) => ({ amount, currency: 'USD' });
const C = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
const P = { edr: '20000000-0000-4000-8000-000000000001', backup: '20000000-0000-4000-8000-000000000002', avA: '20000000-0000-4000-8000-00000000000a', avB: '20000000-0000-4000-8000-00000000000b' };

async function agreement(id: string, organizationId: string, status: string) {
  await db(api).query(`INSERT INTO panelone_agreement (tenant_id, id, organization_id, name, status, start_date, raw) VALUES ($1, $2, $3, $4, $5, '2026-01-01', '{}')`,
    [tenant, id, organizationId, `${id} agreement`, status]);
}
let additionSeq = 0;
async function addition(agreementId: string, itemId: string, quantity: number, unitPrice: number, cycle: string, cancelled = false) {
  await db(api).query(
    `INSERT INTO panelone_addition (tenant_id, id, agreement_id, catalog_item_id, description, quantity, unit_price, currency, billing_cycle, effective_date, cancelled_date, version, raw)
     VALUES ($1, $2, $3, $4, $4, $5, $6, 'USD', $7, '2026-01-01', $8, '1', '{}')`,
    [tenant, `add-${++additionSeq}`, agreementId, itemId, quantity, unitPrice, cycle, cancelled ? '2026-06-01' : null]);
}
async function item(id: string, sku: string | null, name: string) {
  await db(api).query(`INSERT INTO panelone_catalog_item (tenant_id, id, sku, name, category, raw) VALUES ($1, $2, $3, $4, 'Services', '{}')`, [tenant, id, sku, name]);
}

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addProduct(api, tenant, P.edr, 'SentinelOne Complete EDR', 'SentinelOne');
  await addProduct(api, tenant, P.backup, 'Datto Endpoint Backup', 'Datto');
  await addProduct(api, tenant, P.avA, 'Antivirus Plus', 'Vendor A');
  await addProduct(api, tenant, P.avB, 'Antivirus Plus', 'Vendor B');
  const clients: Array<[string, string, number, string, number, number]> = [
    ['alpha', 'Alpha Dental', 10, P.edr, 10, 5], ['bravo', 'Bravo Legal', 6, P.backup, 4, 10], ['charlie', 'Charlie Freight', 5, P.edr, 5, 5],
    ['delta', 'Delta Clinic', 4, P.avA, 4, 3], ['echo', 'Echo Realty', 2, P.avB, 2, 3],
  ];
  const devices = [];
  for (const [i, [key, name, count, product, licences, price]] of clients.entries()) {
    await addOrganization(api, tenant, `org-${key}`, name);
    await addCompany(api, tenant, C(i), `${name} Inc`);
    await mapClient(api, tenant, `org-${key}`, C(i));
    await addSubscription(api, tenant, C(i), product, { quantity: licences, status: 'Active', billingTerm: 'Monthly', price });
    for (let d = 0; d < count; d++) devices.push(device(`org-${key}`, `${key}-${d}`));
  }
  await item('item-edr', 'SKU-Sentinel', 'EDR per device');
  await item('item-backup', 'P1-BK', 'DATTO ENDPOINT BACKUP');
  await item('item-av', 'P1-AV', 'antivirus plus');
  await item('item-labour', 'MSP-HR', 'Onsite hour');
  await agreement('agr-alpha', 'org-alpha', 'ACTIVE');
  await addition('agr-alpha', 'item-edr', 8, 7, 'MONTHLY');
  await addition('agr-alpha', 'item-edr', 5, 7, 'MONTHLY', true);
  await agreement('agr-bravo', 'org-bravo', 'ACTIVE');
  await addition('agr-bravo', 'item-backup', 6, 30, 'QUARTERLY');
  await agreement('agr-bravo-old', 'org-bravo', 'INACTIVE');
  await addition('agr-bravo-old', 'item-backup', 3, 30, 'QUARTERLY');
  await agreement('agr-charlie-1', 'org-charlie', 'ACTIVE');
  await addition('agr-charlie-1', 'item-edr', 3, 6, 'MONTHLY');
  await agreement('agr-charlie-2', 'org-charlie', 'ACTIVE');
  await addition('agr-charlie-2', 'item-edr', 4, 84, 'ANNUAL');
  await agreement('agr-delta', 'org-delta', 'ACTIVE');
  await addition('agr-delta', 'item-av', 4, 4, 'MONTHLY');
  await agreement('agr-echo', 'org-echo', 'ACTIVE');
  await addition('agr-echo', 'item-av', 2, 4, 'MONTHLY');
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, 10) });
  admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
  viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
});
afterAll(() => api.close());

const rows = async (query = '') => {
  const res = await api.http.get(`/api/v1/reconciliation/clients${query}`).set(viewer).expect(200);
  return new Map((res.body.items as Array<{ clientId: string } & Record<string, any>>).map((r) => [r.clientId, r]));
};
const BILLING_KEYS = ['billed', 'billedVariance', 'unbilledLicences', 'billingStatus', 'billedUnitPriceMonthly', 'underBilled', 'unpricedUnderBilledSeats'];

it('with PSA billing off (the default), every billed figure is null, although agreements are stored', async () => {
  const list = await rows();
  for (const row of list.values()) {
    for (const key of BILLING_KEYS.filter((k) => k !== 'billedUnitPriceMonthly')) expect(row).toHaveProperty(key, null);
    for (const line of row.lines) for (const key of BILLING_KEYS) expect(line).toHaveProperty(key, null);
  }
  const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
  expect(summary).toMatchObject({ underBilled: null, underBilledClients: null, overBilledClients: null, unpricedUnderBilledSeats: null });
  expect((await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200)).body.totals.underBilled).toBeNull();
  for (const p of (await api.http.get('/api/v1/products/reconciliation').set(viewer).expect(200)).body.items) {
    expect(p).toMatchObject({ billed: null, underBilledSeats: null, overBilledSeats: null, unbilledLicences: null, underBilled: null });
  }
  for (const item of (await api.http.get('/api/v1/missed-billing').set(viewer).expect(200)).body.items) {
    expect(item).toMatchObject({ kind: null, billed: null, billedVariance: null, underBilled: null });
  }
  const detail = (await api.http.get('/api/v1/reconciliation/clients/org-alpha').set(viewer).expect(200)).body;
  for (const point of detail.trend) for (const line of point.lines) expect(line).toHaveProperty('billed', null);
});

it('the PSA catalog lists every item: by SKU, by normalised name, ambiguous (two products, no suggestion), unmapped', async () => {
  const res = await api.http.get('/api/v1/catalog/psa-items').set(admin).expect(200);
  const byId = new Map((res.body.items as Array<Record<string, any>>).map((i) => [i.itemId, i]));
  expect([...byId.keys()].sort()).toEqual(['item-av', 'item-backup', 'item-edr', 'item-labour']);
  expect(byId.get('item-edr')).toMatchObject({ pax8ProductId: P.edr, pax8ProductName: 'SentinelOne Complete EDR', state: 'suggested', reason: 'sku', candidates: [] });
  expect(byId.get('item-backup')).toMatchObject({ pax8ProductId: P.backup, state: 'suggested', reason: 'name' });
  expect(byId.get('item-av')).toMatchObject({ pax8ProductId: null, state: 'ambiguous', reason: null });
  expect(byId.get('item-av')!.candidates.map((c: { pax8ProductId: string }) => c.pax8ProductId)).toEqual([P.avA, P.avB]);
  expect(byId.get('item-labour')).toMatchObject({ pax8ProductId: null, state: 'none', candidates: [] });
});

describe('with PSA billing on', () => {
  beforeAll(async () => {
    await api.http.put('/api/v1/settings').set(admin).send({ psaBilling: { enabled: true } }).expect(200);
  });

  it('each line carries the hand-computed billed figures', async () => {
    const list = await rows();
    const line = (org: string) => list.get(org)!.lines[0];
    expect(line('org-alpha')).toMatchObject({ devices: 10, licenses: 10, variance: 0, billed: 8, billedVariance: 2, unbilledLicences: 2, billingStatus: 'under-billed',
      billedUnitPriceMonthly: usd(7), underBilled: usd(14), unpricedUnderBilledSeats: 0 });
    expect(line('org-bravo')).toMatchObject({ devices: 6, licenses: 4, variance: 2, revenueAtRisk: usd(20), billed: 6, billedVariance: 0, unbilledLicences: -2,
      billingStatus: 'billed', billedUnitPriceMonthly: usd(10), underBilled: usd(0) });
    expect(line('org-charlie')).toMatchObject({ devices: 5, licenses: 5, billed: 7, billedVariance: -2, unbilledLicences: -2, billingStatus: 'over-billed',
      billedUnitPriceMonthly: usd(6.57), underBilled: usd(0) });
    expect(line('org-delta')).toMatchObject({ billed: 0, billedVariance: 4, unbilledLicences: 4, billingStatus: 'under-billed', billedUnitPriceMonthly: null,
      underBilled: null, unpricedUnderBilledSeats: 4 });
    expect(line('org-echo')).toMatchObject({ billed: 0, billedVariance: 2, billingStatus: 'under-billed', underBilled: null, unpricedUnderBilledSeats: 2 });
    // The client row: the headline line's quantities, the money summed.
    expect(list.get('org-alpha')).toMatchObject({ billed: 8, billedVariance: 2, unbilledLicences: 2, billingStatus: 'under-billed', underBilled: usd(14) });
    expect(list.get('org-charlie')).toMatchObject({ billingStatus: 'over-billed', underBilled: usd(0) });
    expect(list.get('org-delta')).toMatchObject({ billingStatus: 'under-billed', underBilled: usd(0), unpricedUnderBilledSeats: 4 });
  });

  it('the summary totals are the sums of the rows, and the list sorts by underBilled and billedVariance', async () => {
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(summary).toMatchObject({ underBilled: usd(14), underBilledClients: 3, overBilledClients: 1, unpricedUnderBilledSeats: 6 });
    const list = await api.http.get('/api/v1/reconciliation/clients?sort=underBilled').set(viewer).expect(200);
    expect(list.body.items[0].clientId).toBe('org-alpha');
    expect(list.body.totals.underBilled).toEqual(usd(14));
    const byVariance = await api.http.get('/api/v1/reconciliation/clients?sort=billedVariance&order=asc').set(viewer).expect(200);
    expect(byVariance.body.items.map((r: { clientId: string }) => r.clientId)).toEqual(['org-charlie', 'org-bravo', 'org-alpha', 'org-echo', 'org-delta']);
  });

  it('missed billing lists the under-billed gaps first (largest money, then the unpriced), then the under-licensed ones', async () => {
    const res = await api.http.get('/api/v1/missed-billing').set(viewer).expect(200);
    expect(res.body.total).toBe(4);
    expect(res.body.items.map((i: Record<string, unknown>) => [i.kind, i.clientId, i.gap, i.monthlyAmount])).toEqual([
      ['under-billed', 'org-alpha', 2, usd(14)], ['under-billed', 'org-delta', 4, null], ['under-billed', 'org-echo', 2, null], ['under-licensed', 'org-bravo', 2, usd(20)],
    ]);
    expect(res.body.items[0].action).toBe('Bill 2 more seats of SentinelOne Complete EDR (billed 8, 10 in use).');
    const page2 = await api.http.get('/api/v1/missed-billing?limit=2&offset=2').set(viewer).expect(200);
    expect(page2.body.items.map((i: { clientId: string }) => i.clientId)).toEqual(['org-echo', 'org-bravo']);
  });

  it('the drill-down carries the billed series in its trend; products and the CSV carry billed', async () => {
    const detail = (await api.http.get('/api/v1/reconciliation/clients/org-charlie').set(viewer).expect(200)).body;
    expect(detail.trend.at(-1).lines).toEqual([expect.objectContaining({ productId: P.edr, licenses: 5, billed: 7 })]);
    const products = (await api.http.get('/api/v1/products/reconciliation').set(viewer).expect(200)).body;
    expect(products.items.find((p: { productId: string }) => p.productId === P.edr)).toMatchObject({
      clients: 2, devices: 15, licenses: 15, billed: 15, underBilledSeats: 2, overBilledSeats: 2, unbilledLicences: 2, underBilled: usd(14),
    });
    const csv = parseCsv((await api.http.get('/api/v1/reconciliation/export.csv').set(admin).expect(200)).text);
    const header = csv[0];
    const alpha = csv.find((r) => r[0] === 'Alpha Dental')!;
    const cell = (name: string) => alpha[header.indexOf(name)];
    expect([cell('Billed (product shown)'), cell('Billed variance (product shown)'), cell('Unbilled licences (product shown)'), cell('Billing status'), cell('Under-billed (USD)')])
      .toEqual(['8', '2', '2', 'Under-billed', '14']);
  });

  it('an admin maps the ambiguous item to one product: that line is billed, the other stays at 0; audited; a new version', async () => {
    const before = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body.version;
    const res = await api.http.put('/api/v1/catalog/psa-items/item-av/mapping').set(admin).send({ pax8ProductId: P.avA }).expect(200);
    expect(res.body).toMatchObject({ itemId: 'item-av', pax8ProductId: P.avA, state: 'confirmed', reason: 'admin' });
    const list = await rows();
    expect(list.get('org-delta')!.lines[0]).toMatchObject({ billed: 4, billedVariance: 0, billingStatus: 'billed', underBilled: usd(0), billedUnitPriceMonthly: usd(4) });
    expect(list.get('org-echo')!.lines[0]).toMatchObject({ billed: 0, billingStatus: 'under-billed', unpricedUnderBilledSeats: 2 });
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(summary).toMatchObject({ version: before + 1, underBilled: usd(14), underBilledClients: 2, unpricedUnderBilledSeats: 2 });
    const audit = await api.http.get('/api/v1/audit?type=psa-item.').set(admin).expect(200);
    expect(audit.body.items[0]).toMatchObject({ type: 'psa-item.mapping-changed', subject: 'item-av',
      before: { pax8ProductId: null, state: 'ambiguous' }, after: { pax8ProductId: P.avA, state: 'confirmed' } });
  });

  it('bad input is a 4xx that changes nothing', async () => {
    const list = async () => (await api.http.get('/api/v1/catalog/psa-items').set(admin).expect(200)).body;
    const before = await list();
    await api.http.put('/api/v1/catalog/psa-items/item-edr/mapping').set(admin).send({ pax8ProductId: 'nope' }).expect(400);
    await api.http.put('/api/v1/catalog/psa-items/item-edr/mapping').set(admin).send({}).expect(400);
    await api.http.put('/api/v1/catalog/psa-items/item-edr/mapping').set(admin).send({ pax8ProductId: randomUUID() }).expect(404);
    await api.http.put('/api/v1/catalog/psa-items/item-nope/mapping').set(admin).send({ pax8ProductId: null }).expect(404);
    await api.http.put('/api/v1/settings').set(admin).send({ psaBilling: { enabled: 'yes' } }).expect(400);
    expect(await list()).toEqual(before);
    await api.http.put('/api/v1/catalog/psa-items/item-edr/mapping').set(viewer).send({ pax8ProductId: null }).expect(403);
  });

  it('turning PSA billing off takes the column out again, as a new version', async () => {
    await api.http.put('/api/v1/settings').set(admin).send({ psaBilling: { enabled: false } }).expect(200);
    const list = await rows();
    expect(list.get('org-alpha')).toHaveProperty('billed', null);
    expect(list.get('org-alpha')!.lines[0]).toHaveProperty('billed', null);
    const audit = await api.http.get('/api/v1/audit?type=settings.psa-billing-changed').set(admin).expect(200);
    expect(audit.body.items.map((e: { after: unknown }) => e.after)).toEqual([{ enabled: false }, { enabled: true }]);
  });
});

it('on, but before any agreement was synced: no PSA data, so no billed figure (not "billed 0" everywhere)', async () => {
  const fresh = uniqueTenant('psa-fresh');
  await ensureTenant(api, fresh);
  await addOrganization(api, fresh, 'org-one', 'One Dental');
  await addCompany(api, fresh, C(50), 'One Dental Inc');
  await mapClient(api, fresh, 'org-one', C(50));
  await addProduct(api, fresh, P.edr, 'SentinelOne Complete EDR', 'SentinelOne');
  await addSubscription(api, fresh, C(50), P.edr, { quantity: 3, status: 'Active', billingTerm: 'Monthly', price: 5 });
  await snapshots(api).take(fresh, { trigger: 'manual', devices: pages([device('org-one', 'one-1'), device('org-one', 'one-2')], 10) });
  const freshAdmin = { Authorization: `Bearer ${await api.token(fresh, 'admin')}` };
  await api.http.put('/api/v1/settings').set(freshAdmin).send({ psaBilling: { enabled: true } }).expect(200);
  const res = await api.http.get('/api/v1/reconciliation/clients').set(freshAdmin).expect(200);
  expect(res.body.items[0]).toHaveProperty('billed', null);
  expect(res.body.items[0].lines[0]).toHaveProperty('billed', null);
  expect((await api.http.get('/api/v1/reconciliation/versions').set(freshAdmin).expect(200)).body.items).toHaveLength(1);
});
