// Pax8 quantity actions end to end, against the Pax8 simulator over HTTP and real PostgreSQL,
// with two in-process workers: propose (the preview), approve, the worker's read-before-write,
// conflict, Pax8's refusals, a decrease scheduled for the renewal and applied once, caps,
// the second approver, bulk with mixed outcomes, cancel (by an admin or the proposer), the
// preview that stores nothing, and the next snapshot verifying.
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { generateDataset, type Dataset, type Subscription } from '../../simulators/index.js';
import { dumpTenant, pool } from '../reliability/support.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { syncSimulatedWorld, type SimulatedWorld } from '../support/simulated-world.js';
import { bearer, startWorker, until } from '../sync/support.js';
import type { INestApplicationContext } from '@nestjs/common';

jest.setTimeout(240_000);

interface Gap { clientId: string; clientName: string; productId: string; productName: string; variance: number; devices: number; licenses: number; status: string; state: string; actions: any[]; closedBy: { id: string } | null }

const WORKER_ENV = { ACTIONS_POLL_MS: '100', ACTIONS_LEASE_SECONDS: '5', ACTIONS_RENEWAL_MARGIN_SECONDS: '2' };
const tenant = uniqueTenant('actions');
let api: TestApi;
let db: pg.Pool;
let world: SimulatedWorld;
let dataset: Dataset;
let workers: INestApplicationContext[] = [];
let h: Record<'admin' | 'admin2' | 'tech' | 'viewer', Record<string, string>>;
let pendingGap: { clientId: string; productId: string };
let gaps: Gap[];
const used = new Set<string>();

const companyOf = (clientId: string) => dataset.clients.find((c) => c.organizationId === clientId)!.companyId!;
const subsOf = (g: { clientId: string; productId: string }) => dataset.subscriptions.filter((s) => s.companyId === companyOf(g.clientId) && s.productId === g.productId);
/** The subscription the preview must pick: the largest Active one on a monthly term, else the largest. */
function pickedSub(g: { clientId: string; productId: string }): Subscription | undefined {
  const counted = subsOf(g).filter((s) => s.status === 'Active').sort((a, b) => b.quantity - a.quantity || a.id.localeCompare(b.id));
  return counted.find((s) => s.billingTerm === 'Monthly') ?? counted[0];
}
/** A gap not used by another test yet, of this status, whose picked subscription is monthly. */
function take(status: 'under-licensed' | 'over-licensed', extra: (g: Gap, s: Subscription) => boolean = () => true): { gap: Gap; sub: Subscription } {
  const gap = gaps.find((g) => {
    const s = pickedSub(g);
    return g.status === status && !used.has(`${g.clientId}/${g.productId}`) && `${g.clientId}/${g.productId}` !== `${pendingGap.clientId}/${pendingGap.productId}`
      && s && s.billingTerm === 'Monthly' && s.quantity + g.variance >= 1 && extra(g, s);
  });
  if (!gap) throw new Error(`no unused ${status} gap left in the world`);
  used.add(`${gap.clientId}/${gap.productId}`);
  return { gap, sub: pickedSub(gap)! };
}

const propose = (gapsBody: object[], headers = h.tech) => api.http.post('/api/v1/actions').set(headers).send({ type: 'pax8-quantity', gaps: gapsBody });
const approve = (id: string, body: object = {}, headers = h.admin) => api.http.post(`/api/v1/actions/${id}/approve`).set(headers).send(body);
const getAction = async (id: string) => (await api.http.get(`/api/v1/actions/${id}`).set(h.viewer).expect(200)).body;
const settle = (id: string, done = (a: any) => a.items.every((i: any) => ['applied', 'failed', 'conflict', 'cancelled', 'scheduled'].includes(i.state))) =>
  until(`action ${id} to settle`, async () => { const a = await getAction(id); last = a; return done(a) ? a : undefined; }, 30_000, 100)
    .catch((err) => { throw new Error(`${err.message}; last seen: ${JSON.stringify(last)}`); });
let last: unknown;
const writesTo = (subscriptionId: string) => world.pax8.writeLog().filter((w) => w.subscriptionId === subscriptionId && w.outcome !== 'changed-out-of-band');
const gapNow = async (g: { clientId: string; productId: string }, state = '') =>
  (await api.http.get(`/api/v1/gaps?clientId=${g.clientId}&productId=${g.productId}${state ? `&state=${state}` : ''}`).set(h.viewer).expect(200)).body.items[0] as Gap | undefined;

