// Pax8 quantity writes under faults, against the simulator over HTTP: a storm of dropped
// answers (before and after the change was applied), 5xx and 429 on PUT must leave every one of
// 100 approved items exactly at its target with one effective change each; two admins approving
// at once with two workers make one write; a worker SIGKILLed mid-item is resumed after its
// lease from a read, never doubled, never left applying; roles and tenants are kept apart.
import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { ChildProcess } from 'node:child_process';
import type pg from 'pg';
import { generateDataset, type Dataset } from '../../simulators/index.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { syncSimulatedWorld, type SimulatedWorld } from '../support/simulated-world.js';
import { startWorker, startWorkerProcess } from '../sync/support.js';
import { bearer, pool, summary, until } from './support.js';

jest.setTimeout(600_000);

interface Gap { clientId: string; productId: string; status: string; variance: number }
const tenant = uniqueTenant('rel-actions');
const WORKER_ENV = { ACTIONS_POLL_MS: '100', ACTIONS_LEASE_SECONDS: '3', ACTIONS_WRITE_ATTEMPTS: '12' };
/** Writes that changed the quantity in the simulator (whether or not their answer arrived). */
const EFFECTIVE = new Set(['applied', 'dropped-after-apply', 'failed-after-apply']);

let api: TestApi;
let db: pg.Pool;
let world: SimulatedWorld;
let dataset: Dataset;
let free: Array<{ gap: Gap; subscriptionId: string; from: number }>;
let h: Record<'admin' | 'admin2' | 'tech' | 'viewer', Record<string, string>>;

const companyOf = (clientId: string) => dataset.clients.find((c) => c.organizationId === clientId)!.companyId!;
const getAction = async (id: string) => (await api.http.get(`/api/v1/actions/${id}`).set(h.viewer).expect(200)).body;
const settled = (id: string, ms = 300_000) => until(`action ${id} to settle`, async () => {
  const a = await getAction(id);
  return a.items.every((i: { state: string }) => ['applied', 'failed', 'conflict', 'cancelled'].includes(i.state)) ? a : undefined;
}, ms, 200);
const proposeIncrease = async (picked: typeof free) => (await api.http.post('/api/v1/actions').set(h.tech)
  .send({ type: 'pax8-quantity', gaps: picked.map(({ gap, subscriptionId, from }) => ({ clientId: gap.clientId, productId: gap.productId, subscriptionId, toQuantity: from + 2 })) }).expect(201)).body;

beforeAll(async () => {
  api = await startTestApi();
  db = pool();
  dataset = generateDataset({ clients: 260, devices: 5200, seed: 41 });
  world = await syncSimulatedWorld(api, tenant, dataset);
  h = {
    admin: bearer(await api.token(tenant, 'admin', { subject: 'lead-1' })),
    admin2: bearer(await api.token(tenant, 'admin', { subject: 'lead-2' })),
    tech: bearer(await api.token(tenant, 'technician')),
    viewer: bearer(await api.token(tenant, 'viewer')),
  };
  const gaps: Gap[] = (await api.http.get('/api/v1/gaps?limit=500').set(h.viewer).expect(200)).body.items;
  // Every gap with an Active subscription: each item raises one subscription by 2 (increases are always taken).
  free = gaps.flatMap((gap) => {
    const sub = dataset.subscriptions.filter((s) => s.companyId === companyOf(gap.clientId) && s.productId === gap.productId && s.status === 'Active')
      .sort((a, b) => b.quantity - a.quantity)[0];
    return sub ? [{ gap, subscriptionId: sub.id, from: sub.quantity }] : [];
  });
  expect(free.length).toBeGreaterThanOrEqual(110);
});
afterAll(async () => {
  await api?.close();
  await world?.close();
  await db?.end();
});

it('a storm of dropped answers, 5xx and 429 on PUT: 100 items end exactly at their targets, one effective change each', async () => {
  const picked = free.splice(0, 100);
  const action = await proposeIncrease(picked);
  world.pax8.clearWriteLog();
  world.pax8.setFaults({
    seed: 5, rate5xx: 0.03, dropRate: 0.02,
    writes: { seed: 9, rate429: 0.1, retryAfterRatio: 0.3, retryAfterSeconds: 1, rate5xx: 0.1, dropBeforeApplyRate: 0.08, dropAfterApplyRate: 0.15, rate5xxAfterApply: 0.1 },
  });
  const workers = [await startWorker(WORKER_ENV), await startWorker(WORKER_ENV)];
  try {
    await api.http.post(`/api/v1/actions/${action.id}/approve`).set(h.admin).send({ confirmLarge: true }).expect(200);
    const done = await settled(action.id);
    expect(done.items.filter((i: { state: string }) => i.state !== 'applied').map((i: { outcome: unknown }) => i.outcome)).toEqual([]);
  } finally {
    for (const w of workers) await w.close();
    world.pax8.setFaults({});
  }
  const log = world.pax8.writeLog();
  const doubled = picked.filter(({ subscriptionId }) => log.filter((w) => w.subscriptionId === subscriptionId && EFFECTIVE.has(w.outcome)).length > 1).length;
  for (const { subscriptionId, from } of picked) {
    const sub = dataset.subscriptions.find((s) => s.id === subscriptionId)!;
    const effective = log.filter((w) => w.subscriptionId === subscriptionId && EFFECTIVE.has(w.outcome));
    expect([subscriptionId, sub.quantity, effective.length]).toEqual([subscriptionId, from + 2, 1]);
  }
  const count = (outcome: string) => log.filter((w) => w.outcome === outcome).length;
  expect(count('dropped-after-apply') + count('failed-after-apply')).toBeGreaterThan(10);
  summary('actions-storm', {
    items: picked.length, puts: log.length, applied: count('applied'), answerLostAfterApply: count('dropped-after-apply') + count('failed-after-apply'),
    failedBeforeApply: count('failed-before-apply'), doubled,
  });
});

