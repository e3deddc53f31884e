// The Pax8 simulator must answer what Pax8's own OpenAPI document describes, so that it cannot
// drift from the real API. Responses are validated against the published schemas, made
// stricter in one way: objects may not carry properties the document does not name
// (the simulator must not invent fields a client could come to rely on).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset, startPax8Simulator, type Pax8Simulator } from '../../simulators/index.js';
import { NOW, call, getJson, pax8Token, postJson, walkPax8 } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// Pax8's own OpenAPI documents, kept as Pax8 publishes them (docs/contracts-pax8.md).
const partnerSpec = JSON.parse(readFileSync(join(here, 'fixtures/partner-endpoints.openapi.json'), 'utf8'));
const authSpec = JSON.parse(readFileSync(join(here, 'fixtures/authentication.openapi.json'), 'utf8'));
const SPEC_ID = 'https://sim.local/pax8-partner.json';

/** Adds additionalProperties: false to every object schema that lists its properties. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v);
  if (out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function responseSchema(path: string, status = '200'): unknown {
  const schema = partnerSpec.paths[path].get.responses[status].content['application/json'].schema;
  if (!schema) throw new Error(`no schema for ${path}`);
  return JSON.parse(JSON.stringify(closeObjects(schema)).replaceAll('"#/components/', `"${SPEC_ID}#/components/`));
}

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addFormat('phone', /^[0-9+().\- ]{7,}$/);
ajv.addSchema({ $id: SPEC_ID, components: closeObjects(partnerSpec.components) });

function validator(path: string, status?: string): ValidateFunction {
  return ajv.compile(responseSchema(path, status) as object);
}
function listValidator(path: string): ValidateFunction {
  const schema = responseSchema(path) as Record<string, unknown>;
  return ajv.compile({ ...schema, required: ['content', 'page'] });
}
const errorValidator = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/Error` });

function expectValid(validate: ValidateFunction, body: unknown): void {
  const ok = validate(body);
  if (!ok) throw new Error(`schema violations: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

describe('Pax8 simulator follows the published OpenAPI schemas', () => {
  let sim: Pax8Simulator;
  let token: string;

  beforeAll(async () => {
    sim = await startPax8Simulator({ dataset: generateDataset({ seed: 7, now: NOW }) });
    token = await pax8Token(sim);
  });
  afterAll(() => sim.close());

  it('the validator itself rejects a drifted record (the check can fail)', () => {
    const validate = validator('/companies/{companyId}');
    const company = sim.dataset.companies[0];
    expect(validate(company)).toBe(true);
    expect(validate({ ...company, invented: 1 })).toBe(false);
    expect(validate({ ...company, id: 'not-a-uuid' })).toBe(false);
    expect(validate({ ...company, phone: undefined })).toBe(false);
    expect(listValidator('/subscriptions')({ content: [{ ...sim.dataset.subscriptions[0], quantity: '3' }], page: { size: 1, totalElements: 1, totalPages: 1, number: 0 } })).toBe(false);
  });

  it('token response matches TokenResponse of the authentication document', async () => {
    const res = await postJson(sim.tokenUrl, { client_id: sim.clientId, client_secret: sim.clientSecret, audience: sim.audience, grant_type: 'client_credentials' });
    const validate = ajv.compile(closeObjects(authSpec.components.schemas.TokenResponse) as object);
    expect(res.status).toBe(200);
    expectValid(validate, res.body);
  });

  it('GET /companies pages and GET /companies/{id}', async () => {
    const list = listValidator('/companies');
    for (const size of [200, 10, 7]) {
      const first = await getJson(`${sim.url}/companies?page=0&size=${size}`, token);
      expectValid(list, first.body);
    }
    const { items } = await walkPax8(`${sim.url}/companies`, token);
    const item = validator('/companies/{companyId}');
    for (const company of items.slice(0, 10)) {
      const res = await getJson(`${sim.url}/companies/${company.id}`, token);
      expect(res.status).toBe(200);
      expectValid(item, res.body);
    }
  });

  it('GET /companies/{id}/contacts for every company', async () => {
    const list = listValidator('/companies/{companyId}/contacts');
    for (const company of sim.dataset.companies) {
      const res = await getJson(`${sim.url}/companies/${company.id}/contacts?size=200`, token);
      expect(res.status).toBe(200);
      expect(res.body.content.length).toBeGreaterThan(0);
      expectValid(list, res.body);
    }
  });

  it('GET /products (with filters), /products/{id} and /products/{id}/pricing', async () => {
    const list = listValidator('/products');
    const detail = validator('/products/{productId}');
    const pricing = validator('/products/{productId}/pricing');
    for (const query of ['size=200', 'vendorName=Microsoft', 'search=backup&size=5']) {
      const res = await getJson(`${sim.url}/products?${query}`, token);
      expect(res.status).toBe(200);
      expectValid(list, res.body);
    }
    const companyId = sim.dataset.companies[0].id;
    for (const product of sim.dataset.products) {
      const res = await getJson(`${sim.url}/products/${product.id}`, token);
      expectValid(detail, res.body);
      for (const suffix of ['', `?companyId=${companyId}`]) {
        const priced = await getJson(`${sim.url}/products/${product.id}/pricing${suffix}`, token);
        expect(priced.status).toBe(200);
        expect(priced.body.content.length).toBeGreaterThan(0);
        expectValid(pricing, priced.body);
      }
    }
  });

  it('GET /subscriptions (every page, with filters) and /subscriptions/{id}', async () => {
    const list = listValidator('/subscriptions');
    const item = validator('/subscriptions/{subscriptionId}');
    const company = sim.dataset.companies[1].id;
    for (const query of ['size=200', 'status=Active&size=50', `companyId=${company}`, 'billingTerm=Annual&sort=quantity,desc']) {
      const res = await getJson(`${sim.url}/subscriptions?${query}`, token);
      expect(res.status).toBe(200);
      expectValid(list, res.body);
    }
    const { items } = await walkPax8(`${sim.url}/subscriptions`, token);
    for (const sub of items) expectValid(item, sub);
    const one = await getJson(`${sim.url}/subscriptions/${items[0].id}`, token);
    expectValid(item, one.body);
  });

  it('error responses have the Error schema (401, 403, 404, 422)', async () => {
    const calls: Array<[string, string | undefined, number]> = [
      [`${sim.url}/companies`, undefined, 401],
      [`${sim.url}/subscriptions?companyId=00000000-0000-4000-8000-000000000000`, token, 403],
      [`${sim.url}/companies/00000000-0000-4000-8000-000000000000`, token, 404],
      [`${sim.url}/products/nope/pricing`, token, 404],
      [`${sim.url}/subscriptions?size=500`, token, 422],
    ];
    for (const [url, bearer, status] of calls) {
      const res = await getJson(url, bearer);
      expect(res.status).toBe(status);
      expectValid(errorValidator, res.body);
      expect(res.body.status).toBe(status);
    }
  });
});

// The write: what the simulator takes must be a body Pax8's request schema takes (as published,
// so the check does not lean on the simulator's own stricter reading), and every answer must have
// the schema the document gives for its status.
describe('Pax8 simulator follows the published OpenAPI schemas: PUT /subscriptions/{id}', () => {
  let sim: Pax8Simulator;
  let token: string;
  const put = partnerSpec.paths['/subscriptions/{subscriptionId}'].put;
  const asPublished = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${PUBLISHED_ID}#/components/`));
  const PUBLISHED_ID = 'https://sim.local/pax8-partner-published.json';
  ajv.addSchema({ $id: PUBLISHED_ID, components: partnerSpec.components });
  const publishedRequest = ajv.compile(asPublished(put.requestBody.content['application/json'].schema));
  const answer = (status: string) => ajv.compile(JSON.parse(JSON.stringify(closeObjects(put.responses[status].content['application/json'].schema)).replaceAll('"#/components/', `"${SPEC_ID}#/components/`)));
  const ok = answer('200');
  const notFoundAnswer = answer('404');
  const refusedAnswer = answer('422');

  beforeAll(async () => {
    sim = await startPax8Simulator({ dataset: generateDataset({ seed: 7, now: NOW }) });
    token = await pax8Token(sim);
  });
  afterAll(() => sim.close());
  const send = (id: string, body: unknown) => call('PUT', `${sim.url}/subscriptions/${id}`, body, { authorization: `Bearer ${token}` });
  const active = () => sim.dataset.subscriptions.find((s) => s.status === 'Active' && !s.commitmentTerm && sim.dataset.productMeta[s.productId].decreaseThroughApi)!;

  it('the request check itself can fail: the published schema refuses a body without an updatable field or with a string quantity', () => {
    expect(publishedRequest({ quantity: 3 })).toBe(true);
    expect(publishedRequest({})).toBe(false);
    expect(publishedRequest({ quantity: '3' })).toBe(false);
    expect(publishedRequest({ billingTerm: 'Weekly' })).toBe(false);
  });

  it('every body the simulator applies is one the request schema takes, and the answer is a Subscription', async () => {
    const sub = active();
    const bodies = [{ quantity: sub.quantity + 1 }, { quantity: sub.quantity + 2, price: sub.price }, { price: sub.price }, { quantity: sub.quantity + 3, billingTerm: sub.billingTerm }];
    for (const body of bodies) {
      const res = await send(sub.id, body);
      expect(res.status).toBe(200);
      expect(publishedRequest(body)).toBe(true);
      expectValid(ok, res.body);
      expect(res.body).toEqual((await getJson(`${sim.url}/subscriptions/${sub.id}`, token)).body);
    }
  });

  it('bodies the request schema refuses are a 422 with the Error schema', async () => {
    const sub = active();
    for (const body of [{}, { quantity: '3' }, { quantity: null }, { billingTerm: 'Weekly' }, { startDate: 'soon' }, { price: 'free' }, [3], 'quantity=3']) {
      expect(publishedRequest(body)).toBe(false);
      const res = await send(sub.id, body);
      expect(res.status).toBe(422);
      expectValid(refusedAnswer, res.body);
      expect(res.body.status).toBe(422);
    }
  });

  it('refusals the schema does not express (fractional, negative, read-only or unknown fields, commitment decreases) are 422 with the Error schema too', async () => {
    const sub = active();
    const committed = sim.dataset.subscriptions.find((s) => s.status === 'Active' && s.commitmentTerm && s.quantity > 1)!;
    const cases: Array<[string, unknown]> = [
      [sub.id, { quantity: 2.5 }], [sub.id, { quantity: -1 }], [sub.id, { quantity: 0 }], [sub.id, { quantity: 3, id: sub.id }],
      [sub.id, { quantity: 3, seats: 3 }], [committed.id, { quantity: committed.quantity - 1 }],
    ];
    for (const [id, body] of cases) {
      const res = await send(id, body);
      expect(res.status).toBe(422);
      expectValid(refusedAnswer, res.body);
      expect(res.body.details.length).toBeGreaterThan(0);
      for (const detail of res.body.details) expectValid(ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/ErrorDetail` }), detail);
    }
  });

  it('an unknown subscription is a 404 with the Error schema', async () => {
    const res = await send('00000000-0000-4000-8000-000000000000', { quantity: 3 });
    expect(res.status).toBe(404);
    expectValid(notFoundAnswer, res.body);
  });
});