beforeAll(async () => {
  api = await startTestApi();
  db = pool();
  dataset = generateDataset({ clients: 90, devices: 2800, seed: 31 });
  // One client already has a pending order (PendingManual) of a product it is short of.
  const short = dataset.clients.find((c) => c.organizationId && c.companyId && c.lines.some((l) => l.variance > 0 && l.quantity > 0))!;
  const line = short.lines.find((l) => l.variance > 0 && l.quantity > 0)!;
  const active = dataset.subscriptions.find((s) => s.companyId === short.companyId && s.productId === line.productId && s.status === 'Active')!;
  dataset.subscriptions.push({ ...structuredClone(active), id: randomUUID(), status: 'PendingManual', quantity: 3 });
  pendingGap = { clientId: short.organizationId!, productId: line.productId };
  world = await syncSimulatedWorld(api, tenant, dataset);
  h = {
    admin: bearer(await api.token(tenant, 'admin', { subject: 'lead-1' })),
    admin2: bearer(await api.token(tenant, 'admin', { subject: 'lead-2' })),
    tech: bearer(await api.token(tenant, 'technician', { subject: 'tech-1' })),
    viewer: bearer(await api.token(tenant, 'viewer')),
  };
  await api.http.put('/api/v1/settings').set(h.admin).send({ maxSeatChange: 100_000, maxMonthlyIncrease: 10_000_000 }).expect(200);
  gaps = (await api.http.get('/api/v1/gaps?limit=500').set(h.viewer).expect(200)).body.items;
  workers = [await startWorker(WORKER_ENV), await startWorker(WORKER_ENV)];
});
afterAll(async () => {
  for (const w of workers) await w.close();
  await api?.close();
  await world?.close();
  await db?.end();
});

it('a proposal previews the subscription, from and to, the money and the warnings; viewers cannot propose', async () => {
  const { gap, sub } = take('under-licensed');
  await propose([{ clientId: gap.clientId, productId: gap.productId }], h.viewer).expect(403);
  // The preview answers what the proposal will be and stores nothing.
  const stored = async () => (await db.query(`SELECT (SELECT count(*) FROM action WHERE tenant_id = $1)::int AS actions, (SELECT count(*) FROM audit_log WHERE tenant_id = $1)::int AS audit`, [tenant])).rows[0];
  const before = await stored();
  const previewed = (await api.http.post('/api/v1/actions/preview').set(h.tech).send({ type: 'pax8-quantity', gaps: [{ clientId: gap.clientId, productId: gap.productId }] }).expect(200)).body;
  await api.http.post('/api/v1/actions/preview').set(h.viewer).send({ type: 'pax8-quantity', gaps: [{ clientId: gap.clientId, productId: gap.productId }] }).expect(403);
  expect(await stored()).toEqual(before);
  expect((await gapNow(gap))!.state).toBe('open');
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  expect(previewed).toEqual({
    type: 'pax8-quantity',
    items: [{ clientId: gap.clientId, clientName: gap.clientName, productId: gap.productId, productName: action.items[0].productName, preview: action.items[0].preview }],
  });
  expect(action).toMatchObject({ type: 'pax8-quantity', state: 'proposed', proposedBy: 'tech-1', approvedBy: null });
  const [item] = action.items;
  const to = sub.quantity + gap.variance;
  expect(item).toMatchObject({
    clientId: gap.clientId, clientName: gap.clientName, productId: gap.productId, state: 'proposed', outcome: null, scheduledFor: null, verification: null,
    preview: { subscriptionId: sub.id, fromQuantity: sub.quantity, toQuantity: to },
  });
  expect(item.preview.monthlyCostChange).toEqual({ amount: Math.round(gap.variance * sub.partnerCost * 100) / 100, currency: 'USD' });
  expect(item.preview.monthlyPriceChange).toEqual({ amount: Math.round(gap.variance * sub.price * 100) / 100, currency: 'USD' });
  expect((await gapNow(gap))!.state).toBe('action-pending');
  expect((await gapNow(gap))!.actions[0]).toMatchObject({ actionId: action.id, state: 'proposed' });
  // Missed billing shows it too, read as GET /gaps reads it; the other lines stay open.
  const missed = (await api.http.get('/api/v1/missed-billing?limit=200').set(h.viewer).expect(200)).body.items;
  expect(missed.find((m: Gap) => m.clientId === gap.clientId && m.productId === gap.productId)).toMatchObject({ state: 'action-pending', latestAction: { actionId: action.id, state: 'proposed', preview: { toQuantity: to } } });
  expect(missed.filter((m: Gap) => m.clientId !== gap.clientId).every((m: { state: string; latestAction: unknown }) => m.state === 'open' && m.latestAction === null)).toBe(true);
  // The drill-down shows the same gap with its state and action.
  const detail = (await api.http.get(`/api/v1/reconciliation/clients/${gap.clientId}`).set(h.viewer).expect(200)).body;
  expect(detail.gaps.find((g: Gap) => g.productId === gap.productId)).toMatchObject({ state: 'action-pending', actions: [{ actionId: action.id, preview: { toQuantity: to } }] });
  // A second proposal on the same gap waits for this one.
  const again = await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(409);
  expect(again.body.message).toContain(action.id);
  const previewAgain = await api.http.post('/api/v1/actions/preview').set(h.tech).send({ type: 'pax8-quantity', gaps: [{ clientId: gap.clientId, productId: gap.productId }] }).expect(409);
  expect(previewAgain.body.message).toBe(again.body.message);
  await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(h.admin).expect(200);

  const pending = (await propose([pendingGap]).expect(201)).body.items[0];
  expect(pending.preview.warnings.map((w: { code: string }) => w.code)).toContain('pending-order');
  expect(pending.preview.warnings.find((w: { code: string }) => w.code === 'pending-order').message).toMatch(/PendingManual, 3 seats.*double/);
});

