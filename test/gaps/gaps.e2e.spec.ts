// Gaps and exceptions on the hand-made scenario (see test/reconciliation/scenario.ts):
//   Acme EDR  4 devices / 5 licences: over-licensed -1, overspend $4.60 (Acme's only gap)
//   Beta EDR  6 / 4: under-licensed +2, revenue at risk $12.00; Beta Backup 6 / 9: over -3, overspend $30.00
//   Gamma Backup matched; Echo mapped without a per-device line; Delta unmapped.
// Accepting a gap takes exactly its figures out of the cards and totals (shown apart, with the
// reason); it reopens when the variance grows past the accepted one, flips sign, or its last day
// passes; bad bodies, other roles and other tenants change nothing.
import type pg from 'pg';
import { ReconciliationWriter } from '../../src/reconciliation/reconciliation-writer.service.js';
import { bearer, dumpTenant, expectErrorShape, pool } from '../reliability/support.js';
import { parseCsv } from '../support/csv.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { device, pages, PRODUCT, seedScenario, snapshots } from '../reconciliation/scenario.js';

type Money = { amount: number; currency: string };
interface Line { productId: string; status: string; gapState: string | null; exception: { reason: string; note: string | null; until: string | null } | null; revenueAtRisk: Money | null; overspend: Money | null; unpricedSeats: number }
interface Row { clientId: string; status: string; revenueAtRisk: Money; overspend: Money; unpricedSeats: number; acceptedRevenueAtRisk: Money; acceptedOverspend: Money; acceptedUnpricedSeats: number; lines: Line[] }

const cents = (m: Money | null | undefined) => Math.round((m?.amount ?? 0) * 100);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

let api: TestApi;
let db: pg.Pool;
let devices: Awaited<ReturnType<typeof seedScenario>>;
const tenant = uniqueTenant('gaps');
let admin: Record<string, string>;
let viewer: Record<string, string>;
let firstTakenAt: string;

beforeAll(async () => {
  api = await startTestApi();
  db = pool();
  devices = await seedScenario(api, tenant);
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  admin = bearer(await api.token(tenant, 'admin', { subject: 'lead-1' }));
  viewer = bearer(await api.token(tenant, 'viewer'));
  firstTakenAt = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body.snapshot.takenAt;
});
afterAll(async () => {
  await api?.close();
  await db?.end();
});

const get = async (path: string) => (await api.http.get(path).set(viewer).expect(200)).body;
const summary = () => get('/api/v1/reconciliation/summary');
const gap = async (clientId: string, productId: string) => (await get(`/api/v1/gaps?clientId=${clientId}&productId=${productId}`)).items[0];
const accept = (clientId: string, productId: string, body: object, headers = admin) => api.http.post(`/api/v1/gaps/${clientId}/${productId}/exception`).set(headers).send(body);
const takeSnapshot = (extra: typeof devices) => snapshots(api).take(tenant, { trigger: 'manual', devices: pages([...devices, ...extra]) });

async function rows(query = ''): Promise<Row[]> {
  return (await get(`/api/v1/reconciliation/clients?limit=500${query}`)).items;
}

