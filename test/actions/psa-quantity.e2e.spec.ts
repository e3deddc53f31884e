// "Bill N more seats" (psa-quantity) end to end, against the PanelOne simulator's billing API over
// HTTP and real PostgreSQL, with two in-process workers: a billing gap in GET /gaps, the preview
// (the client's largest addition of the product, from -> from + billedVariance, the billing money
// at the addition's monthly unit price, no Pax8 cost), approve and one PATCH with If-Match and an
// Idempotency-Key, a conflict when the addition moved, PanelOne's 422 in plain words, a storm of
// 412s, dropped answers and 5xx ending each addition exactly at its target with one effective
// change, concurrent approvals making one write, and PSA billing off as a 409.
import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type pg from 'pg';
import { generateDataset, type Dataset } from '../../simulators/index.js';
import { IntegrationSyncService } from '../../src/integrations/integration-sync.service.js';
import { SnapshotsService } from '../../src/snapshots/snapshots.service.js';
import { pool } from '../reliability/support.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { syncSimulatedWorld, type SimulatedWorld } from '../support/simulated-world.js';
import { bearer, startWorker, until } from '../sync/support.js';

jest.setTimeout(300_000);

interface Gap {
  clientId: string; productId: string; status: string; variance: number; kinds: string[]; state: string;
  billing: { billed: number; billedVariance: number; billingStatus: string; underBilled: { amount: number } | null } | null;
}

const WORKER_ENV = { ACTIONS_POLL_MS: '100', ACTIONS_LEASE_SECONDS: '5', ACTIONS_WRITE_ATTEMPTS: '20' };
/** PATCHes that changed the quantity in the simulator (whether or not their answer arrived). */
const EFFECTIVE = new Set(['applied', 'dropped-after-apply', 'failed-after-apply']);
const CYCLE_MONTHS: Record<string, number> = { MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12 };
const tenant = uniqueTenant('psa-actions');
let api: TestApi;
let db: pg.Pool;
let world: SimulatedWorld;
let dataset: Dataset;
let workers: INestApplicationContext[] = [];
let h: Record<'admin' | 'admin2' | 'tech' | 'viewer', Record<string, string>>;
let billingGaps: Gap[];
const used = new Set<string>();

const propose = (gaps: object[], headers = h.tech) => api.http.post('/api/v1/actions').set(headers).send({ type: 'psa-quantity', gaps });
const approve = (id: string, body: object = {}, headers = h.admin) => api.http.post(`/api/v1/actions/${id}/approve`).set(headers).send(body);
const getAction = async (id: string) => (await api.http.get(`/api/v1/actions/${id}`).set(h.viewer).expect(200)).body;
const settle = (id: string, ms = 60_000) => until(`action ${id} to settle`, async () => {
  const a = await getAction(id);
  return a.items.every((i: { state: string }) => ['applied', 'failed', 'conflict', 'cancelled'].includes(i.state)) ? a : undefined;
}, ms, 100);
const addition = (id: string) => dataset.billing.additions.find((a) => a.id === id)!;
const writesTo = (additionId: string) => world.panelOne.billingWriteLog().filter((w) => w.additionId === additionId && w.outcome !== 'changed-out-of-band');
/** Under-billed gaps not used by another test yet. */
function take(n: number): Gap[] {
  const out = billingGaps.filter((g) => g.billing!.billingStatus === 'under-billed' && !used.has(`${g.clientId}/${g.productId}`)).slice(0, n);
  if (out.length < n) throw new Error(`only ${out.length} unused under-billed gaps left`);
  for (const g of out) used.add(`${g.clientId}/${g.productId}`);
  return out;
}