it('approved: the worker reads, writes once, the gap shows action-applied, and the next snapshot closes it', async () => {
  const { gap, sub } = take('under-licensed', (g) => g.variance >= 1 && g.variance <= 30);
  const from = sub.quantity;
  const to = from + gap.variance;
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  await approve(action.id, {}, h.tech).expect(403);
  const approved = (await approve(action.id).expect(200)).body;
  expect(approved).toMatchObject({ approvedBy: 'lead-1' });
  const done = await settle(action.id);
  expect(done.state).toBe('applied');
  expect(done.items[0]).toMatchObject({ state: 'applied', outcome: { message: `Pax8 quantity changed from ${from} to ${to}` } });
  expect(writesTo(sub.id).map((w) => [w.outcome, w.quantityBefore, w.quantityAfter])).toEqual([['applied', from, to]]);
  expect(sub.quantity).toBe(to);
  expect(done.history.map((e: { state: string }) => e.state)).toEqual(['proposed', 'approved', 'applying', 'applied']);
  expect((await gapNow(gap))!.state).toBe('action-applied');
  const missed = (await api.http.get('/api/v1/missed-billing?limit=200').set(h.viewer).expect(200)).body.items;
  expect(missed.find((m: Gap) => m.clientId === gap.clientId && m.productId === gap.productId)).toMatchObject({ state: 'action-applied', latestAction: { actionId: action.id, state: 'applied' } });

  // The applied quantity is what we now know of Pax8, so "Take snapshot" alone (no Pax8 sync)
  // shows the gap gone: closed, with that snapshot.
  expect((await db.query(`SELECT quantity::int AS q, (raw->>'quantity')::int AS raw FROM pax8_subscription WHERE tenant_id = $1 AND id = $2`, [tenant, sub.id])).rows).toEqual([{ q: to, raw: to }]);
  const run = (await api.http.post('/api/v1/sync/device-snapshot').set(h.tech).expect(202)).body;
  const finished = await until('the snapshot run to finish', async () => {
    const r = (await api.http.get(`/api/v1/sync/runs/${run.id}`).set(h.viewer).expect(200)).body;
    return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
  }, 120_000, 100);
  expect(finished).toMatchObject({ status: 'succeeded', error: null });
  const [snapshot] = (await db.query(`SELECT id FROM snapshot WHERE tenant_id = $1 AND run_id = $2`, [tenant, run.id])).rows;
  expect(await gapNow(gap)).toBeUndefined();
  const closed = await gapNow(gap, 'closed');
  expect(closed).toMatchObject({ state: 'closed', clientId: gap.clientId, productId: gap.productId, closedBy: { id: snapshot.id } });
  expect(closed!.actions[0].verification).toMatchObject({ closed: true, variance: 0, snapshotId: closed!.closedBy!.id });
  const verified = (await getAction(action.id)).items[0].verification;
  expect(verified.message).toBe(`Closed by snapshot of ${verified.takenAt.slice(0, 10)}`);

  // The trail, on the client, in the audit log.
  const audit = (await api.http.get(`/api/v1/audit?clientId=${gap.clientId}&type=action.`).set(h.admin).expect(200)).body.items;
  expect(audit.filter((e: { subject: string }) => e.subject === action.id).map((e: { type: string }) => e.type).reverse()).toEqual(['action.proposed', 'action.approved', 'action.applying', 'action.applied']);
  gaps = (await api.http.get('/api/v1/gaps?limit=500').set(h.viewer).expect(200)).body.items;
});

