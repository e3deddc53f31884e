// Since when a gap has been open is stored on its line as the reconciliation is written, and
// answers as the walk over past snapshots did: the run of complete snapshots (up to the one
// read) in which the client and product had a line of the same status. A snapshot taken later
// with an older taken-at (a back-fill) lands inside the runs of the snapshots after it, which
// are worked out again. Worked out by hand: Solo has 2 EDR licences (Monthly, $10 each):
//
//   snapshot  taken      devices  line               missed billing of the latest (D)
//   A         30 d ago   4        under-licensed +2  since A, 2 snapshots          (A, D)
//   B         20 d ago   1        over-licensed  -1  since D, 1 snapshot   (B breaks the run; back-filled after D)
//   C         15 d ago   4        under-licensed +2  since C, 2 snapshots   (C, D; back-filled after B)
//   D         10 d ago   4        under-licensed +2
import { backfillOpenSince } from '../../migrations/1796186000000-GapOpenSince.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, addProduct, addSubscription, daysAgo, db, device, ensureTenant, mapClient, pages, PRODUCT, snapshots } from './scenario.js';

let api: TestApi;
let viewer: { Authorization: string };
const tenant = uniqueTenant('gap-since');
const company = '30000000-0000-4000-8000-000000000001';

const take = async (ago: number, count: number) => {
  const asOf = daysAgo(ago);
  const devices = Array.from({ length: count }, (_, i) => device('org-solo', `solo-${ago}-${i}`, { lastContact: asOf }));
  const { snapshotId } = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices), asOf: new Date(asOf) });
  return { snapshotId, takenAt: asOf };
};
const missed = async (query = '') => (await api.http.get(`/api/v1/missed-billing${query}`).set(viewer).expect(200)).body.items
  .map((i: { since: string; snapshots: number; gap: number }) => ({ gap: i.gap, since: i.since, snapshots: i.snapshots }));
const gaps = async (query = '') => (await api.http.get(`/api/v1/gaps${query}`).set(viewer).expect(200)).body.items
  .map((i: { variance: number; status: string; since: string }) => ({ variance: i.variance, status: i.status, since: i.since }));

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addProduct(api, tenant, PRODUCT.edr, 'SentinelOne Complete EDR', 'SentinelOne');
  await addOrganization(api, tenant, 'org-solo', 'Solo Studio');
  await addCompany(api, tenant, company, 'Solo Studio');
  await mapClient(api, tenant, 'org-solo', company);
  await addSubscription(api, tenant, company, PRODUCT.edr, { quantity: 2, status: 'Active', billingTerm: 'Monthly', price: 10 });
  viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
});
afterAll(() => api.close());

it('the run goes back while the status holds; a back-filled snapshot with another status breaks it, one with the same status joins it', async () => {
  const a = await take(30, 4);
  const d = await take(10, 4);
  expect(await missed()).toEqual([{ gap: 2, since: a.takenAt, snapshots: 2 }]);
  expect(await gaps()).toEqual([{ variance: 2, status: 'under-licensed', since: a.takenAt }]);

  const b = await take(20, 1);
  expect(await missed()).toEqual([{ gap: 2, since: d.takenAt, snapshots: 1 }]);
  expect(await gaps()).toEqual([{ variance: 2, status: 'under-licensed', since: d.takenAt }]);
  // The back-filled snapshot answers for itself: over-licensed since itself; not missed billing.
  expect(await gaps(`?snapshotId=${b.snapshotId}`)).toEqual([{ variance: -1, status: 'over-licensed', since: b.takenAt }]);
  expect(await missed(`?snapshotId=${b.snapshotId}`)).toEqual([]);

  const c = await take(15, 4);
  expect(await missed()).toEqual([{ gap: 2, since: c.takenAt, snapshots: 2 }]);
  expect(await gaps()).toEqual([{ variance: 2, status: 'under-licensed', since: c.takenAt }]);
  expect(await missed(`?snapshotId=${a.snapshotId}`)).toEqual([{ gap: 2, since: a.takenAt, snapshots: 1 }]);
});

it('the migration works out the same figures from the stored snapshots in one pass', async () => {
  const read = () => db(api).query(
    `SELECT snapshot_id, version, product_id, open_since, open_snapshots, billing_open_since, billing_open_snapshots
       FROM reconciliation_line WHERE tenant_id = $1 ORDER BY snapshot_id, version, product_id`, [tenant]);
  const stored = await read();
  expect(stored.filter((l: { open_since: Date | null }) => l.open_since)).toHaveLength(4);
  await db(api).query(`UPDATE reconciliation_line SET open_since = NULL, open_snapshots = NULL WHERE tenant_id = $1`, [tenant]);
  await backfillOpenSince(db(api));
  expect(await read()).toEqual(stored);
});