beforeAll(async () => {
  api = await startTestApi();
  db = pool();
  dataset = generateDataset({ clients: 160, devices: 4000, seed: 53 });
  world = await syncSimulatedWorld(api, tenant, dataset);
  h = {
    admin: bearer(await api.token(tenant, 'admin', { subject: 'lead-1' })),
    admin2: bearer(await api.token(tenant, 'admin', { subject: 'lead-2' })),
    tech: bearer(await api.token(tenant, 'technician', { subject: 'tech-1' })),
    viewer: bearer(await api.token(tenant, 'viewer')),
  };
  await api.http.put('/api/v1/settings').set(h.admin).send({ psaBilling: { enabled: true }, maxSeatChange: 100_000, maxMonthlyIncrease: 10_000_000 }).expect(200);
  const sync = api.app.get(IntegrationSyncService);
  await sync.syncPanelOneOrganizations(tenant, undefined, undefined, { billing: true });
  await api.app.get(SnapshotsService).take(tenant, { trigger: 'sync-all', devices: sync.panelOneDevicePages(tenant) });
  const gaps: Gap[] = (await api.http.get('/api/v1/gaps?limit=500').set(h.viewer).expect(200)).body.items;
  billingGaps = gaps.filter((g) => g.kinds.includes('billing'));
  workers = [await startWorker(WORKER_ENV), await startWorker(WORKER_ENV)];
});
afterAll(async () => {
  for (const w of workers) await w.close();
  await api?.close();
  await world?.close();
  await db?.end();
});
afterEach(() => world.panelOne.setFaults({}));

it('GET /gaps lists billing gaps with their billing figures, including lines whose licences match', async () => {
  expect(billingGaps.filter((g) => g.billing!.billingStatus === 'under-billed').length).toBeGreaterThanOrEqual(40);
  for (const g of billingGaps) {
    expect(g.billing!.billedVariance).not.toBe(0);
    expect(g.billing!.billingStatus).toBe(g.billing!.billedVariance > 0 ? 'under-billed' : 'over-billed');
    expect(g.kinds.includes('licence')).toBe(g.status !== 'matched');
  }
  expect(billingGaps.some((g) => g.status === 'matched' && g.kinds.join() === 'billing')).toBe(true);
});

it('a proposal previews the addition, from -> from + billedVariance and the billed money; viewers cannot propose', async () => {
  const [gap] = take(1);
  await propose([{ clientId: gap.clientId, productId: gap.productId }], h.viewer).expect(403);
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const [item] = action.items;
  const a = addition(item.preview.additionId);
  const agreement = dataset.billing.agreements.find((x) => x.id === a.agreementId)!;
  expect(agreement).toMatchObject({ organizationId: gap.clientId, status: 'ACTIVE' });
  expect(a.cancelledDate).toBeNull();
  // The largest of the client's live additions of the same catalog item on ACTIVE agreements.
  const live = dataset.billing.additions.filter((x) => x.catalogItemId === a.catalogItemId && x.cancelledDate === null
    && dataset.billing.agreements.some((g) => g.id === x.agreementId && g.organizationId === gap.clientId && g.status === 'ACTIVE'));
  expect(Math.max(...live.map((x) => x.quantity))).toBe(a.quantity);
  const delta = gap.billing!.billedVariance;
  expect(item.preview).toMatchObject({
    additionId: a.id, agreementId: a.agreementId, agreementName: agreement.name, fromQuantity: a.quantity, toQuantity: a.quantity + delta,
    monthlyCostChange: { amount: 0, currency: 'USD' },
    monthlyPriceChange: { amount: Math.round(delta * (a.unitPrice / CYCLE_MONTHS[a.billingCycle]) * 100) / 100, currency: 'USD' },
  });
  if (a.billingCycle !== 'MONTHLY') expect(item.preview.warnings.map((w: { code: string }) => w.code)).toContain('not-monthly');
  await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(h.admin).expect(200);
});

