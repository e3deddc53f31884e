// A failed or aborted snapshot changes nothing that readers see; later changes to the mapping,
// the per-device products and the settings re-reconcile the latest snapshot; missed billing
// remembers since when a gap has been open.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { COMPANY, db, device, pages, PRODUCT, seedScenario, snapshots } from './scenario.js';

let api: TestApi;
const tenant = uniqueTenant('lifecycle');
let viewer: { Authorization: string };
let admin: { Authorization: string };
let first: string;
let devices: Awaited<ReturnType<typeof seedScenario>>;

const rowOf = async (clientId: string) => {
  const res = await api.http.get('/api/v1/reconciliation/clients?limit=500').set(viewer).expect(200);
  return res.body.items.find((i: { clientId: string }) => i.clientId === clientId);
};

beforeAll(async () => {
  api = await startTestApi();
  devices = await seedScenario(api, tenant);
  first = (await snapshots(api).take(tenant, { trigger: 'schedule', devices: pages(devices) })).snapshotId;
  viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
});
afterAll(() => api.close());

describe('a failed snapshot', () => {
  it('leaves the previous results unchanged and no rows of its own, visible or not', async () => {
    const before = {
      summary: (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body,
      list: (await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200)).body,
      snapshots: (await api.http.get('/api/v1/snapshots').set(viewer).expect(200)).body,
    };
    const more = [...devices, ...Array.from({ length: 20 }, (_, i) => device('org-beta', `late-${i}`))];
    const progress: string[] = [];
    await expect(snapshots(api).take(tenant, { trigger: 'manual', devices: pages(more, 4, 5), progress: (u) => { progress.push(u.phase); } }))
      .rejects.toThrow('PanelOne went away mid-read');
    expect(progress).toContain('devices'); // it did get part-way through the COPY
    const controller = new AbortController();
    controller.abort();
    await expect(snapshots(api).take(tenant, { trigger: 'manual', devices: pages(more), signal: controller.signal })).rejects.toThrow();

    expect((await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body).toEqual(before.summary);
    expect((await api.http.get('/api/v1/reconciliation/clients').set(viewer).expect(200)).body).toEqual(before.list);
    expect((await api.http.get('/api/v1/snapshots').set(viewer).expect(200)).body).toEqual(before.snapshots);
    const [stored] = await db(api).query(
      `SELECT (SELECT count(*) FROM snapshot WHERE tenant_id = $1)::int AS snapshots,
              (SELECT count(*) FROM snapshot_device WHERE tenant_id = $1)::int AS devices,
              (SELECT count(*) FROM reconciliation_client WHERE tenant_id = $1)::int AS clients`,
      [tenant],
    );
    expect(stored).toEqual({ snapshots: 1, devices: 27, clients: 5 });
  });
});

describe('after the snapshot', () => {
  it('missed billing counts the consecutive snapshots with the gap', async () => {
    const second = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
    expect(second.snapshotId).not.toBe(first);
    const firstTakenAt = (await api.http.get(`/api/v1/snapshots/${first}`).set(viewer).expect(200)).body.takenAt;
    const res = await api.http.get('/api/v1/missed-billing').set(viewer).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ clientId: 'org-beta', productId: PRODUCT.edr, gap: 2, since: firstTakenAt, snapshots: 2 })]);
    // The older snapshot still answers for itself.
    const old = await api.http.get(`/api/v1/missed-billing?snapshotId=${first}`).set(viewer).expect(200);
    expect(old.body.items).toEqual([expect.objectContaining({ since: firstTakenAt, snapshots: 1 })]);
    const trend = (await api.http.get('/api/v1/reconciliation/clients/org-beta').set(viewer).expect(200)).body.trend;
    expect(trend.map((t: { snapshotId: string }) => t.snapshotId)).toEqual([first, second.snapshotId]);
  });

  it('mapping an unmapped organization re-reconciles the latest snapshot', async () => {
    expect(await rowOf('org-delta')).toMatchObject({ status: 'unmapped', devices: 2 });
    const res = await api.http.put('/api/v1/clients/org-delta/mapping').set(admin).send({ pax8CompanyId: COMPANY.spare }).expect(200);
    expect(res.body).toMatchObject({ organizationId: 'org-delta', pax8CompanyId: COMPANY.spare, mappingState: 'confirmed' });
    // The spare company has no per-device licence: under-licensed by both billable devices, money unknown.
    expect(await rowOf('org-delta')).toMatchObject({ status: 'under-licensed', devices: 2, licenses: 0, variance: 2, monthlyImpact: null, pax8CompanyId: COMPANY.spare });
    await api.http.put('/api/v1/clients/org-delta/mapping').set(admin).send({ pax8CompanyId: null }).expect(200);
    expect(await rowOf('org-delta')).toMatchObject({ status: 'unmapped' });
  });

  it('marking a product per-device re-reconciles: M365 now counts for Echo and Acme', async () => {
    const res = await api.http.put(`/api/v1/catalog/products/${PRODUCT.m365}`).set(admin).send({ perDevice: true }).expect(200);
    expect(res.body).toMatchObject({ productId: PRODUCT.m365, perDevice: true, suggested: false, confirmed: true });
    // Echo: 5 devices, M365 5 Active -> matched, $0. Acme: EDR -1 and M365 4 - 20 = -16 at $22 -> row shows M365.
    expect(await rowOf('org-echo')).toMatchObject({ status: 'matched', licenses: 5, variance: 0, monthlyImpact: { amount: 0, currency: 'USD' }, lineCount: 1 });
    expect(await rowOf('org-acme')).toMatchObject({ status: 'over-licensed', licenses: 20, variance: -16, lineCount: 2, monthlyImpact: { amount: -356.6, currency: 'USD' } });
    await api.http.put(`/api/v1/catalog/products/${PRODUCT.m365}`).set(admin).send({ perDevice: false }).expect(200);
    expect(await rowOf('org-echo')).toMatchObject({ status: 'under-licensed', lineCount: 0 });
  });

  it('a tolerance of 1 makes a variance of -1 matched; licensed statuses decide what counts', async () => {
    await api.http.put('/api/v1/settings').set(admin).send({ matchedTolerance: 1 }).expect(200);
    expect(await rowOf('org-acme')).toMatchObject({ status: 'matched', variance: -1 });
    await api.http.put('/api/v1/settings').set(admin).send({ matchedTolerance: 0, licensedStatuses: ['Active', 'Trial'] }).expect(200);
    // Beta backup 9 + 5 in Trial = 14 -> -8; Echo's EDR in Trial (5) -> a line, matched.
    expect(await rowOf('org-beta')).toMatchObject({ status: 'under-licensed', licenses: 14, variance: -8 });
    expect(await rowOf('org-echo')).toMatchObject({ status: 'matched', licenses: 5, variance: 0, monthlyImpact: null });
    await api.http.put('/api/v1/settings').set(admin).send({ licensedStatuses: ['Active'] }).expect(200);
  });

  it('the worker entry point reconciles on demand', async () => {
    const { ReconciliationWriter } = await import('../../src/reconciliation/reconciliation-writer.service.js');
    const result = await api.app.get(ReconciliationWriter).reconcile(tenant, first);
    // Nothing changed since the snapshot: the version in force already says it, so none is added.
    expect(result).toEqual({ snapshotId: first, clients: 5, version: 1, newVersion: false });
    await expect(api.app.get(ReconciliationWriter).reconcile(uniqueTenant('none'))).rejects.toThrow(/not found/);
  });
});

