// Missed billing lists several open lines in one fixed order: the largest money first; on equal
// money the larger gap; then the client's name; lines without a price last. Worked out by hand:
//
//   client  product  devices  licences  gap  unit/month         money   position
//   Zulu    EDR      10       4         6    $5 (Monthly)       $30     1
//   Alpha   EDR      5        2         3    $10 (Monthly)      $30     2  (same money, smaller gap)
//   Bravo   Backup   4        2         2    $10 (Monthly)      $20     3  (same money and gap: by name)
//   Zulu    Backup   10       8         2    $10 ($120 Annual)  $20     4
//   Mike    EDR      7        1         6    no price           none    5  (no price: last)
//   Alpha   Backup   5        9         -4   over-licensed: not listed
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, addProduct, addSubscription, device, ensureTenant, mapClient, pages, PRODUCT, snapshots } from './scenario.js';

let api: TestApi;
const tenant = uniqueTenant('missed-order');
const company = (n: number) => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addProduct(api, tenant, PRODUCT.edr, 'SentinelOne Complete EDR', 'SentinelOne');
  await addProduct(api, tenant, PRODUCT.backup, 'Datto Endpoint Backup', 'Datto');
  const clients: Array<[string, string, number, number]> = [['org-zulu', 'Zulu Works', 1, 10], ['org-alpha', 'Alpha Clinic', 2, 5], ['org-bravo', 'Bravo Farms', 3, 4], ['org-mike', 'Mike Motors', 4, 7]];
  const devices = [];
  for (const [org, name, n, count] of clients) {
    await addOrganization(api, tenant, org, name);
    await addCompany(api, tenant, company(n), name);
    await mapClient(api, tenant, org, company(n));
    for (let i = 0; i < count; i++) devices.push(device(org, `${org}-${i}`));
  }
  const active = (quantity: number, billingTerm: string, price: number | null) => ({ quantity, status: 'Active', billingTerm, price });
  await addSubscription(api, tenant, company(1), PRODUCT.edr, active(4, 'Monthly', 5));
  await addSubscription(api, tenant, company(1), PRODUCT.backup, active(8, 'Annual', 120));
  await addSubscription(api, tenant, company(2), PRODUCT.edr, active(2, 'Monthly', 10));
  await addSubscription(api, tenant, company(2), PRODUCT.backup, active(9, 'Monthly', 10));
  await addSubscription(api, tenant, company(3), PRODUCT.backup, active(2, 'Monthly', 10));
  await addSubscription(api, tenant, company(4), PRODUCT.edr, active(1, 'Monthly', null));
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
});
afterAll(() => api.close());

it('missed billing: largest money first, then the larger gap, then the name; unpriced lines last', async () => {
  const res = await api.http.get('/api/v1/missed-billing').set({ Authorization: `Bearer ${await api.token(tenant, 'viewer')}` }).expect(200);
  expect(res.body.total).toBe(5);
  expect(res.body.items.map((i: { clientName: string; productId: string; gap: number; monthlyAmount: { amount: number } | null }) =>
    [i.clientName, i.productId === PRODUCT.edr ? 'EDR' : 'Backup', i.gap, i.monthlyAmount?.amount ?? null])).toEqual([
    ['Zulu Works', 'EDR', 6, 30],
    ['Alpha Clinic', 'EDR', 3, 30],
    ['Bravo Farms', 'Backup', 2, 20],
    ['Zulu Works', 'Backup', 2, 20],
    ['Mike Motors', 'EDR', 6, null],
  ]);
});