it('a quantity that moved between preview and approval ends in conflict, nothing written', async () => {
  const { gap, sub } = take('under-licensed');
  const from = sub.quantity;
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  world.pax8.setQuantity(sub.id, from + gap.variance + 1);
  await approve(action.id).expect(200);
  const done = await settle(action.id);
  expect(done.items[0].state).toBe('conflict');
  expect(done.items[0].outcome.message).toContain(`The Pax8 quantity is ${from + gap.variance + 1}, neither ${from} (when proposed) nor ${from + gap.variance}`);
  expect(writesTo(sub.id)).toEqual([]);
  expect((await gapNow(gap))!.state).toBe('open');
});

it('a subscription Pax8 no longer knows fails (404); refused credentials (403), an increase Pax8 refuses (422) and a decrease it takes only in its portal fail with Pax8\'s words', async () => {
  const { gap, sub } = take('under-licensed');
  const gone = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  dataset.subscriptions.splice(dataset.subscriptions.indexOf(sub), 1);
  await approve(gone.id).expect(200);
  expect((await settle(gone.id)).items[0]).toMatchObject({ state: 'failed', outcome: { message: expect.stringContaining('does not know subscription') } });

  // Pax8 refuses the credentials (403, the simulator's scripted fault on the next PUT).
  const locked = take('under-licensed');
  const forbidden = (await propose([{ clientId: locked.gap.clientId, productId: locked.gap.productId }]).expect(201)).body;
  world.pax8.setFaults({ writes: { script: ['forbidden'] } });
  try {
    await approve(forbidden.id).expect(200);
    expect((await settle(forbidden.id)).items[0]).toMatchObject({
      state: 'failed', outcome: { message: 'Pax8 refused the change (HTTP 403: no permission for this subscription). Pax8 said: "The partner credentials are not allowed to update this subscription"' },
    });
  } finally {
    world.pax8.setFaults({});
  }
  expect(writesTo(locked.sub.id).map((w) => [w.outcome, w.status])).toEqual([['refused', 403]]);

  // An increase Pax8 refuses (422: a subscription whose start date is in the future takes no update).
  const later = take('under-licensed');
  const refused = (await propose([{ clientId: later.gap.clientId, productId: later.gap.productId }]).expect(201)).body;
  later.sub.startDate = new Date(Date.now() + 30 * 86_400_000).toISOString();
  await approve(refused.id).expect(200);
  expect((await settle(refused.id)).items[0]).toMatchObject({
    state: 'failed', outcome: { message: expect.stringMatching(/^Pax8 refused the change from \d+ to \d+ \(HTTP 422\)\. Pax8 said: "Updates are not supported for subscriptions with a future start date"$/) },
  });

  const over = take('over-licensed');
  delete over.sub.commitmentTerm;
  dataset.productMeta[over.gap.productId].decreaseThroughApi = false;
  const dec = (await propose([{ clientId: over.gap.clientId, productId: over.gap.productId }]).expect(201)).body;
  expect(dec.items[0].preview.warnings.map((w: { code: string }) => w.code)).toContain('decrease-at-renewal');
  await approve(dec.id).expect(200);
  const failed = (await settle(dec.id)).items[0];
  expect(failed.state).toBe('failed');
  expect(failed.outcome.message).toMatch(/does not take this decrease through its API; make it in the Pax8 portal \(Pax8 said: "Quantity decreases for .* are not possible through the API/);
  expect(writesTo(over.sub.id).map((w) => [w.outcome, w.status])).toEqual([['refused', 422]]);
});

it('a decrease refused mid-term is scheduled for the renewal and applied then, once across two workers', async () => {
  const { gap, sub } = take('over-licensed');
  const from = sub.quantity;
  const renewal = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  sub.commitmentTerm = { id: randomUUID(), term: '1-Year', endDate: renewal };
  dataset.productMeta[gap.productId].decreaseThroughApi = true;
  const to = from + gap.variance;
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  await approve(action.id).expect(200);
  const scheduled = await settle(action.id);
  expect(scheduled.state).toBe('scheduled');
  // Tried the margin (ACTIONS_RENEWAL_MARGIN_SECONDS) after Pax8's renewal time.
  expect(scheduled.items[0]).toMatchObject({ state: 'scheduled', scheduledFor: new Date(Date.parse(renewal) + 2000).toISOString() });
  expect(scheduled.items[0].outcome.message).toContain(`scheduled for ${renewal.slice(0, 10)}`);
  expect((await gapNow(gap))!.state).toBe('action-pending');
  const done = await settle(action.id, (a) => a.items[0].state === 'applied');
  expect(done.items[0].outcome.message).toBe(`Pax8 quantity changed from ${from} to ${to}`);
  expect(writesTo(sub.id).map((w) => [w.outcome, w.status])).toEqual([['refused', 422], ['applied', 200]]);
  // Both workers kept polling past the date: still one write.
  await new Promise((r) => setTimeout(r, 1000));
  expect(writesTo(sub.id).filter((w) => w.outcome === 'applied')).toHaveLength(1);
  expect(done.history.map((e: { state: string }) => e.state)).toEqual(['proposed', 'approved', 'applying', 'scheduled', 'applying', 'applied']);
  const audit = (await api.http.get(`/api/v1/audit?clientId=${gap.clientId}&type=action.`).set(h.admin).expect(200)).body.items;
  expect(audit.filter((e: { subject: string }) => e.subject === action.id).map((e: { type: string; actor: string }) => `${e.type} by ${e.actor}`).reverse()).toEqual([
    'action.proposed by tech-1', 'action.approved by lead-1', 'action.applying by worker', 'action.scheduled by worker', 'action.applying by worker', 'action.applied by worker']);
});

it('caps: beyond maxSeatChange or maxMonthlyIncrease approval needs confirmLarge', async () => {
  const { gap, sub } = take('under-licensed', (g) => g.variance >= 2);
  await api.http.put('/api/v1/settings').set(h.admin).send({ maxSeatChange: 1, maxMonthlyIncrease: 0.01 }).expect(200);
  try {
    const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
    expect(action.items[0].preview.warnings.map((w: { code: string }) => w.code)).toEqual(expect.arrayContaining(['above-seat-cap', 'above-money-cap']));
    const refused = await approve(action.id).expect(409);
    expect(refused.body.message).toContain(`${gap.clientName} ${gap.productName}: Changes ${gap.variance} seats, more than the cap of 1 (maxSeatChange)`);
    expect((await getAction(action.id)).state).toBe('proposed');
    await approve(action.id, { confirmLarge: true }).expect(200);
    expect((await settle(action.id)).items[0].state).toBe('applied');
    expect(writesTo(sub.id)).toHaveLength(1);
  } finally {
    await api.http.put('/api/v1/settings').set(h.admin).send({ maxSeatChange: 100_000, maxMonthlyIncrease: 10_000_000 }).expect(200);
  }
  expect((await api.http.get('/api/v1/settings').set(h.admin).expect(200)).body).toMatchObject({ maxSeatChange: 100_000, maxMonthlyIncrease: 10_000_000, requireSecondApprover: false });
  const audit = (await api.http.get('/api/v1/audit?type=settings.actions-changed').set(h.admin).expect(200)).body.items;
  expect(audit[0].after).toEqual({ maxSeatChange: 100_000, maxMonthlyIncrease: 10_000_000, requireSecondApprover: false });
});

it('requireSecondApprover: the proposer cannot approve, another admin can', async () => {
  const { gap } = take('under-licensed');
  await api.http.put('/api/v1/settings').set(h.admin).send({ requireSecondApprover: true }).expect(200);
  try {
    const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }], h.admin).expect(201)).body;
    const refused = await approve(action.id, {}, h.admin).expect(403);
    expect(refused.body.message).toMatch(/you proposed this action, so another admin must approve it/);
    await approve(action.id, {}, h.admin2).expect(200);
    expect((await settle(action.id)).items[0].state).toBe('applied');
  } finally {
    await api.http.put('/api/v1/settings').set(h.admin).send({ requireSecondApprover: false }).expect(200);
  }
});