describe('a large snapshot', () => {
  it('streams 30,000 devices in pages of 1,000 through COPY', async () => {
    const big = uniqueTenant('big');
    const { ensureTenant, addOrganization, addCompany, mapClient } = await import('./scenario.js');
    await ensureTenant(api, big);
    for (let o = 0; o < 30; o++) {
      await addOrganization(api, big, `org-${o}`, `Org ${o}`);
      await addCompany(api, big, `40000000-0000-4000-8000-${String(o).padStart(12, '0')}`, `Org ${o}`);
      if (o % 3) await mapClient(api, big, `org-${o}`, `40000000-0000-4000-8000-${String(o).padStart(12, '0')}`);
    }
    async function* generate() {
      for (let page = 0; page < 30; page++) {
        // Device i sits in org i % 30; every 10th is a printer; every 7th repeats the serial of the device 30 before it (same org).
        yield Array.from({ length: 1000 }, (_, k) => {
          const i = page * 1000 + k;
          return device(`org-${i % 30}`, `dev-${i}`, { deviceClass: i % 10 === 0 ? 'PRINTER' : 'WINDOWS_WORKSTATION', serialNumber: i % 7 === 0 && i >= 30 ? `SN-${i - 30}` : `SN-${i}` });
        });
      }
    }
    const taken = await snapshots(api).take(big, { trigger: 'sync-all', devices: generate() });
    const [expected] = await db(api).query(
      `SELECT count(*)::int AS devices, count(*) FILTER (WHERE counted)::int AS counted,
              count(*) FILTER (WHERE reason = 'duplicate-serial')::int AS duplicates
         FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2`,
      [big, taken.snapshotId],
    );
    expect(taken.deviceCount).toBe(30_000);
    expect(expected.devices).toBe(30_000);
    expect(taken.billableCount).toBe(expected.counted);
    expect(expected.duplicates).toBeGreaterThan(0);
    const summary = await api.http.get('/api/v1/reconciliation/summary').set({ Authorization: `Bearer ${await api.token(big, 'viewer')}` }).expect(200);
    // Orgs 0, 10 and 20 hold only printers (i % 10 === 0): mapped 10 and 20 are matched at 0 = 0; org 0 is unmapped anyway.
    // The other 18 mapped orgs have devices and no licence: under-licensed.
    expect(summary.body).toMatchObject({ unmapped: 10, underLicensed: 18, matched: 2, overLicensed: 0 });
  });
});
