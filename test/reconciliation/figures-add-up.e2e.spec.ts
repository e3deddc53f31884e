// Every figure adds up: the summary's money is exactly the sum of the list's rows, each row's
// money the sum of its product lines, every line's unit price times its variance its amount, to
// the cent; money is never netted; unmapped organizations stand apart. Checked on the demo world
// the simulators generate and on a hand-made world with multi-product, unpriced and unmapped
// clients. And reconciliations are versioned: a rule change makes a new version, the earlier one
// stays readable with its original numbers.
import { generateDataset } from '../../simulators/index.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { syncSimulatedWorld, type SimulatedWorld } from '../support/simulated-world.js';
import { addSubscription, COMPANY, db, device, pages, PRODUCT, seedScenario, snapshots } from './scenario.js';

type Money = { amount: number; currency: string };
interface Line { productId: string; devices: number; licenses: number; variance: number; status: string; unitPriceMonthly: Money | null; revenueAtRisk: Money | null; overspend: Money | null; unpricedSeats: number }
interface Row { clientId: string; status: string; devices: number; licenses: number | null; variance: number | null; headlineProductId: string | null; revenueAtRisk: Money; overspend: Money; unpricedSeats: number; lines: Line[] }

const cents = (m: Money | null | undefined) => Math.round((m?.amount ?? 0) * 100);

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function allRows(headers: Record<string, string>, query = ''): Promise<{ rows: Row[]; totals: { devices: number; revenueAtRisk: Money; overspend: Money; unpricedSeats: number } }> {
  const rows: Row[] = [];
  let totals;
  for (let offset = 0; ; offset += 200) {
    const page = await api.http.get(`/api/v1/reconciliation/clients?limit=200&offset=${offset}${query}`).set(headers).expect(200);
    rows.push(...page.body.items);
    totals = page.body.totals;
    if (rows.length >= page.body.total) break;
  }
  return { rows, totals };
}

/** The invariants of "every figure adds up", for one reconciliation (query selects it). Returns the number of lines checked. */
async function expectFiguresAddUp(tenant: string, query = ''): Promise<number> {
  const headers = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  const summary = (await api.http.get(`/api/v1/reconciliation/summary?${query.slice(1)}`).set(headers).expect(200)).body;
  const { rows, totals } = await allRows(headers, query);
  const mapped = rows.filter((r) => r.status !== 'unmapped');
  let lines = 0;
  for (const row of rows) {
    // A row's money is the sum of its lines; a line's amount is its unit price times its variance.
    expect([row.clientId, cents(row.revenueAtRisk)]).toEqual([row.clientId, row.lines.reduce((sum, l) => sum + cents(l.revenueAtRisk), 0)]);
    expect([row.clientId, cents(row.overspend)]).toEqual([row.clientId, row.lines.reduce((sum, l) => sum + cents(l.overspend), 0)]);
    if (row.lines.length) expect([row.clientId, row.unpricedSeats]).toEqual([row.clientId, row.lines.reduce((sum, l) => sum + l.unpricedSeats, 0)]);
    for (const l of row.lines) {
      lines++;
      expect(l.variance).toBe(l.devices - l.licenses);
      const amount = l.status === 'under-licensed' ? l.revenueAtRisk : l.status === 'over-licensed' ? l.overspend : null;
      if (l.unitPriceMonthly && amount) expect([row.clientId, l.productId, Math.abs(l.variance) * cents(l.unitPriceMonthly)]).toEqual([row.clientId, l.productId, cents(amount)]);
      if (!l.unitPriceMonthly && l.status !== 'matched') {
        expect(amount).toBeNull(); // never a silent $0
        expect(l.unpricedSeats).toBe(Math.abs(l.variance));
      }
      // Money sits on one side only: never netted.
      if (l.status !== 'under-licensed') expect(cents(l.revenueAtRisk)).toBe(0);
      if (l.status !== 'over-licensed') expect(cents(l.overspend)).toBe(0);
    }
    // The client-level figures stand for the headline product's line.
    const headline = row.lines.find((l) => l.productId === row.headlineProductId);
    if (headline) expect([row.licenses, row.variance]).toEqual([headline.licenses, headline.variance]);
    if (row.status === 'unmapped') {
      expect([row.licenses, row.variance, cents(row.revenueAtRisk), cents(row.overspend), row.unpricedSeats]).toEqual([null, null, 0, 0, 0]);
    }
  }
  // The summary is exactly the sum of the rows, to the cent, and the list's totals agree.
  expect(cents(summary.revenueAtRisk)).toBe(rows.reduce((sum, r) => sum + cents(r.revenueAtRisk), 0));
  expect(cents(summary.overspend)).toBe(rows.reduce((sum, r) => sum + cents(r.overspend), 0));
  expect(summary.unpricedSeats).toBe(rows.reduce((sum, r) => sum + r.unpricedSeats, 0));
  expect([cents(totals.revenueAtRisk), cents(totals.overspend), totals.unpricedSeats]).toEqual([cents(summary.revenueAtRisk), cents(summary.overspend), summary.unpricedSeats]);
  // Unmapped organizations stand apart: their devices are not billable devices.
  expect(summary.billableCount).toBe(mapped.reduce((sum, r) => sum + r.devices, 0));
  expect(summary.unmappedDeviceCount).toBe(rows.filter((r) => r.status === 'unmapped').reduce((sum, r) => sum + r.devices, 0));
  expect(summary.underLicensed).toBe(rows.filter((r) => r.status === 'under-licensed').length);
  expect(summary.unmapped).toBe(rows.filter((r) => r.status === 'unmapped').length);
  const mappedList = await allRows(headers, `${query}&status=mapped`);
  expect(mappedList.totals.devices).toBe(summary.billableCount);
  // Per product, the same money again.
  const products = (await api.http.get(`/api/v1/products/reconciliation?${query.slice(1)}`).set(headers).expect(200)).body;
  expect(products.items.reduce((sum: number, p: { revenueAtRisk: Money }) => sum + cents(p.revenueAtRisk), 0)).toBe(cents(summary.revenueAtRisk));
  expect(products.items.reduce((sum: number, p: { overspend: Money }) => sum + cents(p.overspend), 0)).toBe(cents(summary.overspend));
  return lines;
}