it('approved: the worker reads, PATCHes once with If-Match and an Idempotency-Key, and every state is audited', async () => {
  const [gap] = take(1);
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const { additionId, fromQuantity: from, toQuantity: to } = action.items[0].preview;
  const version = addition(additionId).version;
  await approve(action.id).expect(200);
  const done = await settle(action.id);
  expect(done.items[0].outcome.message).toBe(`PanelOne addition ${additionId} changed from ${from} to ${to} billed seats`);
  expect(done.state).toBe('applied');
  expect(addition(additionId).quantity).toBe(to);
  const writes = writesTo(additionId);
  expect(writes).toHaveLength(1);
  expect(writes[0]).toMatchObject({ outcome: 'applied', status: 200, ifMatch: `"${version}"`, body: { quantity: to }, quantityBefore: from, quantityAfter: to });
  const [{ idempotency_key: key }] = (await db.query(`SELECT idempotency_key FROM action_item WHERE tenant_id = $1 AND action_id = $2`, [tenant, action.id])).rows;
  expect(writes[0].idempotencyKey).toBe(key);
  expect(done.history.map((e: { state: string }) => e.state)).toEqual(['proposed', 'approved', 'applying', 'applied']);
  const audit = (await db.query(`SELECT type, after FROM audit_log WHERE tenant_id = $1 AND subject = $2 ORDER BY seq`, [tenant, action.id])).rows;
  expect(audit.map((r: { type: string }) => r.type)).toEqual(['action.proposed', 'action.approved', 'action.applying', 'action.applied']);
  expect(audit[3].after).toMatchObject({ additionId, agreementId: addition(additionId).agreementId, fromQuantity: from, toQuantity: to });
});

it('an addition someone moved in PanelOne is a conflict with nothing written', async () => {
  const [gap] = take(1);
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const { additionId, fromQuantity: from, toQuantity: to } = action.items[0].preview;
  world.panelOne.changeAddition(additionId, { quantity: from + 50 });
  await approve(action.id).expect(200);
  const done = await settle(action.id);
  expect(done.state).toBe('conflict');
  expect(done.items[0].outcome.message).toBe(`PanelOne addition ${additionId} bills ${from + 50} seats, neither ${from} (when proposed) nor ${to}: someone changed it in PanelOne. Nothing was written; propose again from the new quantity.`);
  expect(writesTo(additionId)).toEqual([]);
});

it('PanelOne refusing the change (422) fails the item with its words; nothing changes', async () => {
  const [gap] = take(1);
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const { additionId, fromQuantity: from, toQuantity: to } = action.items[0].preview;
  const agreement = dataset.billing.agreements.find((x) => x.id === addition(additionId).agreementId)!;
  agreement.status = 'INACTIVE'; // someone ended the agreement in PanelOne after the sync
  try {
    await approve(action.id).expect(200);
    const done = await settle(action.id);
    expect(done.state).toBe('failed');
    expect(done.items[0].outcome.message).toBe(`PanelOne refused to change PanelOne addition ${additionId} from ${from} to ${to} seats (HTTP 422: the change is not valid there). PanelOne said: "The agreement is INACTIVE and cannot be changed"`);
    expect(addition(additionId).quantity).toBe(from);
    expect(writesTo(additionId).map((w) => w.status)).toEqual([422]);
  } finally {
    agreement.status = 'ACTIVE';
  }
});

it('a storm of 412s, dropped answers and 5xx: every addition ends exactly at its target with one effective change', async () => {
  const gaps = take(24);
  const action = (await propose(gaps.map((g) => ({ clientId: g.clientId, productId: g.productId })))).body;
  expect(action.items).toHaveLength(24);
  const targets: Array<{ id: string; from: number; to: number }> = action.items.map((i: any) => ({ id: i.preview.additionId as string, from: i.preview.fromQuantity as number, to: i.preview.toQuantity as number }));
  // staleVersionRate: someone saves the addition in PanelOne (same quantity) just before the PATCH: a stale If-Match, 412.
  world.panelOne.setFaults({ writes: { seed: 7, staleVersionRate: 0.3, rate5xx: 0.15, dropBeforeApplyRate: 0.1, dropAfterApplyRate: 0.15, rate5xxAfterApply: 0.15, rate429: 0.1 } });
  await approve(action.id).expect(200);
  const done = await settle(action.id, 240_000);
  expect(done.items.map((i: any) => i.state)).toEqual(targets.map(() => 'applied'));
  for (const t of targets) {
    expect(addition(t.id).quantity).toBe(t.to);
    expect(writesTo(t.id).filter((w) => EFFECTIVE.has(w.outcome))).toHaveLength(1);
    // Every send of one item, retries and new versions included, carries the item's one key.
    expect(new Set(writesTo(t.id).map((w) => w.idempotencyKey)).size).toBe(1);
  }
  const log = targets.flatMap((t) => writesTo(t.id));
  expect(log.filter((w) => w.status === 412).length).toBeGreaterThan(0);
  expect(log.filter((w) => w.outcome === 'dropped-after-apply' || w.outcome === 'failed-after-apply').length).toBeGreaterThan(0);
});