/** Every figure adds up with accepted gaps aside: open totals and accepted totals each sum over their own lines. */
async function expectFiguresAddUp(): Promise<void> {
  const s = await summary();
  const list = await rows();
  for (const r of list) {
    const open = r.lines.filter((l) => l.gapState !== 'accepted');
    const accepted = r.lines.filter((l) => l.gapState === 'accepted');
    expect([r.clientId, cents(r.revenueAtRisk), cents(r.overspend)]).toEqual([r.clientId, open.reduce((n, l) => n + cents(l.revenueAtRisk), 0), open.reduce((n, l) => n + cents(l.overspend), 0)]);
    expect([r.clientId, cents(r.acceptedRevenueAtRisk), cents(r.acceptedOverspend), r.acceptedUnpricedSeats]).toEqual([
      r.clientId, accepted.reduce((n, l) => n + cents(l.revenueAtRisk), 0), accepted.reduce((n, l) => n + cents(l.overspend), 0), accepted.reduce((n, l) => n + l.unpricedSeats, 0)]);
    if (r.lines.length && r.status !== 'unmapped') {
      const expected = open.some((l) => l.status === 'under-licensed') ? 'under-licensed' : open.some((l) => l.status === 'over-licensed') ? 'over-licensed' : accepted.length ? 'accepted' : 'matched';
      expect([r.clientId, r.status]).toEqual([r.clientId, expected]);
    }
  }
  const sum = (f: (r: Row) => number) => list.reduce((n, r) => n + f(r), 0);
  expect([cents(s.revenueAtRisk), cents(s.overspend), s.unpricedSeats]).toEqual([sum((r) => cents(r.revenueAtRisk)), sum((r) => cents(r.overspend)), sum((r) => r.unpricedSeats)]);
  expect([cents(s.acceptedRevenueAtRisk), cents(s.acceptedOverspend), s.acceptedUnpricedSeats]).toEqual([
    sum((r) => cents(r.acceptedRevenueAtRisk)), sum((r) => cents(r.acceptedOverspend)), sum((r) => r.acceptedUnpricedSeats)]);
  for (const status of ['under-licensed', 'over-licensed', 'matched', 'accepted'] as const) {
    const key = { 'under-licensed': 'underLicensed', 'over-licensed': 'overLicensed', matched: 'matched', accepted: 'accepted' }[status];
    expect([status, s[key]]).toEqual([status, list.filter((r) => r.status === status).length]);
  }
  const products = await get('/api/v1/products/reconciliation');
  expect(products.items.reduce((n: number, p: { revenueAtRisk: Money }) => n + cents(p.revenueAtRisk), 0)).toBe(cents(s.revenueAtRisk));
  expect(products.items.reduce((n: number, p: { overspend: Money }) => n + cents(p.overspend), 0)).toBe(cents(s.overspend));
}