it('bulk: one proposal and one approval for many gaps, an outcome per item', async () => {
  const ok = take('under-licensed');
  const moved = take('under-licensed');
  const gone = take('under-licensed');
  const action = (await propose([ok, moved, gone].map(({ gap }) => ({ clientId: gap.clientId, productId: gap.productId }))).expect(201)).body;
  expect(action.items).toHaveLength(3);
  world.pax8.setQuantity(moved.sub.id, moved.sub.quantity + moved.gap.variance + 1);
  dataset.subscriptions.splice(dataset.subscriptions.indexOf(gone.sub), 1);
  await approve(action.id).expect(200);
  const done = await settle(action.id);
  expect(done.items.map((i: { state: string }) => i.state)).toEqual(['applied', 'conflict', 'failed']);
  expect(done.state).toBe('failed');
  expect(writesTo(ok.sub.id)).toHaveLength(1);
  expect(writesTo(moved.sub.id)).toEqual([]);
});

it('cancel: a proposed action does not run, and the gap can be acted on again', async () => {
  const { gap, sub } = take('under-licensed');
  const action = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  const cancelled = (await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(h.admin).expect(200)).body;
  expect(cancelled).toMatchObject({ state: 'cancelled', items: [{ state: 'cancelled' }] });
  expect((await approve(action.id).expect(409)).body.message).toBe('This action is cancelled');
  await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(h.admin).expect(409);
  expect((await gapNow(gap))!.state).toBe('open');
  expect(writesTo(sub.id)).toEqual([]);
  const next = (await propose([{ clientId: gap.clientId, productId: gap.productId }]).expect(201)).body;
  // The approval queue: ?state=proposed lists the new one, not the cancelled or applied ones.
  const queue = (await api.http.get('/api/v1/actions?state=proposed&limit=500').set(h.viewer).expect(200)).body;
  expect(queue.items.map((a: { id: string }) => a.id)).toContain(next.id);
  expect(queue.items.every((a: { items: Array<{ state: string }> }) => a.items.some((i) => i.state === 'proposed'))).toBe(true);
  expect(queue.items.map((a: { id: string }) => a.id)).not.toContain(action.id);
  expect((await api.http.get('/api/v1/actions?state=cancelled').set(h.viewer).expect(200)).body.items.map((a: { id: string }) => a.id)).toContain(action.id);
  // Its proposer withdraws it while it awaits approval; another technician cannot.
  const otherTech = bearer(await api.token(tenant, 'technician', { subject: 'tech-2' }));
  const refused = await api.http.post(`/api/v1/actions/${next.id}/cancel`).set(otherTech).expect(403);
  expect(refused.body.message).toBe('Only an admin or its proposer (tech-1) can cancel this action');
  expect((await api.http.post(`/api/v1/actions/${next.id}/cancel`).set(h.tech).expect(200)).body).toMatchObject({ state: 'cancelled', history: expect.arrayContaining([expect.objectContaining({ by: 'tech-1', state: 'cancelled' })]) });
});