it('two admins approving at once with two workers make one write', async () => {
  const [gap] = take(1);
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const { additionId, toQuantity: to } = action.items[0].preview;
  const answers = await Promise.all([approve(action.id, {}, h.admin), approve(action.id, {}, h.admin2)]);
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  expect((await settle(action.id)).state).toBe('applied');
  expect(addition(additionId).quantity).toBe(to);
  expect(writesTo(additionId).filter((w) => EFFECTIVE.has(w.outcome))).toHaveLength(1);
});

it('bad bodies are 400s naming the field, a gap without a billing gap a 409; nothing is proposed', async () => {
  const [gap] = take(1);
  const g = { clientId: gap.clientId, productId: gap.productId };
  const other = billingGaps.find((x) => x.clientId !== gap.clientId && x.productId === gap.productId) ?? billingGaps.find((x) => x.clientId !== gap.clientId)!;
  const othersAddition = (await propose([{ clientId: other.clientId, productId: other.productId }]).expect(201)).body;
  await api.http.post(`/api/v1/actions/${othersAddition.id}/cancel`).set(h.admin).expect(200);
  const before = (await db.query(`SELECT count(*)::int AS n FROM action WHERE tenant_id = $1`, [tenant])).rows[0].n;
  expect((await propose([{ ...g, additionId: 'no-such-addition' }]).expect(400)).body.message).toContain('there is no PanelOne addition no-such-addition');
  expect((await propose([{ ...g, additionId: othersAddition.items[0].preview.additionId }]).expect(400)).body.message).toContain('does not bill this product for this client');
  expect((await propose([{ ...g, toQuantity: -1 }]).expect(400)).body.message).toContain('toQuantity must not be negative');
  expect((await propose([{ ...g, toQuantity: 2.5 }]).expect(400)).body.message).toContain('toQuantity must be a whole number');
  expect((await propose([{ ...g, toQuantity: 1e9 }]).expect(400)).body.message).toContain('toQuantity must be at most');
  expect((await propose([{ ...g, subscriptionId: 'sub-1' }]).expect(400)).body.message).toContain('subscriptionId is for pax8-quantity');
  const matched = (await api.http.get('/api/v1/reconciliation/clients?limit=500').set(h.viewer).expect(200)).body.items
    .flatMap((c: any) => c.lines.map((l: any) => ({ clientId: c.clientId, ...l }))).find((l: any) => l.billedVariance === 0);
  expect((await propose([{ clientId: matched.clientId, productId: matched.productId }]).expect(409)).body.message).toContain('there is no billing gap to close');
  expect((await db.query(`SELECT count(*)::int AS n FROM action WHERE tenant_id = $1`, [tenant])).rows[0].n).toBe(before);
});

it('with PSA billing off for the tenant, psa-quantity is a 409', async () => {
  const off = uniqueTenant('psa-off');
  await api.http.get('/api/v1/settings').set(bearer(await api.token(off, 'admin'))).expect(200);
  const res = await api.http.post('/api/v1/actions').set(bearer(await api.token(off, 'technician')))
    .send({ type: 'psa-quantity', gaps: [{ clientId: 'org-1', productId: 'p-1' }] }).expect(409);
  expect(res.body.message).toBe('PSA billing is off for this tenant: turn it on in the settings (psaBilling) to bill seats through PanelOne');
});
