// CSV exports as a spreadsheet would read them: formula injection neutralised, quoting of
// commas, quotes and newlines, the list filters honoured, negative variances still numbers.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, addProduct, addSubscription, device, ensureTenant, mapClient, pages, snapshots } from './scenario.js';
import { parseCsv } from '../support/csv.js';

let api: TestApi;
const tenant = uniqueTenant('csv');
let technician: { Authorization: string };

const NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  '+1 Plus Ltd',
  '-2 Minus Co',
  '@SUM(A1) At',
  '\tTab Start',
  '\rCarriage Start',
  'Comma, Inc',
  'Quote "Q" Corp',
  'Line\nBreak LLC',
  'Ünïcödé GmbH',
];


const edr = 'edr-product';

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addProduct(api, tenant, edr, 'Endpoint Protection');
  const devices = [];
  for (const [i, name] of NAMES.entries()) {
    const org = `org-${i}`;
    const company = `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await addOrganization(api, tenant, org, name);
    await addCompany(api, tenant, company, `Company ${i}`);
    await mapClient(api, tenant, org, company);
    // Client i has 3 devices and i licences: variance 3 - i (negative from i = 4), $2 a month each.
    await addSubscription(api, tenant, company, edr, { quantity: i, status: 'Active', billingTerm: 'Monthly', price: 2 });
    devices.push(device(org, `${i}-a`), device(org, `${i}-b`), device(org, `${i}-c`));
  }
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, 7) });
  technician = { Authorization: `Bearer ${await api.token(tenant, 'technician')}` };
});
afterAll(() => api.close());

async function download(url: string) {
  const res = await api.http.get(url).set(technician).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
  }).expect(200);
  return res;
}

describe('the client list CSV', () => {
  it('has the header, a dated attachment name, UTF-8, and one row per client', async () => {
    const res = await download('/api/v1/reconciliation/export.csv?sort=name');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="billingone-reconciliation-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = res.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual(['Client', 'Devices', 'Licenses', 'Variance', 'Status', 'Monthly impact (USD)', 'Snapshot date',
      'Product shown', 'Product lines', 'Revenue at risk (USD)', 'Overspend (USD)', 'Seats with no price', 'Version',
      'Accepted revenue at risk (USD)', 'Accepted overspend (USD)', 'Accepted seats with no price', 'Accepted gaps']);
    expect(rows).toHaveLength(1 + NAMES.length);
    expect(rows.map((r) => r[0])).toContain('Ünïcödé GmbH');
  });

  it('neutralises formulas but keeps negative variances as numbers', async () => {
    const text = ((await download('/api/v1/reconciliation/export.csv?sort=variance&order=asc')).body as string).slice(1);
    const rows = parseCsv(text).slice(1);
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(byName.get(`'=HYPERLINK("http://evil.example","click")`)).toBeDefined();
    expect(byName.get(`'+1 Plus Ltd`)).toBeDefined();
    expect(byName.get(`'-2 Minus Co`)).toBeDefined();
    expect(byName.get(`'@SUM(A1) At`)).toBeDefined();
    expect(byName.get(`'\tTab Start`)).toBeDefined();
    expect(byName.get(`'\rCarriage Start`)).toBeDefined();
    expect(rows.every((r) => !/^[=+\-@\t\r]/.test(r[0]))).toBe(true);
    // Client 9 (Ünïcödé): 3 devices, 9 licences, variance -6, -$12.00: bare numbers, not quoted, no apostrophe.
    // Its overspend is $12.00 (a positive amount: the client's money), revenue at risk 0, version 1.
    expect(byName.get('Ünïcödé GmbH')).toEqual(['Ünïcödé GmbH', '3', '9', '-6', 'Over-licensed', '-12', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 'Endpoint Protection', '1', '0', '12', '0', '1', '0', '0', '0', '']);
    expect(text).toMatch(/\r\nÜnïcödé GmbH,3,9,-6,Over-licensed,-12,\d{4}-\d{2}-\d{2},Endpoint Protection,1,0,12,0,1,0,0,0,\r\n/);
  });

  it('quotes commas, quotes and newlines so each name stays one cell', async () => {
    const text = ((await download('/api/v1/reconciliation/export.csv')).body as string).slice(1);
    expect(text).toContain('"Comma, Inc",');
    expect(text).toContain('"Quote ""Q"" Corp",');
    expect(text).toContain('"Line\nBreak LLC",');
    expect(text).toContain('"\'\rCarriage Start",');
    const names = parseCsv(text).slice(1).map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(['Comma, Inc', 'Quote "Q" Corp', 'Line\nBreak LLC']));
  });

  it('honours the filters', async () => {
    // Variance 3 - i: clients 0..2 under, 3 matched, 4..9 over.
    const under = parseCsv(((await download('/api/v1/reconciliation/export.csv?status=under-licensed')).body as string).slice(1)).slice(1);
    // The status in the words of the screen.
    expect(under.map((r) => r[4])).toEqual(['Under-licensed', 'Under-licensed', 'Under-licensed']);
    const search = parseCsv(((await download('/api/v1/reconciliation/export.csv?search=comma')).body as string).slice(1)).slice(1);
    expect(search.map((r) => r[0])).toEqual(['Comma, Inc']);
  });

  it('a per-client export lists the lines and the devices', async () => {
    const res = await download('/api/v1/reconciliation/clients/org-6/export.csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="billingone-comma-inc-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv((res.body as string).slice(1));
    expect(rows[0]).toEqual(['Client', 'Comma, Inc']);
    const lineHeader = rows.findIndex((r) => r[0] === 'Product');
    expect(rows[lineHeader + 1]).toEqual(['Endpoint Protection', '3', '6', '-3', '2', '-6', 'Over-licensed', '0', '6', '0', 'Open', '', '']);
    const deviceHeader = rows.findIndex((r) => r[0] === 'Hostname');
    expect(rows.slice(deviceHeader + 1).map((r) => [r[0], r[4], r[5]])).toEqual([['6-a-host', 'yes', ''], ['6-b-host', 'yes', ''], ['6-c-host', 'yes', '']]);
  });

  it('only technicians and above (and read keys) may export', async () => {
    const viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
    const res = await api.http.get('/api/v1/reconciliation/export.csv').set(viewer).expect(403);
    expect(res.body.message).toMatch(/technician/);
    await api.http.get('/api/v1/reconciliation/clients/org-1/export.csv').set(viewer).expect(403);
    await api.http.get('/api/v1/reconciliation/export.csv').set({ Authorization: `Bearer ${await api.token(tenant, 'admin')}` }).expect(200);
  });
});