it('bad proposals are 4xx and change nothing', async () => {
  const { gap } = take('under-licensed');
  const before = await dumpTenant(db, tenant);
  const bad: Array<[object, number, RegExp]> = [
    [{ ...gap, toQuantity: -1 }, 400, /toQuantity must not be negative/],
    [{ ...gap, toQuantity: 2.5 }, 400, /toQuantity must be a whole number/],
    [{ ...gap, toQuantity: 1e9 }, 400, /toQuantity must be at most 100000/],
    [{ ...gap, toQuantity: 0 }, 400, /at least 1/],
    [{ ...gap, subscriptionId: 'not-a-subscription' }, 400, /subscription not-a-subscription is not one of the counted Pax8 subscriptions/],
    [{ clientId: 'org-nobody', productId: gap.productId }, 409, /not open in the latest reconciliation/],
  ];
  for (const [g, status, message] of bad) {
    const body = { clientId: (g as Gap).clientId, productId: (g as Gap).productId, ...Object.fromEntries(Object.entries(g).filter(([k]) => ['toQuantity', 'subscriptionId'].includes(k))) };
    const res = await propose([body]);
    expect([JSON.stringify(g), res.status]).toEqual([JSON.stringify(g), status]);
    expect(res.body.message).toMatch(message);
  }
  expect((await api.http.post('/api/v1/actions').set(h.tech).send({ type: 'psa-quantity', gaps: [{ ...{ clientId: gap.clientId, productId: gap.productId }, additionId: 'a1' }] }).expect(409)).body.message)
    .toMatch(/PSA billing is off for this tenant/);
  expect(await dumpTenant(db, tenant)).toEqual(before);
});
