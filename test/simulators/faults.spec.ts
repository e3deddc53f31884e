// Fault injection: rates, determinism per seed, the special modes, and steering over HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import {
  generateDataset, startPanelOneSimulator, startPax8Simulator,
  type Faults, type PanelOneSimulator, type Pax8Simulator,
} from '../../simulators/index.js';
import { NOW, call, getJson, pax8Token, postJson, walkPanelOne, walkPax8 } from './helpers.js';

describe('fault injection', () => {
  let pax8: Pax8Simulator;
  let panelone: PanelOneSimulator;
  let token: string;

  beforeAll(async () => {
    const dataset = generateDataset({ seed: 9, now: NOW });
    pax8 = await startPax8Simulator({ dataset });
    panelone = await startPanelOneSimulator({ dataset });
    token = await pax8Token(pax8);
  });
  afterAll(async () => { await pax8.close(); await panelone.close(); });
  const clear = () => { pax8.reset(); panelone.reset(); };

  /** Sequential calls; returns a status per call ('200!' for a 200 that is not JSON). */
  async function outcomes(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await getJson(`${panelone.url}/api/v2/organizations?pageSize=1`, panelone.apiToken);
      const retry = res.headers['retry-after'];
      out.push(res.status === 200 && res.body === undefined ? '200!' : `${res.status}${retry ? `/ra=${retry}` : ''}`);
    }
    return out;
  }

  it('injects 429 (some with Retry-After), 5xx and malformed bodies at about the configured rates', async () => {
    panelone.setFaults({ seed: 3, rate429: 0.2, retryAfterRatio: 0.5, rate5xx: 0.1, malformedRate: 0.05 });
    const results = await outcomes(600);
    const count = (p: (s: string) => boolean) => results.filter(p).length;
    const r429 = count((s) => s.startsWith('429'));
    const withRetryAfter = count((s) => s === '429/ra=1');
    const r5xx = count((s) => /^5\d\d/.test(s));
    const malformed = count((s) => s === '200!');
    expect(r429).toBeGreaterThan(80); expect(r429).toBeLessThan(160);
    expect(withRetryAfter).toBeGreaterThan(r429 * 0.3); expect(withRetryAfter).toBeLessThan(r429 * 0.7);
    expect(r5xx).toBeGreaterThan(30); expect(r5xx).toBeLessThan(95);
    expect(malformed).toBeGreaterThan(12); expect(malformed).toBeLessThan(55);
    const stats = panelone.stats();
    expect(stats.faults.rate429).toBe(r429);
    expect(stats.faults.rate5xx).toBe(r5xx);
    expect(stats.faults.malformed).toBe(malformed);
    expect(stats.faultsInjected).toBe(r429 + r5xx + malformed);
    expect(stats.totalCalls).toBe(600);
    clear();
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const faults: Faults = { seed: 21, rate429: 0.15, rate5xx: 0.15, retryAfterRatio: 0.5 };
    panelone.setFaults(faults);
    const first = await outcomes(120);
    panelone.setFaults(faults);
    const second = await outcomes(120);
    panelone.setFaults({ ...faults, seed: 22 });
    const other = await outcomes(120);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.some((s) => s !== '200')).toBe(true);
    clear();
  });

  it('down: every data call is 503 on both simulators; the token endpoint stays up unless asked', async () => {
    pax8.setFaults({ down: true });
    panelone.setFaults({ down: true });
    expect((await getJson(`${pax8.url}/companies`, token)).status).toBe(503);
    expect((await getJson(`${panelone.url}/api/v2/devices`, panelone.apiToken)).status).toBe(503);
    expect((await getJson(`${panelone.url}/api/v2/organizations`, panelone.apiToken)).status).toBe(503);
    await expect(pax8Token(pax8)).resolves.toEqual(expect.any(String));
    pax8.setFaults({ down: true, includeTokenEndpoint: true });
    await expect(pax8Token(pax8)).rejects.toThrow(/503/);
    expect(pax8.stats().faults.down).toBe(2);
    clear();
    expect((await getJson(`${pax8.url}/companies`, token)).status).toBe(200);
  });

  it('dropped connections are a socket error for the client', async () => {
    panelone.setFaults({ dropRate: 1 });
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const req = request(`${panelone.url}/api/v2/devices`, { headers: { authorization: `Bearer ${panelone.apiToken}` } }, () => reject(new Error('got a response')));
      req.on('error', resolve);
      req.end();
    });
    expect(error.code).toBe('ECONNRESET');
    await expect(getJson(`${panelone.url}/api/v2/devices`, panelone.apiToken)).rejects.toThrow(/socket hang up/);
    expect(panelone.stats().faults.drop).toBe(2);
    clear();
  });

  it('slow calls are delayed by slowMs and then answered normally', async () => {
    panelone.setFaults({ slowRate: 1, slowMs: 300 });
    const started = Date.now();
    const res = await getJson(`${panelone.url}/api/v2/organizations?pageSize=1`, panelone.apiToken);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(panelone.stats().faults.slow).toBe(1);
    clear();
  });

  it('tokenExpiresAfterCalls: a token answers 401 after n calls, a fresh token works', async () => {
    pax8.setFaults({ tokenExpiresAfterCalls: 3 });
    const t = await pax8Token(pax8);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await getJson(`${pax8.url}/companies`, t)).status);
    expect(statuses).toEqual([200, 200, 200, 401, 401]);
    const fresh = await pax8Token(pax8);
    expect((await getJson(`${pax8.url}/companies`, fresh)).status).toBe(200);
    expect(pax8.stats().faults.tokenExpired).toBe(2);
    clear();
  });

  it('failPaths: matching calls always 500, others unaffected', async () => {
    pax8.setFaults({ failPaths: ['^/v1/subscriptions'] });
    for (let i = 0; i < 5; i++) expect((await getJson(`${pax8.url}/subscriptions?size=5`, token)).status).toBe(500);
    expect((await getJson(`${pax8.url}/companies`, token)).status).toBe(200);
    panelone.setFaults({ failPaths: ['organizationId=org-00002'] });
    expect((await getJson(`${panelone.url}/api/v2/devices?organizationId=org-00002`, panelone.apiToken)).status).toBe(500);
    expect((await getJson(`${panelone.url}/api/v2/devices?organizationId=org-00001`, panelone.apiToken)).status).toBe(200);
    clear();
  });

  it('shiftBetweenPages: records move between pages, so a walk sees some twice but misses none', async () => {
    pax8.setFaults({ shiftBetweenPages: true });
    const companies = await walkPax8<{ id: string }>(`${pax8.url}/companies`, token, 10);
    const ids = companies.items.map((c) => c.id);
    expect(new Set(ids)).toEqual(new Set(pax8.dataset.companies.map((c) => c.id)));
    expect(ids.length).toBeGreaterThan(new Set(ids).size);

    panelone.setFaults({ shiftBetweenPages: true });
    const devices = await walkPanelOne<{ id: string }>(`${panelone.url}/api/v2/devices`, panelone.apiToken, 500);
    const deviceIds = devices.items.map((d) => d.id);
    expect(new Set(deviceIds).size).toBe(panelone.dataset.devices.count);
    expect(deviceIds.length - new Set(deviceIds).size).toBe(devices.calls - 1);
    expect(panelone.stats().faults.shift).toBe(devices.calls - 1);
    clear();
  });

  it('is steerable over HTTP: POST /_sim/faults, GET /_sim/stats, POST /_sim/reset', async () => {
    const origin = new URL(pax8.url).origin;
    expect((await postJson(`${origin}/_sim/faults`, { down: true })).status).toBe(200);
    expect((await getJson(`${pax8.url}/companies`, token)).status).toBe(503);
    const stats = await getJson(`${origin}/_sim/stats`);
    expect(stats.body.faults.down).toBe(1);
    expect(stats.body.byRoute['GET /v1/companies']).toBe(1);
    expect(stats.body.memory.rss).toBeGreaterThan(0);
    expect((await postJson(`${origin}/_sim/faults`, { rate429: 2 })).status).toBe(400);
    expect((await postJson(`${origin}/_sim/faults`, '{nope')).status).toBe(400);
    expect((await postJson(`${origin}/_sim/reset`, {})).status).toBe(200);
    expect((await getJson(`${pax8.url}/companies`, token)).status).toBe(200);
    expect((await getJson(`${origin}/_sim/stats`)).body.totalCalls).toBe(1);

    expect((await postJson(`${panelone.url}/_sim/faults`, { failPaths: ['/api/v2/devices'] })).status).toBe(200);
    expect((await getJson(`${panelone.url}/api/v2/devices`, panelone.apiToken)).status).toBe(500);
    expect((await getJson(`${panelone.url}/_sim/stats`)).body.faults.failPath).toBe(1);
    await postJson(`${panelone.url}/_sim/reset`, {});
    expect((await getJson(`${panelone.url}/api/v2/devices`, panelone.apiToken)).status).toBe(200);
  });
});

