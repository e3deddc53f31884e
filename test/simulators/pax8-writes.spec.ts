// The quantity write of the Pax8 simulator: what a change does to later reads, Pax8's rules on
// decreases (commitment terms, products that take none through the API), refusals that change
// nothing, and the write log (docs/contracts-pax8.md, "The quantity write").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DAY, generateDataset, startPax8Simulator, type Dataset, type Pax8Simulator, type Subscription } from '../../simulators/index.js';
import { NOW, call, getJson, pax8Token, postJson, walkPax8 } from './helpers.js';

const vendorOf = (data: Dataset, s: Subscription) => data.products.find((p) => p.id === s.productId)!.vendorName;
/** Active subscriptions of each kind the decrease rules tell apart. */
function kinds(data: Dataset) {
  const live = data.subscriptions.filter((s) => s.status === 'Active' && s.quantity > 2);
  const meta = (s: Subscription) => data.productMeta[s.productId];
  return {
    committed: live.filter((s) => s.commitmentTerm),
    microsoftFree: live.filter((s) => !s.commitmentTerm && vendorOf(data, s) === 'Microsoft'),
    portalOnly: live.filter((s) => !s.commitmentTerm && !meta(s).decreaseThroughApi),
    otherFree: live.filter((s) => !s.commitmentTerm && meta(s).decreaseThroughApi && vendorOf(data, s) !== 'Microsoft'),
  };
}

