// Pax8 simulator behaviour: OAuth client credentials, bearer checks, page-number paging as
// docs/contracts-pax8.md describes it, filters and single-item reads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateDataset, startPax8Simulator, type Pax8Simulator } from '../../simulators/index.js';
import { NOW, getJson, pax8Token, postJson, walkPax8 } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Pax8 simulator', () => {
  let sim: Pax8Simulator;
  let token: string;

  beforeAll(async () => {
    // More subscriptions than the demo so that paging spans several 200-record pages.
    sim = await startPax8Simulator({ dataset: generateDataset({ seed: 11, now: NOW, clients: 120, devices: 2000, subscriptions: 900 }) });
    token = await pax8Token(sim);
  });
  afterAll(() => sim.close());

  describe('token endpoint', () => {
    const request = (over: Record<string, unknown>) => postJson(sim.tokenUrl, {
      client_id: sim.clientId, client_secret: sim.clientSecret, audience: sim.audience, grant_type: 'client_credentials', ...over,
    });

    it('issues a bearer token for the right credentials and audience', async () => {
      const res = await request({});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 86400 });
      expect((await getJson(`${sim.url}/companies`, res.body.access_token)).status).toBe(200);
    });

    it('accepts the legacy audience', async () => {
      expect((await request({ audience: 'api://p8p.client' })).status).toBe(200);
    });

    it('refuses wrong credentials with 401 and a wrong audience with 403', async () => {
      const badSecret = await request({ client_secret: 'nope' });
      expect(badSecret.status).toBe(401);
      expect(badSecret.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
      expect((await request({ client_id: 'someone-else' })).status).toBe(401);
      const badAudience = await request({ audience: 'api://usage' });
      expect(badAudience.status).toBe(403);
      expect(badAudience.body.error).toBe('access_denied');
    });

    it('wants a JSON body with grant_type client_credentials', async () => {
      const form = await postJson(sim.tokenUrl, `client_id=${sim.clientId}&client_secret=${sim.clientSecret}&grant_type=client_credentials`, 'application/x-www-form-urlencoded');
      expect(form.status).toBe(400);
      expect((await request({ grant_type: 'password' })).status).toBe(403);
    });
  });

  describe('bearer token', () => {
    it('401 without, with a malformed or with an unknown token, on every /v1 route', async () => {
      const company = sim.dataset.companies[0].id;
      const product = sim.dataset.products[0].id;
      const paths = ['/companies', `/companies/${company}`, `/companies/${company}/contacts`, '/products', `/products/${product}`,
        `/products/${product}/pricing`, '/subscriptions', `/subscriptions/${sim.dataset.subscriptions[0].id}`];
      for (const path of paths) {
        for (const bearer of [undefined, 'not-issued']) {
          const res = await getJson(`${sim.url}${path}`, bearer);
          expect({ path, status: res.status }).toEqual({ path, status: 401 });
          expect(res.body).toMatchObject({ status: 401, instance: `/v1${path}`, type: 'Unauthorized' });
        }
        expect((await getJson(`${sim.url}${path}`, token)).status).toBe(200);
      }
    });

    it('401 once the token has expired (tokenTtlSeconds)', async () => {
      const shortLived = await startPax8Simulator({ dataset: sim.dataset, tokenTtlSeconds: 1 });
      try {
        const t = await pax8Token(shortLived);
        expect((await getJson(`${shortLived.url}/companies`, t)).status).toBe(200);
        await sleep(1100);
        expect((await getJson(`${shortLived.url}/companies`, t)).status).toBe(401);
        expect(shortLived.stats().faults.tokenExpired).toBe(1);
        const fresh = await pax8Token(shortLived);
        expect((await getJson(`${shortLived.url}/companies`, fresh)).status).toBe(200);
      } finally {
        await shortLived.close();
      }
    });

    it('revokeTokens() invalidates issued tokens', async () => {
      const t = await pax8Token(sim);
      sim.revokeTokens();
      expect((await getJson(`${sim.url}/companies`, t)).status).toBe(401);
      token = await pax8Token(sim);
    });
  });

  describe('paging', () => {
    it('companies and subscriptions with size=200: every record exactly once', async () => {
      for (const [path, expected] of [['/companies', sim.dataset.companies], ['/subscriptions', sim.dataset.subscriptions]] as const) {
        const { items, calls } = await walkPax8(`${sim.url}${path}`, token, 200);
        const ids = items.map((x: { id: string }) => x.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual(expected.map((x) => x.id).sort());
        expect(calls).toBe(Math.ceil(expected.length / 200));
      }
      expect(sim.dataset.subscriptions.length).toBeGreaterThan(400);
    });

    it('page envelope: defaults page=0 size=10, totals, and an empty page past the end', async () => {
      const total = sim.dataset.subscriptions.length;
      const first = await getJson(`${sim.url}/subscriptions`, token);
      expect(first.body.content).toHaveLength(10);
      expect(first.body.page).toEqual({ size: 10, totalElements: total, totalPages: Math.ceil(total / 10), number: 0 });
      expect(first.body.content[0].id).toBe(sim.dataset.subscriptions[0].id);
      const second = await getJson(`${sim.url}/subscriptions?page=1&size=10`, token);
      expect(second.body.content[0].id).toBe(sim.dataset.subscriptions[10].id);
      const past = await getJson(`${sim.url}/subscriptions?page=999&size=200`, token);
      expect(past.status).toBe(200);
      expect(past.body.content).toEqual([]);
      expect(past.body.page.number).toBe(999);
    });

    it('size above 200, below 1 or malformed, and a malformed page: 422 with the Pax8 error body', async () => {
      for (const query of ['size=201', 'size=1000', 'size=0', 'size=abc', 'page=-1', 'page=x']) {
        const res = await getJson(`${sim.url}/companies?${query}`, token);
        expect({ query, status: res.status }).toEqual({ query, status: 422 });
        expect(res.body).toMatchObject({ status: 422, instance: '/v1/companies', details: [expect.objectContaining({ message: expect.any(String) })] });
      }
      expect((await getJson(`${sim.url}/companies?size=200`, token)).status).toBe(200);
    });
  });

  describe('filters and items', () => {
    it('subscriptions filter by status, companyId, productId and billingTerm', async () => {
      const sample = sim.dataset.subscriptions[5];
      const cases: Array<[string, (s: typeof sample) => boolean]> = [
        ['status=Active', (s) => s.status === 'Active'],
        ['status=Cancelled', (s) => s.status === 'Cancelled'],
        [`companyId=${sample.companyId}`, (s) => s.companyId === sample.companyId],
        [`productId=${sample.productId}`, (s) => s.productId === sample.productId],
        ['billingTerm=Annual', (s) => s.billingTerm === 'Annual'],
        [`companyId=${sample.companyId}&status=Active`, (s) => s.companyId === sample.companyId && s.status === 'Active'],
      ];
      for (const [query, predicate] of cases) {
        const { items } = await walkPax8(`${sim.url}/subscriptions?${query}`, token);
        const expected = sim.dataset.subscriptions.filter(predicate).map((s) => s.id);
        expect(expected.length).toBeGreaterThan(0);
        expect(items.map((s: { id: string }) => s.id)).toEqual(expected);
      }
      expect((await getJson(`${sim.url}/subscriptions?status=Bogus`, token)).status).toBe(422);
      expect((await getJson(`${sim.url}/subscriptions?companyId=not-a-uuid`, token)).status).toBe(422);
    });

    it('products filter by vendorName and search', async () => {
      const microsoft = await getJson(`${sim.url}/products?vendorName=microsoft&size=200`, token);
      expect(microsoft.body.content.length).toBeGreaterThan(1);
      expect(microsoft.body.content.every((p: { vendorName: string }) => p.vendorName === 'Microsoft')).toBe(true);
      const backup = await getJson(`${sim.url}/products?search=Backup&size=200`, token);
      expect(backup.body.content.map((p: { name: string }) => p.name).sort())
        .toEqual(sim.dataset.products.filter((p) => /backup/i.test(`${p.name} ${p.vendorName} ${p.sku}`)).map((p) => p.name).sort());
      expect(backup.body.content[0].description).toBeUndefined();
    });

    it('single-item reads and 404s', async () => {
      const sub = sim.dataset.subscriptions[3];
      expect((await getJson(`${sim.url}/subscriptions/${sub.id}`, token)).body).toEqual(sub);
      const product = sim.dataset.products[2];
      expect((await getJson(`${sim.url}/products/${product.id}`, token)).body).toEqual(product);
      const pricing = await getJson(`${sim.url}/products/${product.id}/pricing`, token);
      expect(pricing.body).toEqual({ content: sim.dataset.pricing[product.id] });
      expect((await getJson(`${sim.url}/subscriptions/nope`, token)).status).toBe(404);
      expect((await getJson(`${sim.url}/companies/nope/contacts`, token)).status).toBe(404);
      expect((await getJson(`${sim.url}/nothing-here`, token)).status).toBe(404);
    });

    it('serves the live dataset: a mutation shows up in the next call', async () => {
      const sub = sim.dataset.subscriptions[0];
      const before = sub.quantity;
      sub.quantity = before + 7;
      try {
        expect((await getJson(`${sim.url}/subscriptions/${sub.id}`, token)).body.quantity).toBe(before + 7);
      } finally {
        sub.quantity = before;
      }
    });

    it('counts calls per route', async () => {
      sim.resetStats();
      await getJson(`${sim.url}/companies`, token);
      await getJson(`${sim.url}/companies`, token);
      await getJson(`${sim.url}/subscriptions/${sim.dataset.subscriptions[0].id}`, token);
      const stats = sim.stats();
      expect(stats.totalCalls).toBe(3);
      expect(stats.byRoute).toEqual({ 'GET /v1/companies': 2, 'GET /v1/subscriptions/{subscriptionId}': 1 });
      expect(stats.byStatus).toEqual({ 200: 3 });
    });
  });
});