describe('fault injection on writes (PUT /v1/subscriptions/{id})', () => {
  let pax8: Pax8Simulator;
  let token: string;

  beforeAll(async () => {
    pax8 = await startPax8Simulator({ dataset: generateDataset({ seed: 9, now: NOW, clients: 80, subscriptions: 300 }) });
    token = await pax8Token(pax8);
  });
  afterAll(() => pax8.close());
  afterEach(() => { pax8.reset(); pax8.clearWriteLog(); });
  /** Active subscriptions whose quantity Pax8 lets move both ways, none shared between tests. */
  const free = pax8Free();
  function pax8Free() {
    let next = 0;
    return () => {
      const list = pax8.dataset.subscriptions.filter((s) => s.status === 'Active' && !s.commitmentTerm && pax8.dataset.productMeta[s.productId].decreaseThroughApi);
      return list[next++];
    };
  }
  /** A status, or 'dropped' when the socket was destroyed without an answer. */
  const put = (id: string, quantity: number) => call('PUT', `${pax8.url}/subscriptions/${id}`, { quantity }, { authorization: `Bearer ${token}` })
    .then((res) => `${res.status}${res.headers['retry-after'] ? `/ra=${res.headers['retry-after']}` : ''}`, () => 'dropped');
  const quantity = async (id: string) => (await getJson(`${pax8.url}/subscriptions/${id}`, token)).body.quantity as number;
  const effective = (id: string) => pax8.writeLog().filter((e) => e.subscriptionId === id && e.outcome !== 'changed-out-of-band' && e.quantityBefore !== e.quantityAfter);

  it('a script decides the nth write: 429 (with and without Retry-After), 5xx and drops before applying, drop and 5xx after', async () => {
    const sub = free();
    const q0 = sub.quantity;
    pax8.setFaults({ writes: { script: ['rate429', 'rate429RetryAfter', 'rate5xx', 'dropBeforeApply', 'dropAfterApply', 'rate5xxAfterApply', 'none'], retryAfterSeconds: 2 } });
    const seen: Array<[string, number]> = [];
    for (let i = 0; i < 7; i++) seen.push([(await put(sub.id, q0 + 1 + i)).replace(/^5\d\d$/, '5xx'), await quantity(sub.id)]);
    expect(seen).toEqual([['429', q0], ['429/ra=2', q0], ['5xx', q0], ['dropped', q0], ['dropped', q0 + 5], ['5xx', q0 + 6], ['200', q0 + 7]]);
    expect(pax8.writeLog().map((e) => [e.outcome, e.fault, e.quantityBefore, e.quantityAfter])).toEqual([
      ['failed-before-apply', 'rate429', q0, q0], ['failed-before-apply', 'rate429RetryAfter', q0, q0], ['failed-before-apply', 'rate5xx', q0, q0],
      ['failed-before-apply', 'dropBeforeApply', q0, q0], ['dropped-after-apply', 'dropAfterApply', q0, q0 + 5],
      ['failed-after-apply', 'rate5xxAfterApply', q0 + 5, q0 + 6], ['applied', undefined, q0 + 6, q0 + 7],
    ]);
    expect(pax8.writeLog().map((e) => e.status)).toEqual([429, 429, expect.any(Number), null, null, expect.any(Number), 200]);
    const { faults } = pax8.stats();
    expect([faults.rate429, faults.rate5xx, faults.drop, faults.dropAfterApply, faults.rate5xxAfterApply]).toEqual([2, 1, 1, 1, 1]);
  });

  it('a write whose answer was lost was applied exactly once: the read shows it, a repeat of the same quantity changes nothing', async () => {
    const sub = free();
    const target = sub.quantity + 10;
    pax8.setFaults({ writes: { script: ['dropAfterApply'] } });
    expect(await put(sub.id, target)).toBe('dropped');
    expect(await quantity(sub.id)).toBe(target);
    expect(await put(sub.id, target)).toBe('200');
    expect(effective(sub.id)).toEqual([expect.objectContaining({ outcome: 'dropped-after-apply', quantityAfter: target })]);
    expect(pax8.writeLog().map((e) => e.outcome)).toEqual(['dropped-after-apply', 'applied']);
  });

  /** A client that makes its writes safe: read, write only when not at the target, read again after any failure. */
  async function storm(ids: string[], targets: Map<string, number>): Promise<string[]> {
    const answers: string[] = [];
    for (const id of ids) {
      for (let attempt = 0; attempt < 30 && (await quantity(id)) !== targets.get(id); attempt++) answers.push(await put(id, targets.get(id)!));
    }
    return answers;
  }

  it('seeded write rates: under a storm a safe client gets every subscription to its target with one effective change each; same seed, same storm', async () => {
    const ids = Array.from({ length: 40 }, () => free().id);
    const targets = new Map(ids.map((id) => [id, pax8.dataset.subscriptions.find((s) => s.id === id)!.quantity + 3]));
    const faults = { writes: { seed: 4, rate429: 0.15, retryAfterRatio: 0.5, rate5xx: 0.1, dropBeforeApplyRate: 0.1, dropAfterApplyRate: 0.15, rate5xxAfterApply: 0.1 } };
    pax8.setFaults(faults);
    const answers = await storm(ids, targets);
    for (const id of ids) {
      expect(await quantity(id)).toBe(targets.get(id));
      expect(effective(id)).toHaveLength(1);
    }
    const log = pax8.writeLog();
    const byFault = (kind: string) => log.filter((e) => e.fault === kind).length;
    for (const kind of ['rate429', 'rate5xx', 'dropBeforeApply', 'dropAfterApply', 'rate5xxAfterApply']) expect(byFault(kind)).toBeGreaterThan(0);
    expect(answers.some((a) => a.startsWith('429/ra='))).toBe(true);
    expect(answers.filter((a) => a === 'dropped')).toHaveLength(byFault('dropBeforeApply') + byFault('dropAfterApply'));
    expect(pax8.stats().faults.dropAfterApply).toBe(byFault('dropAfterApply'));
    const outcomes = log.map((e) => `${e.outcome}:${e.fault ?? ''}`);

    // The same storm again from the same starting quantities: the same faults in the same order.
    for (const id of ids) pax8.dataset.subscriptions.find((s) => s.id === id)!.quantity = targets.get(id)! - 3;
    pax8.clearWriteLog();
    pax8.setFaults(faults);
    expect(await storm(ids, targets)).toEqual(answers);
    expect(pax8.writeLog().map((e) => `${e.outcome}:${e.fault ?? ''}`)).toEqual(outcomes);
    for (const id of ids) pax8.dataset.subscriptions.find((s) => s.id === id)!.quantity = targets.get(id)! - 3;
    pax8.setFaults({ writes: { ...faults.writes, seed: 5 } });
    expect(await storm(ids, targets)).not.toEqual(answers);
  });

  it('someone else changes the quantity between a read and the next write (scripted and by rate)', async () => {
    const sub = free();
    const q0 = sub.quantity;
    pax8.setFaults({ writes: { bumpAfterReads: [1] } });
    expect([await quantity(sub.id), await quantity(sub.id), await quantity(sub.id)]).toEqual([q0, q0, q0 + 1]);
    expect(pax8.writeLog()).toEqual([expect.objectContaining({ subscriptionId: sub.id, outcome: 'changed-out-of-band', quantityBefore: q0, quantityAfter: q0 + 1 })]);
    pax8.setFaults({ writes: { bumpAfterReadRate: 1, bumpBy: -2 } });
    expect([await quantity(sub.id), await quantity(sub.id)]).toEqual([q0 + 1, q0 - 1]);
    expect(pax8.stats().faults.bump).toBe(3);
  });

  it('the read faults reach writes too, before anything is applied', async () => {
    const sub = free();
    pax8.setFaults({ down: true });
    expect(await put(sub.id, sub.quantity + 1)).toBe('503');
    pax8.setFaults({ failPaths: ['^/v1/subscriptions/'] });
    expect(await put(sub.id, sub.quantity + 1)).toBe('500');
    pax8.reset();
    expect(await quantity(sub.id)).toBe(sub.quantity);
    expect(pax8.writeLog().map((e) => [e.outcome, e.fault])).toEqual([['failed-before-apply', 'down'], ['failed-before-apply', 'failPath']]);
  });

  it('write faults are steerable over HTTP, checked, and cleared by /_sim/reset', async () => {
    const origin = new URL(pax8.url).origin;
    const sub = free();
    expect((await postJson(`${origin}/_sim/faults`, { writes: { script: ['dropAfterApply'] } })).status).toBe(200);
    expect((await getJson(`${origin}/_sim/faults`)).body.writes).toEqual({ script: ['dropAfterApply'] });
    expect(await put(sub.id, sub.quantity + 1)).toBe('dropped');
    expect((await getJson(`${origin}/_sim/writes`)).body.map((e: { outcome: string }) => e.outcome)).toEqual(['dropped-after-apply']);
    for (const bad of [{ writes: { rate429: 3 } }, { writes: { script: ['explode'] } }, { writes: { bumpBy: 0 } }, { writes: { bumpAfterReads: [-1] } }, { writes: [] }]) {
      expect((await postJson(`${origin}/_sim/faults`, bad)).status).toBe(400);
    }
    await postJson(`${origin}/_sim/faults`, { writes: { rate5xx: 1 } });
    await postJson(`${origin}/_sim/reset`, {});
    expect(await put(sub.id, sub.quantity + 1)).toBe('200');
  });
});