describe('the demo world', () => {
  let world: SimulatedWorld;
  const tenant = uniqueTenant('adds-up-demo');

  beforeAll(async () => {
    world = await syncSimulatedWorld(api, tenant, generateDataset({ profile: 'demo' }));
  }, 120_000);
  afterAll(() => world?.close());

  it('summary = sum of rows = sum of lines, to the cent; unit x variance = amount on every line', async () => {
    expect(await expectFiguresAddUp(tenant)).toBeGreaterThan(30);
  });
});

describe('a world with multi-product, unpriced and unmapped clients', () => {
  const tenant = uniqueTenant('adds-up-hand');
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let first: string;

  beforeAll(async () => {
    const devices = await seedScenario(api, tenant);
    // Gamma gets a second product with no price: 3 devices, 1 licence, a gap of 2 unpriced seats.
    await addSubscription(api, tenant, COMPANY.gamma, PRODUCT.edr, { quantity: 1, status: 'Active', billingTerm: 'Monthly', price: null });
    first = (await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) })).snapshotId;
    admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
    viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  });

  it('adds up, and Gamma\'s unpriced gap is seats, not $0', async () => {
    expect(await expectFiguresAddUp(tenant)).toBe(5);
    const gamma = (await api.http.get('/api/v1/reconciliation/clients/org-gamma').set(viewer).expect(200)).body;
    expect(gamma).toMatchObject({ status: 'under-licensed', unpricedSeats: 2, revenueAtRisk: { amount: 0 }, headlineProductId: PRODUCT.edr, lineCount: 2 });
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    // Echo's 5 (no per-device line at all) and Gamma's 2.
    expect(summary).toMatchObject({ unpricedSeats: 7, unpricedUnderSeats: 7, unpricedOverSeats: 0, unmapped: 1, unmappedDeviceCount: 2, billableCount: 18 });
  });

  it('a rule change makes a new version; the earlier one is still readable with its original numbers', async () => {
    const before = {
      summary: (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body,
      beta: (await api.http.get('/api/v1/reconciliation/clients/org-beta').set(viewer).expect(200)).body,
    };
    expect(before.summary).toMatchObject({ version: 1, latest: true });
    // Trials count as licences from now on: Beta's 5 Trial backup seats join its 9.
    await api.http.put('/api/v1/settings').set(admin).send({ licensedStatuses: ['Active', 'Trial'] }).expect(200);

    const after = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(after).toMatchObject({ snapshot: { id: first }, version: 2, latest: true });
    expect(after.overspend).not.toEqual(before.summary.overspend);
    const versions = (await api.http.get(`/api/v1/reconciliation/versions?snapshotId=${first}`).set(viewer).expect(200)).body;
    expect(versions.items.map((v: { version: number; reason: string }) => [v.version, v.reason])).toEqual([
      [2, expect.stringMatching(/^counting rules changed by /)], [1, 'snapshot taken'],
    ]);

    // Version 1 as it was reported, field for field (only `latest` says it is history now).
    const v1 = (await api.http.get(`/api/v1/reconciliation/summary?snapshotId=${first}&version=1`).set(viewer).expect(200)).body;
    expect(v1).toEqual({ ...before.summary, latest: false });
    const beta = (await api.http.get(`/api/v1/reconciliation/clients/org-beta?snapshotId=${first}&version=1`).set(viewer).expect(200)).body;
    expect(beta.lines).toEqual(before.beta.lines);
    expect(await expectFiguresAddUp(tenant, `&snapshotId=${first}&version=1`)).toBe(5);
    expect(await expectFiguresAddUp(tenant)).toBeGreaterThan(0);

    await api.http.get(`/api/v1/reconciliation/summary?snapshotId=${first}&version=9`).set(viewer).expect(404);
    await api.http.get('/api/v1/reconciliation/summary?version=0').set(viewer).expect(400);
    await api.http.put('/api/v1/settings').set(admin).send({ licensedStatuses: ['Active'] }).expect(200);
  });

  it('the trend has one series per product, placed by date, and marks where the rules changed', async () => {
    // The tolerance changes: the first snapshot gets a new version under the new rules, and the
    // next snapshot is taken under them too.
    await api.http.put('/api/v1/settings').set(admin).send({ matchedTolerance: 1 }).expect(200);
    const devices = [device('org-beta', 'late-1'), ...(await seedScenarioDevices())];
    await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
    const beta = (await api.http.get('/api/v1/reconciliation/clients/org-beta').set(viewer).expect(200)).body;
    expect(beta.trend).toHaveLength(2);
    expect(Date.parse(beta.trend[0].takenAt)).toBeLessThan(Date.parse(beta.trend[1].takenAt));
    expect(beta.trend[0]).toMatchObject({ snapshotId: first, devices: 6, rulesChanged: true, reason: expect.stringMatching(/^counting rules changed by /) });
    expect(beta.trend[1]).toMatchObject({ version: 1, devices: 7, rulesChanged: false, reason: 'snapshot taken' });
    expect(beta.trend.map((p: { lines: Array<{ productId: string }> }) => p.lines.map((l) => l.productId))).toEqual([
      [PRODUCT.backup, PRODUCT.edr], [PRODUCT.backup, PRODUCT.edr],
    ]);
    // Each product keeps its own licences in the trend, whatever the headline is.
    expect(beta.trend.map((p: { lines: Array<{ licenses: number }> }) => p.lines.map((l) => l.licenses))).toEqual([[9, 4], [9, 4]]);
    await api.http.put('/api/v1/settings').set(admin).send({ matchedTolerance: 0 }).expect(200);
  });

  it('confirming a suggestion as it was changes no figure: no new version, and the summary counts one suggestion fewer', async () => {
    const before = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(before.unconfirmedMappings).toBe(1); // Beta's mapping is a suggestion
    await api.http.put('/api/v1/clients/org-beta/mapping').set(admin).send({ pax8CompanyId: COMPANY.beta }).expect(200);
    const after = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    expect(after).toEqual({ ...before, unconfirmedMappings: 0 });
    const versions = (await api.http.get(`/api/v1/reconciliation/versions?snapshotId=${before.snapshot.id}`).set(viewer).expect(200)).body;
    expect(versions.items[0].version).toBe(before.version);
  });

  // Last: it leaves the latest version computed with other rules than the tenant's (the stale window it sets stays).
  it('marks a point computed with other rules than the point before it, when the change itself made no new version', async () => {
    // A stale window that changes no figure: no new version of the latest snapshot, so it keeps
    // the old rules, and the next snapshot is the first point computed with the new ones.
    const before = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
    await api.http.put('/api/v1/settings').set(admin).send({ staleDays: 45 }).expect(200);
    expect((await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body).toMatchObject({ snapshot: before.snapshot, version: before.version });
    await snapshots(api).take(tenant, { trigger: 'manual', devices: pages([device('org-beta', 'late-1'), ...(await seedScenarioDevices())]) });
    await snapshots(api).take(tenant, { trigger: 'manual', devices: pages([device('org-beta', 'late-1'), ...(await seedScenarioDevices())]) });
    const trend = (await api.http.get('/api/v1/reconciliation/clients/org-beta').set(viewer).expect(200)).body.trend;
    expect(trend.slice(-2).map((p: { rulesChanged: boolean; reason: string }) => [p.rulesChanged, p.reason])).toEqual([
      [true, 'snapshot taken'], [false, 'snapshot taken'],
    ]);
  });

  /** The same devices as the first snapshot (seedScenario returns them; re-seeding would insert twice). */
  async function seedScenarioDevices() {
    const rows: Array<{ organization_id: string; device_id: string; hostname: string; serial_number: string | null; device_class: string; last_contact: Date; approval_status: string }> =
      await db(api).query(
        `SELECT organization_id, device_id, hostname, serial_number, device_class, last_contact, approval_status FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2`, [tenant, first]);
    return rows.map((r) => device(r.organization_id, r.device_id, {
      hostname: r.hostname, serialNumber: r.serial_number, deviceClass: r.device_class, lastContact: new Date(r.last_contact).toISOString(), approvalStatus: r.approval_status as 'APPROVED',
    }));
  }
});