describe('gaps and exceptions', () => {
  it('lists every gap of the latest reconciliation, open, since the first snapshot, with its money', async () => {
    const page = await get('/api/v1/gaps');
    expect(page.total).toBe(3);
    expect(page.items.map((g: { clientId: string; productId: string; variance: number; state: string }) => [g.clientId, g.productId, g.variance, g.state])).toEqual([
      ['org-beta', PRODUCT.backup, -3, 'open'], ['org-beta', PRODUCT.edr, 2, 'open'], ['org-acme', PRODUCT.edr, -1, 'open'],
    ]);
    expect(page.items[1]).toEqual({
      clientId: 'org-beta', clientName: 'Beta Dental', productId: PRODUCT.edr, productName: 'SentinelOne Complete EDR', variance: 2, devices: 6, licenses: 4,
      status: 'under-licensed', kinds: ['licence'], billing: null, state: 'open', since: firstTakenAt,
      money: { revenueAtRisk: { amount: 12, currency: 'USD' }, overspend: { amount: 0, currency: 'USD' }, unpricedSeats: 0 }, exception: null, actions: [], closedBy: null,
    });
    expect((await get('/api/v1/gaps?state=accepted')).total).toBe(0);
    expect((await get('/api/v1/gaps?clientId=org-beta&limit=1')).items).toHaveLength(1);
    expect((await get('/api/v1/gaps?clientId=org-beta')).total).toBe(2);
  });

  it('every bad body, an unknown or matched gap is a 4xx that changes nothing', async () => {
    const before = await dumpTenant(db, tenant);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    const cases: Array<[string, string, object, number]> = [
      ['org-beta', PRODUCT.edr, {}, 400],
      ['org-beta', PRODUCT.edr, { reason: 'because' }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'other' }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'other', note: '' }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'other', note: 'x'.repeat(501) }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', note: 42 }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', until: yesterday }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', until: today }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', until: '2099-02-30' }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', until: 'next month' }, 400],
      ['org-beta', PRODUCT.edr, { reason: 'not-billable', acceptedVariance: 99 }, 400],
      ['org-nobody', PRODUCT.edr, { reason: 'not-billable' }, 404],
      ['org-beta', '10000000-0000-4000-8000-999999999999', { reason: 'not-billable' }, 404],
      ['org-gamma', PRODUCT.backup, { reason: 'not-billable' }, 404], // a matched line is no gap
      ['org-echo', PRODUCT.m365, { reason: 'not-billable' }, 404], // per-user product: no line
      ['org-delta', PRODUCT.edr, { reason: 'not-billable' }, 404], // unmapped
    ];
    for (const [clientId, productId, body, status] of cases) {
      const res = await accept(clientId, productId, body);
      expectErrorShape(res.body, status, `${clientId} ${productId} ${JSON.stringify(body).slice(0, 80)}`);
    }
    const removed = await api.http.delete(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(admin);
    expectErrorShape(removed.body, 404, 'DELETE without an exception');
    expect(await dumpTenant(db, tenant)).toEqual(before);
  });

  it('a viewer, a technician and an API key cannot accept or remove (403); another tenant\'s gap is a 404', async () => {
    const before = await dumpTenant(db, tenant);
    const key = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'reader', scopes: ['read', 'sync'] }).expect(201)).body;
    for (const headers of [viewer, bearer(await api.token(tenant, 'technician')), bearer(key.key)]) {
      expectErrorShape((await accept('org-beta', PRODUCT.edr, { reason: 'not-billable' }, headers)).body, 403, 'accept');
      expectErrorShape((await api.http.delete(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(headers)).body, 403, 'remove');
    }
    const other = bearer(await api.token(uniqueTenant('gaps-other'), 'admin'));
    expectErrorShape((await accept('org-beta', PRODUCT.edr, { reason: 'not-billable' }, other)).body, 404, 'other tenant accept');
    expectErrorShape((await api.http.delete(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(other)).body, 404, 'other tenant remove');
    expect((await api.http.get('/api/v1/gaps').set(other).expect(200)).body).toMatchObject({ items: [], total: 0 });
    await api.http.delete(`/api/v1/api-keys/${key.id}`).set(admin).expect(200);
    const after = await dumpTenant(db, tenant);
    // The key this test made (and revoked) is audited, and that is all that changed.
    const added = after.audit_log.filter((row) => !before.audit_log.includes(row)).map((row) => JSON.parse(row).type);
    expect(added.sort()).toEqual(['api-key.created', 'api-key.revoked']);
    expect({ ...after, api_key: [], audit_log: [] }).toEqual({ ...before, api_key: [], audit_log: [] });
  });

  it('accepting a gap takes exactly its figures out of the cards and totals, and shows it apart with its reason', async () => {
    const before = await summary();
    const res = await accept('org-beta', PRODUCT.edr, { reason: 'device-retiring', note: 'two PCs go in March', until: tomorrow() }).expect(201);
    expect(res.body).toMatchObject({
      clientId: 'org-beta', productId: PRODUCT.edr, state: 'accepted', variance: 2,
      exception: { reason: 'device-retiring', note: 'two PCs go in March', until: tomorrow(), acceptedVariance: 2, by: 'lead-1', at: expect.any(String) },
    });
    const after = await summary();
    expect(after.version).toBe(before.version + 1);
    expect(cents(after.revenueAtRisk)).toBe(cents(before.revenueAtRisk) - 1200);
    expect(cents(after.acceptedRevenueAtRisk)).toBe(1200);
    expect(cents(after.overspend)).toBe(cents(before.overspend));
    // Beta still has its open over-licensed Backup gap: it moves from under- to over-licensed.
    expect([after.underLicensed, after.overLicensed, after.accepted]).toEqual([before.underLicensed - 1, before.overLicensed + 1, 0]);
    const versions = await get('/api/v1/reconciliation/versions');
    expect(versions.items[0]).toMatchObject({ reason: expect.stringMatching(/^exception accepted by lead-1$/), createdBy: 'lead-1' });

    // Acme's only gap: Acme becomes `accepted`.
    await accept('org-acme', PRODUCT.edr, { reason: 'spare-on-purpose' }).expect(201);
    const third = await summary();
    expect([third.overLicensed, third.accepted]).toEqual([after.overLicensed - 1, 1]);
    expect([cents(third.overspend), cents(third.acceptedOverspend)]).toEqual([cents(after.overspend) - 460, 460]);
    await expectFiguresAddUp();

    const acceptedList = await rows('&status=accepted');
    expect(acceptedList.map((r) => r.clientId)).toEqual(['org-acme']);
    expect(acceptedList[0].lines[0]).toMatchObject({ gapState: 'accepted', exception: { reason: 'spare-on-purpose', note: null, until: null } });
    const beta = (await rows()).find((r) => r.clientId === 'org-beta')!;
    expect(beta.lines.map((l) => [l.productId, l.gapState, l.exception?.reason ?? null])).toEqual([[PRODUCT.backup, 'open', null], [PRODUCT.edr, 'accepted', 'device-retiring']]);
    expect((await get('/api/v1/gaps?state=accepted')).items.map((g: { clientId: string }) => g.clientId)).toEqual(['org-beta', 'org-acme']);
    expect((await get('/api/v1/missed-billing')).total).toBe(0); // Beta EDR was the only under-licensed line
    // The drill-down's advice leaves accepted lines out, and says so when every gap is accepted.
    expect((await get('/api/v1/reconciliation/clients/org-beta')).recommendedAction).toBe('Reduce Pax8 quantity of Datto Endpoint Backup from 9 to 6 (3 unused licenses).');
    expect((await get('/api/v1/reconciliation/clients/org-acme')).recommendedAction).toBe('No action needed: the gap is accepted (an exception covers it; it reopens by itself if the gap grows).');

    // Accepting it again is a conflict that changes nothing.
    const dump = await dumpTenant(db, tenant);
    expectErrorShape((await accept('org-acme', PRODUCT.edr, { reason: 'not-billable' })).body, 409, 'accept twice');
    expect(await dumpTenant(db, tenant)).toEqual(dump);

    // The CSVs say it too, in columns after the old ones.
    const technician = bearer(await api.token(tenant, 'technician'));
    const list = parseCsv((await api.http.get('/api/v1/reconciliation/export.csv').set(technician).expect(200)).text.replace(/^\uFEFF/, ''));
    const acme = list.find((r) => r[0] === 'Acme Corp')!;
    expect([acme[4], acme.slice(-4)]).toEqual(['Accepted', ['0', '4.6', '0', 'SentinelOne Complete EDR: Spare on purpose']]);
    const perClient = parseCsv((await api.http.get('/api/v1/reconciliation/clients/org-beta/export.csv').set(technician).expect(200)).text.replace(/^\uFEFF/, ''));
    const edr = perClient.find((r) => r[0] === 'SentinelOne Complete EDR')!;
    expect(edr.slice(-3)).toEqual(['Accepted', 'Device retiring: two PCs go in March', tomorrow()]);
  });

  it('stays accepted in the next snapshot while the gap is no larger; reopens when it grows past the accepted variance', async () => {
    // Beta gets one more billable device: EDR +3 (accepted +2), Backup -2. Acme unchanged.
    await takeSnapshot([device('org-beta', 'b8')]);
    const edr = await gap('org-beta', PRODUCT.edr);
    expect(edr).toMatchObject({ variance: 3, state: 'open', exception: null, since: firstTakenAt });
    expect(await gap('org-acme', PRODUCT.edr)).toMatchObject({ variance: -1, state: 'accepted', exception: { reason: 'spare-on-purpose', acceptedVariance: -1 } });
    const s = await summary();
    expect([cents(s.revenueAtRisk), cents(s.acceptedRevenueAtRisk), s.underLicensed, s.accepted]).toEqual([1800, 0, 2, 1]);
    await expectFiguresAddUp();
    // A reopened gap can be accepted again, at its new size.
    await accept('org-beta', PRODUCT.edr, { reason: 'not-billable' }).expect(201);
    expect(await gap('org-beta', PRODUCT.edr)).toMatchObject({ state: 'accepted', exception: { reason: 'not-billable', acceptedVariance: 3 } });
  });

  it('reopens when the gap flips sign, and its "since" starts again', async () => {
    // Acme gets two more billable devices: EDR 6 / 5 = +1, under-licensed now.
    const taken = await takeSnapshot([device('org-beta', 'b8'), device('org-acme', 'a9'), device('org-acme', 'a10')]);
    const latest = await summary();
    expect(latest.snapshot.id).toBe(taken.snapshotId);
    expect(await gap('org-acme', PRODUCT.edr)).toMatchObject({ variance: 1, status: 'under-licensed', state: 'open', exception: null, since: latest.snapshot.takenAt });
    expect(latest.accepted).toBe(0);
    await expectFiguresAddUp();
  });

  it('reopens when its last day passes (the worker\'s tick re-reconciles), and removing an exception reopens a gap', async () => {
    await accept('org-beta', PRODUCT.backup, { reason: 'spare-on-purpose', until: tomorrow() }).expect(201);
    expect((await gap('org-beta', PRODUCT.backup)).state).toBe('accepted');
    await db.query(`UPDATE gap_exception SET until = current_date - 1 WHERE tenant_id = $1 AND product_id = $2`, [tenant, PRODUCT.backup]);
    const changed = await api.app.get(ReconciliationWriter).expireExceptions();
    expect(changed).toContain(tenant);
    expect(await gap('org-beta', PRODUCT.backup)).toMatchObject({ state: 'open', exception: null });
    expect((await get('/api/v1/reconciliation/versions')).items[0].reason).toBe('exception expired');
    expect((await db.query(`SELECT 1 FROM gap_exception WHERE tenant_id = $1 AND product_id = $2`, [tenant, PRODUCT.backup])).rowCount).toBe(0);

    const before = await summary();
    const res = await api.http.delete(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(admin).expect(200);
    expect(res.body).toMatchObject({ clientId: 'org-beta', productId: PRODUCT.edr, gap: { state: 'open', exception: null } });
    const after = await summary();
    expect(cents(after.revenueAtRisk)).toBe(cents(before.revenueAtRisk) + cents(before.acceptedRevenueAtRisk));
    expect(cents(after.acceptedRevenueAtRisk)).toBe(0);
    expect((await get('/api/v1/reconciliation/versions')).items[0].reason).toBe('exception removed by lead-1');
    expectErrorShape((await api.http.delete(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(admin)).body, 404, 'remove twice');
    await expectFiguresAddUp();
  });

  it('an earlier version keeps what was accepted when it was computed', async () => {
    const first = (await get('/api/v1/snapshots')).items.at(-1).id;
    const versions = (await get(`/api/v1/reconciliation/versions?snapshotId=${first}`)).items;
    const acceptedVersion = versions.find((v: { reason: string }) => v.reason === 'exception accepted by lead-1' ).version;
    const old = await get(`/api/v1/gaps?snapshotId=${first}&version=${acceptedVersion}`);
    expect(old.latest).toBe(false);
    expect(old.items.find((g: { productId: string; clientId: string }) => g.clientId === 'org-beta' && g.productId === PRODUCT.edr)).toMatchObject({ state: 'accepted', exception: { reason: 'device-retiring' } });
  });

  it('every exception accepted or removed is in the audit log, on its client, with who and what', async () => {
    const entries = (await api.http.get('/api/v1/audit?type=gap.').set(admin).expect(200)).body.items as Array<{ type: string; actor: string; clientId: string; subject: string; before: any; after: any }>;
    const accepted = entries.filter((e) => e.type === 'gap.exception-accepted');
    const removed = entries.filter((e) => e.type === 'gap.exception-removed');
    expect(accepted.length).toBeGreaterThan(0);
    expect(removed.length).toBeGreaterThan(0);
    for (const e of [...accepted, ...removed]) expect([e.actor, e.subject.startsWith(`${e.clientId}/`)]).toEqual(['lead-1', true]);
    expect(accepted[accepted.length - 1]).toMatchObject({ before: null, after: { reason: expect.any(String), acceptedVariance: expect.any(Number) } });
    expect(removed[0]).toMatchObject({ after: null, before: { reason: expect.any(String), acceptedVariance: expect.any(Number), by: 'lead-1' } });
    // The expiry (the worker's tick, in the test above) is recorded as the system's.
    const expired = entries.filter((e) => e.type === 'gap.exception-expired');
    expect(expired.map((e) => [e.actor, e.after, e.before.productId])).toEqual([['system', null, PRODUCT.backup]]);
    const own = (await api.http.get(`/api/v1/audit?clientId=${accepted[0].clientId}&type=gap.`).set(admin).expect(200)).body.items;
    expect(own.every((e: { clientId: string }) => e.clientId === accepted[0].clientId)).toBe(true);
  });
});