it('two admins approving at once, two workers: one approval, one write', async () => {
  const picked = free.splice(0, 1);
  const action = await proposeIncrease(picked);
  const workers = [await startWorker(WORKER_ENV), await startWorker(WORKER_ENV)];
  try {
    const answers = await Promise.all([h.admin, h.admin2].map((a) => api.http.post(`/api/v1/actions/${action.id}/approve`).set(a).send({})));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.message).toMatch(/already approved/);
    const done = await settled(action.id, 60_000);
    expect(done.items[0].state).toBe('applied');
    expect(done.history.filter((e: { state: string }) => e.state === 'approved')).toHaveLength(1);
    expect(done.history.filter((e: { state: string }) => e.state === 'applying')).toHaveLength(1);
  } finally {
    for (const w of workers) await w.close();
  }
  expect(world.pax8.writeLog().filter((w) => w.subscriptionId === picked[0].subscriptionId && EFFECTIVE.has(w.outcome))).toHaveLength(1);
});

it('a worker SIGKILLed mid-item: another resumes it after the lease from a read, applied once, never left applying', async () => {
  const picked = free.splice(0, 1);
  const action = await proposeIncrease(picked);
  // Every Pax8 call takes 1.5 s: the child is killed while its read or its write is in flight.
  world.pax8.setFaults({ slowRate: 1, slowMs: 1500 });
  let child: ChildProcess | undefined = await startWorkerProcess(WORKER_ENV);
  let worker: INestApplicationContext | undefined;
  try {
    await api.http.post(`/api/v1/actions/${action.id}/approve`).set(h.admin).send({}).expect(200);
    await until('the child worker to be applying', async () => (await getAction(action.id)).items[0].state === 'applying', 30_000, 50);
    await new Promise((r) => setTimeout(r, 2000)); // its GET answered, its PUT sent
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;
    expect((await getAction(action.id)).items[0].state).toBe('applying');
    world.pax8.setFaults({});
    worker = await startWorker(WORKER_ENV);
    const done = await settled(action.id, 60_000);
    expect(done.items[0].state).toBe('applied');
    expect(done.history.map((e: { message: string }) => e.message)).toContain('Resumed by another worker after the lease lapsed; reading Pax8 before any write');
  } finally {
    child?.kill('SIGKILL');
    await worker?.close();
    world.pax8.setFaults({});
  }
  const sub = dataset.subscriptions.find((s) => s.id === picked[0].subscriptionId)!;
  expect(sub.quantity).toBe(picked[0].from + 2);
  expect(world.pax8.writeLog().filter((w) => w.subscriptionId === sub.id && EFFECTIVE.has(w.outcome))).toHaveLength(1);
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM action_item WHERE tenant_id = $1 AND state = 'applying'`, [tenant]);
  expect(rows[0].n).toBe(0);
});

it('a read-scope key, a viewer and a technician cannot approve; a technician can propose; another tenant\'s action is a 404', async () => {
  const picked = free.splice(0, 1);
  const action = await proposeIncrease(picked);
  const key = (await api.http.post('/api/v1/api-keys').set(h.admin).send({ name: 'qbr', scopes: ['read'] }).expect(201)).body.key;
  // Another technician than the proposer may not withdraw it (the proposer may, while it waits: test/actions).
  const otherTech = bearer(await api.token(tenant, 'technician', { subject: 'another-technician' }));
  for (const who of [bearer(key), h.viewer, h.tech]) await api.http.post(`/api/v1/actions/${action.id}/approve`).set(who).send({}).expect(403);
  for (const who of [bearer(key), h.viewer, otherTech]) await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(who).send({}).expect(403);
  await api.http.post('/api/v1/actions').set(bearer(key)).send({ type: 'pax8-quantity', gaps: [{ clientId: 'x', productId: 'y' }] }).expect(403);
  await api.http.get(`/api/v1/actions/${action.id}`).set(bearer(key)).expect(200);
  const other = bearer(await api.token(uniqueTenant('rel-actions-other'), 'admin'));
  await api.http.get(`/api/v1/actions/${action.id}`).set(other).expect(404);
  await api.http.post(`/api/v1/actions/${action.id}/approve`).set(other).send({}).expect(404);
  await api.http.post(`/api/v1/actions/${action.id}/cancel`).set(other).send({}).expect(404);
  expect((await getAction(action.id)).state).toBe('proposed');
});
