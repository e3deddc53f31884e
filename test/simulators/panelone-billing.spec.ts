// PanelOne billing API simulator: the contract of docs/contracts-panelone.md "Billing API"
// (cursor paging, organizationId filter, the RMM API's token and errors), the addition write
// (If-Match versions, 412 on a stale one, Idempotency-Key replay and 409, 422), its faults, the
// write log, and a demo world with every billing scenario.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CYCLE_MONTHS, generateDataset, startPanelOneSimulator, type Addition, type Agreement, type PanelOneSimulator } from '../../simulators/index.js';
import { NOW, call, getJson, walkPanelOne } from './helpers.js';

const AGREEMENT_KEYS = ['endDate', 'id', 'name', 'organizationId', 'startDate', 'status'];
const ADDITION_KEYS = ['agreementId', 'billingCycle', 'cancelledDate', 'catalogItemId', 'currency', 'description', 'effectiveDate', 'id', 'quantity', 'sku', 'unitPrice', 'version'];

describe('PanelOne simulator: billing API', () => {
  let sim: PanelOneSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startPanelOneSimulator({ dataset: generateDataset({ seed: 5, now: NOW }) });
    token = sim.apiToken;
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.setFaults({}));

  const patch = (addition: Addition, body: unknown, headers: Record<string, string> = {}) =>
    call('PATCH', `${sim.url}/api/v2/agreements/${addition.agreementId}/additions/${addition.id}`, body, {
      authorization: `Bearer ${token}`, 'if-match': `"${addition.version}"`, 'idempotency-key': randomUUID(), ...headers,
    });
  const liveAddition = () => {
    const active = new Set(sim.dataset.billing.agreements.filter((a) => a.status === 'ACTIVE').map((a) => a.id));
    return sim.dataset.billing.additions.find((a) => active.has(a.agreementId) && a.cancelledDate === null && a.quantity > 3 && !used.has(a.id) && used.add(a.id))!;
  };
  const used = new Set<string>();

  it('401 for a missing or wrong token on every billing route', async () => {
    const agreement = sim.dataset.billing.agreements[0];
    for (const path of ['/api/v2/agreements', `/api/v2/agreements/${agreement.id}/additions`, '/api/v2/catalog/items']) {
      expect((await getJson(`${sim.url}${path}`)).status).toBe(401);
      expect((await getJson(`${sim.url}${path}`, 'wrong')).body).toEqual({ error: 'unauthorized', message: expect.any(String) });
      expect((await getJson(`${sim.url}${path}`, token)).status).toBe(200);
    }
  });

  it('agreements, additions and catalog items: each once through the cursor walk, in the contract shape', async () => {
    const agreements = await walkPanelOne<Agreement>(`${sim.url}/api/v2/agreements`, token, 7);
    expect(agreements.items).toEqual(sim.dataset.billing.agreements);
    expect(agreements.calls).toBe(Math.ceil(sim.dataset.billing.agreements.length / 7));
    for (const a of agreements.items) expect(Object.keys(a).sort()).toEqual(AGREEMENT_KEYS);
    const withMany = sim.dataset.billing.agreements.find((a) => sim.dataset.billing.additions.filter((x) => x.agreementId === a.id).length >= 2)!;
    const additions = await walkPanelOne<Addition>(`${sim.url}/api/v2/agreements/${withMany.id}/additions`, token, 1);
    expect(additions.items).toEqual(sim.dataset.billing.additions.filter((x) => x.agreementId === withMany.id));
    for (const a of additions.items) expect(Object.keys(a).sort()).toEqual(ADDITION_KEYS);
    const items = await walkPanelOne(`${sim.url}/api/v2/catalog/items`, token, 5);
    expect(items.items).toEqual(sim.dataset.billing.catalog);
    for (const item of items.items) expect(Object.keys(item).sort()).toEqual(['category', 'id', 'name', 'sku']);
  });

  it('organizationId filters agreements; an unknown agreement is a 404; a bad pageSize or cursor is a 400', async () => {
    const org = sim.dataset.billing.agreements[0].organizationId;
    const mine = await walkPanelOne<Agreement>(`${sim.url}/api/v2/agreements?organizationId=${org}`, token, 1000);
    expect(mine.items).toEqual(sim.dataset.billing.agreements.filter((a) => a.organizationId === org));
    expect((await getJson(`${sim.url}/api/v2/agreements/agr-nope/additions`, token)).status).toBe(404);
    expect((await getJson(`${sim.url}/api/v2/agreements?pageSize=1001`, token)).status).toBe(400);
    expect((await getJson(`${sim.url}/api/v2/catalog/items?after=bogus`, token)).status).toBe(400);
  });

  it('a PATCH with the current version applies: 200, a new version and ETag, and later reads show it', async () => {
    const addition = liveAddition();
    const before = { ...addition };
    const res = await patch(before, { quantity: before.quantity + 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...before, quantity: before.quantity + 2, version: before.version + 1 });
    expect(res.headers.etag).toBe(`"${before.version + 1}"`);
    const listed = (await walkPanelOne<Addition>(`${sim.url}/api/v2/agreements/${before.agreementId}/additions`, token, 1000)).items.find((a) => a.id === before.id);
    expect(listed).toEqual(res.body);
    expect(sim.billingWriteLog().at(-1)).toEqual(expect.objectContaining({
      additionId: before.id, outcome: 'applied', status: 200, quantityBefore: before.quantity, quantityAfter: before.quantity + 2, versionBefore: before.version, versionAfter: before.version + 1,
    }));
  });

  it('a stale If-Match is a 412 that changes nothing; no If-Match is a 428; no Idempotency-Key a 400', async () => {
    const addition = liveAddition();
    const stale = { ...addition };
    sim.changeAddition(addition.id, { quantity: addition.quantity + 1 });
    const res = await patch(stale, { quantity: 1 });
    expect(res.status).toBe(412);
    expect(res.headers.etag).toBe(`"${stale.version + 1}"`);
    expect(addition.quantity).toBe(stale.quantity + 1);
    expect((await call('PATCH', `${sim.url}/api/v2/agreements/${addition.agreementId}/additions/${addition.id}`, { quantity: 1 },
      { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() })).status).toBe(428);
    expect((await call('PATCH', `${sim.url}/api/v2/agreements/${addition.agreementId}/additions/${addition.id}`, { quantity: 1 },
      { authorization: `Bearer ${token}`, 'if-match': `"${addition.version}"` })).status).toBe(400);
    expect(addition.quantity).toBe(stale.quantity + 1);
  });

  it('a repeated Idempotency-Key with the same body answers the first answer without applying it again; with another body it is a 409', async () => {
    const addition = liveAddition();
    const first = { ...addition };
    const key = randomUUID();
    const a = await patch(first, { quantity: first.quantity + 5 }, { 'idempotency-key': key });
    const b = await patch(first, { quantity: first.quantity + 5 }, { 'idempotency-key': key });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(addition.version).toBe(first.version + 1);
    expect((await patch(first, { quantity: first.quantity + 6 }, { 'idempotency-key': key })).status).toBe(409);
    expect(addition.quantity).toBe(first.quantity + 5);
    expect(sim.billingWriteLog().slice(-3).map((e) => e.outcome)).toEqual(['applied', 'replayed', 'refused']);
  });

  it('an invalid body is a 422 that changes nothing, and does not use its key up', async () => {
    const addition = liveAddition();
    const before = { ...addition };
    const key = randomUUID();
    for (const body of [{ quantity: -1 }, { quantity: 1.5 }, { quantity: 2, unitPrice: 1 }, { quantity: 2, effectiveDate: 'soon' }, [], 'x']) {
      expect((await patch(before, body, { 'idempotency-key': key })).status).toBe(422);
    }
    expect(addition).toEqual(before);
    expect((await patch(before, { quantity: 2 }, { 'idempotency-key': key })).status).toBe(200);
    const cancelled = sim.dataset.billing.additions.find((a) => a.cancelledDate !== null)!;
    expect((await patch(cancelled, { quantity: 2 })).status).toBe(422);
  });

  it('faults: a 429 carries Retry-After and applies nothing; an answer dropped after the write is replayed by its key', async () => {
    const addition = liveAddition();
    const before = { ...addition };
    sim.setFaults({ writes: { script: ['rate429RetryAfter', 'dropAfterApply', 'rate5xxAfterApply'], retryAfterSeconds: 2 } });
    const limited = await patch(before, { quantity: before.quantity + 1 });
    expect([limited.status, limited.headers['retry-after'], addition.version]).toEqual([429, '2', before.version]);
    const key = randomUUID();
    await expect(patch(before, { quantity: before.quantity + 1 }, { 'idempotency-key': key })).rejects.toThrow();
    expect(addition.version).toBe(before.version + 1);
    const replay = await patch(before, { quantity: before.quantity + 1 }, { 'idempotency-key': key });
    expect([replay.status, replay.body.quantity, addition.version]).toEqual([200, before.quantity + 1, before.version + 1]);
    expect(sim.billingWriteLog().slice(-3).map((e) => e.outcome)).toEqual(['failed-before-apply', 'dropped-after-apply', 'replayed']);
    sim.setFaults({ rate5xx: 1 });
    expect((await getJson(`${sim.url}/api/v2/agreements`, token)).status).toBeGreaterThanOrEqual(500);
  });

  it('the demo world bills some clients less than their devices, some more, some exactly, and some less than their licences', () => {
    const world = generateDataset({ now: NOW }).billing;
    const scenarios = new Set(world.truth.map((t) => t.scenario));
    expect([...scenarios].sort()).toEqual(['billed', 'over-billed', 'unbilled-licences', 'under-billed']);
    expect(world.truth.some((t) => t.billed < t.devices)).toBe(true);
    expect(world.truth.some((t) => t.billed > t.devices)).toBe(true);
    expect(world.truth.some((t) => t.billed === t.devices)).toBe(true);
    expect(world.truth.some((t) => t.licenses > t.billed)).toBe(true);
    // The noise a sync must not count, and every billing cycle.
    expect(world.agreements.some((a) => a.status !== 'ACTIVE')).toBe(true);
    expect(world.additions.some((a) => a.cancelledDate !== null)).toBe(true);
    expect(new Set(world.additions.map((a) => a.billingCycle))).toEqual(new Set(Object.keys(CYCLE_MONTHS)));
  });
});