describe('Pax8 simulator: PUT /v1/subscriptions/{id}', () => {
  let sim: Pax8Simulator;
  let token: string;

  beforeAll(async () => {
    sim = await startPax8Simulator({ dataset: generateDataset({ seed: 5, now: NOW, clients: 80, devices: 3000, subscriptions: 400 }) });
    token = await pax8Token(sim);
  });
  afterAll(() => sim.close());
  const send = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    call('PUT', `${sim.url}/subscriptions/${id}`, body, { authorization: `Bearer ${token}`, ...headers });
  const read = async (id: string) => (await getJson(`${sim.url}/subscriptions/${id}`, token)).body as Subscription;

  it('the demo and scale worlds hold every kind of subscription the decrease rules tell apart', () => {
    for (const data of [generateDataset({ now: NOW }), generateDataset({ profile: 'scale', now: NOW, devices: 2000 })]) {
      for (const list of Object.values(kinds(data))) expect(list.length).toBeGreaterThan(0);
      // A live commitment is in its current term: it ends after now.
      for (const s of kinds(data).committed) expect(Date.parse(s.commitmentTerm!.endDate)).toBeGreaterThan(NOW);
    }
  });

  it('an increase applies at once: the answer, a later GET and the list show it, and updatedDate moves', async () => {
    const sub = kinds(sim.dataset).committed[0];
    const before = await read(sub.id);
    const res = await send(sub.id, { quantity: before.quantity + 4 });
    expect(res.status).toBe(200);
    expect(res.body.quantity).toBe(before.quantity + 4);
    expect(Date.parse(res.body.updatedDate)).toBeGreaterThan(Date.parse(before.updatedDate));
    expect(await read(sub.id)).toEqual(res.body);
    const listed = (await walkPax8<Subscription>(`${sim.url}/subscriptions?companyId=${sub.companyId}`, token)).items.find((s) => s.id === sub.id);
    expect(listed).toEqual(res.body);
    expect(sim.writeLog().at(-1)).toEqual(expect.objectContaining({
      subscriptionId: sub.id, body: { quantity: before.quantity + 4 }, outcome: 'applied', status: 200, quantityBefore: before.quantity, quantityAfter: before.quantity + 4,
    }));
  });

  it('a mid-term decrease of a commitment subscription is a 422 in plain words; at renewal it is taken (Microsoft)', async () => {
    const sub = kinds(sim.dataset).committed.filter((s) => vendorOf(sim.dataset, s) === 'Microsoft')[1];
    const before = await read(sub.id);
    const res = await send(sub.id, { quantity: before.quantity - 1 });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      type: 'Unprocessable Entity', status: 422, instance: `/v1/subscriptions/${sub.id}`,
      message: `Quantity decreases for commitment subscriptions are only possible at renewal (endDate ${before.commitmentTerm!.endDate.slice(0, 10)})`,
      details: [expect.objectContaining({ type: 'quantity' })],
    });
    expect(await read(sub.id)).toEqual(before);
    expect(sim.writeLog().at(-1)).toEqual(expect.objectContaining({ outcome: 'refused', status: 422, quantityBefore: before.quantity, quantityAfter: before.quantity }));

    const clock = sim.now();
    sim.setNow(Date.parse(before.commitmentTerm!.endDate) + DAY);
    try {
      const atRenewal = await send(sub.id, { quantity: before.quantity - 1 });
      expect(atRenewal.status).toBe(200);
      expect(atRenewal.body.quantity).toBe(before.quantity - 1);
    } finally {
      sim.setNow(clock);
    }
  });

  it('decreases: refused for products that take none through the API, taken for Microsoft and the few others', async () => {
    const { portalOnly, microsoftFree, otherFree } = kinds(sim.dataset);
    const refused = await send(portalOnly[0].id, { quantity: portalOnly[0].quantity - 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe(`Quantity decreases for ${portalOnly[0].productName} are not possible through the API; make them in the Pax8 portal`);
    const increased = await send(portalOnly[0].id, { quantity: portalOnly[0].quantity + 1 });
    expect(increased.status).toBe(200);
    for (const sub of [microsoftFree[0], otherFree[0]]) {
      const res = await send(sub.id, { quantity: sub.quantity - 1 });
      expect(res.status).toBe(200);
      expect((await read(sub.id)).quantity).toBe(res.body.quantity);
    }
  });

  it('bad bodies are a 4xx in Pax8 shape and change nothing', async () => {
    const sub = kinds(sim.dataset).microsoftFree[1];
    const before = await read(sub.id);
    const logged = sim.writeLog().length;
    const bodies: unknown[] = [{ quantity: -3 }, { quantity: 2.5 }, { quantity: 0 }, { quantity: 1e9 }, { quantity: '5' }, { quantity: null }, {},
      { quantity: 5, productId: sub.productId }, { quantity: 5, seats: 5 }, { billingTerm: 'Weekly' }, { quantity: 5, billingTerm: sub.billingTerm === 'Monthly' ? 'Annual' : 'Monthly' },
      { price: -1 }, '{"quantity": 5', 'quantity=5'];
    for (const body of bodies) {
      const res = await send(sub.id, body);
      expect([res.status, res.body]).toEqual([422, expect.objectContaining({ status: 422, message: expect.any(String), details: expect.any(Array) })]);
    }
    const wrongType = await call('PUT', `${sim.url}/subscriptions/${sub.id}`, JSON.stringify({ quantity: 5 }), { authorization: `Bearer ${token}`, 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(await read(sub.id)).toEqual(before);
    const entries = sim.writeLog().slice(logged);
    expect(entries).toHaveLength(bodies.length + 1);
    expect(entries.every((e) => e.outcome === 'refused' && e.quantityBefore === before.quantity && e.quantityAfter === before.quantity)).toBe(true);
  });

  it('an unknown subscription is a 404; no token is a 401; neither changes anything', async () => {
    const unknown = await send('00000000-0000-4000-8000-000000000000', { quantity: 3 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Subscription not found');
    expect(sim.writeLog().at(-1)).toEqual(expect.objectContaining({ outcome: 'refused', status: 404, quantityBefore: null, quantityAfter: null }));
    const sub = kinds(sim.dataset).microsoftFree[2];
    const anonymous = await call('PUT', `${sim.url}/subscriptions/${sub.id}`, { quantity: sub.quantity + 1 });
    expect(anonymous.status).toBe(401);
    expect((await read(sub.id)).quantity).toBe(sub.quantity);
  });

  it('cancelled subscriptions and those starting in the future take no update', async () => {
    const cancelled = sim.dataset.subscriptions.find((s) => s.status === 'Cancelled')!;
    const res = await send(cancelled.id, { quantity: cancelled.quantity + 1 });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Subscription is Cancelled and cannot be updated');
    const future = kinds(sim.dataset).microsoftFree[3];
    const start = future.startDate;
    future.startDate = new Date(NOW + 30 * DAY).toISOString();
    try {
      const later = await send(future.id, { quantity: future.quantity + 1 });
      expect(later.status).toBe(422);
      expect(later.body.message).toBe('Updates are not supported for subscriptions with a future start date');
    } finally {
      future.startDate = start;
    }
  });

  it('crossing a volume tier moves partnerCost and the suggested price', async () => {
    const sub = sim.dataset.subscriptions.find((s) => s.status === 'Active' && s.quantity < 40
      && sim.dataset.pricing[s.productId].find((p) => p.billingTerm === s.billingTerm)!.rates.length > 1
      && s.price === sim.dataset.pricing[s.productId].find((p) => p.billingTerm === s.billingTerm)!.rates[0].suggestedRetailPrice)!;
    const tier = sim.dataset.pricing[sub.productId].find((p) => p.billingTerm === sub.billingTerm)!.rates[1];
    const res = await send(sub.id, { quantity: 60 });
    expect(res.status).toBe(200);
    expect([res.body.partnerCost, res.body.price]).toEqual([tier.partnerBuyRate, tier.suggestedRetailPrice]);
  });

  it('someone else changing a quantity (setQuantity, PATCH /_sim/subscriptions) shows in reads and in the log', async () => {
    const sub = kinds(sim.dataset).microsoftFree[4];
    const q = sub.quantity;
    sim.setQuantity(sub.id, q + 7);
    expect((await read(sub.id)).quantity).toBe(q + 7);
    const origin = new URL(sim.url).origin;
    expect((await call('PATCH', `${origin}/_sim/subscriptions/${sub.id}`, { quantity: q + 9 })).status).toBe(200);
    expect((await read(sub.id)).quantity).toBe(q + 9);
    expect(sim.writeLog().slice(-2).map((e) => [e.outcome, e.quantityBefore, e.quantityAfter])).toEqual([
      ['changed-out-of-band', q, q + 7], ['changed-out-of-band', q + 7, q + 9],
    ]);
    expect(() => sim.setQuantity(sub.id, -1)).toThrow(/non-negative/);
    expect(() => sim.setQuantity('nope', 1)).toThrow(/no subscription/);
  });

  it('the log and the clock are steerable over HTTP', async () => {
    const origin = new URL(sim.url).origin;
    const log = await getJson(`${origin}/_sim/writes`);
    expect(log.body).toEqual(sim.writeLog());
    expect(log.body.length).toBeGreaterThan(0);
    expect((await call('DELETE', `${origin}/_sim/writes`)).status).toBe(200);
    expect(sim.writeLog()).toEqual([]);
    const moved = await postJson(`${origin}/_sim/clock`, { now: '2027-06-01T00:00:00Z' });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now)).toBeGreaterThanOrEqual(Date.parse('2027-06-01T00:00:00Z'));
    expect((await postJson(`${origin}/_sim/clock`, { now: 'tomorrow' })).status).toBe(400);
    sim.setNow(NOW);
  });
});
