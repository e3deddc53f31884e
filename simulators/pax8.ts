// Pax8 Partner API simulator: OAuth client-credentials token endpoint, the read endpoints this
// project uses, with page-number paging and the error body of Pax8's OpenAPI document
// (test/simulators/fixtures/partner-endpoints.openapi.json; docs/contracts-pax8.md), and the one
// write, PUT /v1/subscriptions/{id}, whose rules (commitment terms, products that take no
// decrease through the API) and write log are in pax8-writes.ts.
//
// The simulator's clock starts at the dataset's `now` and runs in real time (setNow moves it);
// commitment ends, future start dates and updatedDate follow it. Write faults: write-faults.ts.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateDataset, type Company, type Dataset, type Product, type Subscription } from './dataset.js';
import { FaultEngine, StatsRecorder, applyFault, handleControl, intParam, listen, readBody, sendJson, sendRaw, type Faults, type SimStats } from './http-kit.js';
import { SubscriptionWrites, serveWrite, type Detail, type WriteLogEntry } from './pax8-writes.js';

export interface Pax8SimulatorOptions {
  port?: number;
  host?: string;
  dataset?: Dataset;
  clientId?: string;
  clientSecret?: string;
  /** The audience the token endpoint accepts (the legacy `api://p8p.client` is accepted too). */
  audience?: string;
  tokenTtlSeconds?: number;
  /**
   * Pax8's rate limit: at most `calls` answered API calls per credential in any `windowMs`
   * (Pax8: 1,000 a minute), a 429 with Retry-After beyond it. Off unless given (main.ts gives
   * 1,000 a minute); tests scale it down.
   */
  rateLimit?: { calls: number; windowMs: number };
  /**
   * Also accept `<clientId>.<anything>` with the same secret, each its own credential (own
   * tokens, own rate limit): many tenants, each with its own Pax8 credentials, on one simulator.
   */
  subCredentials?: boolean;
}

export interface Pax8Simulator {
  /** Base URL including the version, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  tokenUrl: string;
  audience: string;
  clientId: string;
  clientSecret: string;
  port: number;
  dataset: Dataset;
  setFaults(faults: Faults): void;
  stats(): SimStats;
  resetStats(): void;
  /** Clears faults and statistics. */
  reset(): void;
  /** Makes every issued token invalid (the next data call answers 401). */
  revokeTokens(): void;
  /** Every PUT /v1/subscriptions/{id} and out-of-band change, oldest first (also GET /_sim/writes). */
  writeLog(): WriteLogEntry[];
  /** Empties the write log (also DELETE /_sim/writes); reset() leaves it alone. */
  clearWriteLog(): void;
  /** Someone else changes a subscription's quantity (also PATCH /_sim/subscriptions/{id}). */
  setQuantity(subscriptionId: string, quantity: number): void;
  /** The simulator's clock (ms); it starts at dataset.now. */
  now(): number;
  /** Moves the clock (also POST /_sim/clock { now: ISO }); it runs on from there. */
  setNow(ms: number): void;
  close(): Promise<void>;
}

export const PAX8_AUDIENCE = 'https://api.pax8.com';
export const PAX8_LEGACY_AUDIENCE = 'api://p8p.client';
const MAX_PAGE_SIZE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBSCRIPTION_STATUSES = ['Active', 'Cancelled', 'PendingManual', 'PendingAutomated', 'PendingCancel', 'WaitingForDetails', 'Trial', 'Converted', 'PendingActivation', 'Activated'];
const BILLING_TERMS = ['Monthly', 'Annual', '2-Year', '3-Year', 'One-Time', 'Trial', 'Activation'];
const COMPANY_STATUSES = ['Active', 'Inactive', 'Deleted'];

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details: Array<{ message: string; type?: string }> = []) { super(message); }
}

function errorBody(status: number, message: string, instance: string, details: Array<{ message: string; type?: string }> = []) {
  return { type: STATUS_CODES[status] ?? 'Error', message, instance, status, details };
}

type Sorter<T> = Record<string, (item: T) => string | number>;

function applySort<T>(items: T[], raw: string | null, fields: Sorter<T>): T[] {
  if (raw === null) return items;
  const [field, direction = 'asc'] = raw.split(',').map((s) => s.trim());
  const key = fields[field];
  if (!key || !['asc', 'desc'].includes(direction.toLowerCase())) {
    throw new HttpError(422, `Invalid sort '${raw}'`, [{ type: 'sort', message: `sort must be one of ${Object.keys(fields).join(', ')} with an optional ,asc or ,desc` }]);
  }
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

function enumParam(url: URL, name: string, allowed: string[]): string | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (!allowed.includes(v)) throw new HttpError(422, `Invalid ${name} '${v}'`, [{ type: name, message: `${name} must be one of ${allowed.join(', ')}` }]);
  return v;
}

function boolParam(url: URL, name: string): boolean | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (v !== 'true' && v !== 'false') throw new HttpError(422, `Invalid ${name} '${v}'`, [{ type: name, message: `${name} must be true or false` }]);
  return v === 'true';
}

function uuidParam(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (!UUID.test(v)) throw new HttpError(422, `Invalid ${name} '${v}'`, [{ type: name, message: `${name} must be a UUID` }]);
  return v;
}

const listProduct = ({ description: _description, ...product }: Product) => product;

export async function startPax8Simulator(opts: Pax8SimulatorOptions = {}): Promise<Pax8Simulator> {
  const dataset = opts.dataset ?? generateDataset();
  const clientId = opts.clientId ?? 'sim-pax8-client';
  const clientSecret = opts.clientSecret ?? 'sim-pax8-secret';
  const audience = opts.audience ?? PAX8_AUDIENCE;
  const ttlSeconds = opts.tokenTtlSeconds ?? 86_400;
  const engine = new FaultEngine();
  const stats = new StatsRecorder();
  const tokens = new Map<string, { expiresAt: number; calls: number; credential: string }>();
  // Per credential, when its answered calls in the current window were made (oldest first).
  const answered = new Map<string, number[]>();
  const limit = opts.rateLimit;
  /** Ms until the credential may call again, or 0 (and the call counted) when it may now. */
  function rateLimited(req: IncomingMessage): number {
    if (!limit) return 0;
    const token = tokens.get(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!token) return 0;
    const now = Date.now();
    let times = answered.get(token.credential);
    if (!times) answered.set(token.credential, (times = []));
    while (times.length && times[0] <= now - limit.windowMs) times.shift();
    if (times.length >= limit.calls) return times[0] + limit.windowMs - now;
    times.push(now);
    return 0;
  }
  const startedAt = Date.now();
  let clockOffset = 0;
  const clock = () => dataset.now + (Date.now() - startedAt) + clockOffset;
  const writes = new SubscriptionWrites(dataset, clock);
  const subscriptionById = (id: string) => dataset.subscriptions.find((s) => s.id === id);

  const paged = <T>(url: URL, items: T[]) => {
    const page = intParam(url, 'page') ?? 0;
    const size = intParam(url, 'size') ?? 10;
    if (Number.isNaN(page)) throw new HttpError(422, 'Invalid page', [{ type: 'page', message: 'page must be a non-negative integer' }]);
    if (Number.isNaN(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new HttpError(422, 'Invalid size', [{ type: 'size', message: `size must be between 1 and ${MAX_PAGE_SIZE}` }]);
    }
    let offset = page * size;
    let totalElements = items.length;
    if (engine.current.shiftBetweenPages && page > 0 && size > 1) {
      // One record was inserted at the front after each page served: everything moved back.
      offset -= page;
      totalElements += page;
      stats.fault('shift');
    }
    return {
      content: items.slice(offset, offset + size),
      page: { size, totalElements, totalPages: Math.ceil(totalElements / size), number: page },
    };
  };

  const companyById = (id: string): Company | undefined => dataset.companies.find((c) => c.id === id);

  const routes: Array<{ pattern: RegExp; name: string; handle: (url: URL, params: string[]) => unknown }> = [
    {
      pattern: /^\/v1\/companies$/, name: 'GET /v1/companies',
      handle: (url) => {
        const status = enumParam(url, 'status', COMPANY_STATUSES);
        const filters: Array<[string, (c: Company) => string]> = [
          ['city', (c) => c.address.city], ['country', (c) => c.address.country],
          ['stateOrProvince', (c) => c.address.stateOrProvince], ['postalCode', (c) => c.address.postalCode],
        ];
        const flags = (['selfServiceAllowed', 'billOnBehalfOfEnabled', 'orderApprovalRequired'] as const).map((f) => [f, boolParam(url, f)] as const);
        let items = dataset.companies.filter((c) =>
          (status === undefined || c.status === status)
          && filters.every(([name, get]) => !url.searchParams.has(name) || get(c) === url.searchParams.get(name))
          && flags.every(([name, want]) => want === undefined || c[name] === want));
        items = applySort(items, url.searchParams.get('sort'), {
          name: (c) => c.name.toLowerCase(), city: (c) => c.address.city, country: (c) => c.address.country,
          stateOrProvince: (c) => c.address.stateOrProvince, postalCode: (c) => c.address.postalCode,
        });
        return paged(url, items);
      },
    },
    {
      pattern: /^\/v1\/companies\/([^/]+)$/, name: 'GET /v1/companies/{companyId}',
      handle: (_url, [id]) => companyById(id) ?? notFound('Company not found'),
    },
    {
      pattern: /^\/v1\/companies\/([^/]+)\/contacts$/, name: 'GET /v1/companies/{companyId}/contacts',
      handle: (url, [id]) => (companyById(id) ? paged(url, dataset.contacts[id] ?? []) : notFound('Company not found')),
    },
    {
      pattern: /^\/v1\/products$/, name: 'GET /v1/products',
      handle: (url) => {
        const vendor = url.searchParams.get('vendorName')?.toLowerCase();
        const search = url.searchParams.get('search')?.toLowerCase();
        let items = dataset.products.filter((p) =>
          (vendor === undefined || p.vendorName.toLowerCase() === vendor)
          && (search === undefined || `${p.name} ${p.vendorName} ${p.sku}`.toLowerCase().includes(search)));
        items = applySort(items, url.searchParams.get('sort'), { name: (p) => p.name.toLowerCase(), vendor: (p) => p.vendorName.toLowerCase() });
        const result = paged(url, items);
        return { content: result.content.map(listProduct), page: result.page };
      },
    },
    {
      pattern: /^\/v1\/products\/([^/]+)$/, name: 'GET /v1/products/{productId}',
      handle: (_url, [id]) => dataset.products.find((p) => p.id === id) ?? notFound('Product not found'),
    },
    {
      pattern: /^\/v1\/products\/([^/]+)\/pricing$/, name: 'GET /v1/products/{productId}/pricing',
      handle: (url, [id]) => {
        const companyId = uuidParam(url, 'companyId');
        if (!dataset.products.some((p) => p.id === id)) return notFound('Product not found');
        if (companyId !== undefined && !companyById(companyId)) return notFound('Invalid companyId or productId');
        return { content: dataset.pricing[id] ?? [] };
      },
    },
    {
      pattern: /^\/v1\/subscriptions$/, name: 'GET /v1/subscriptions',
      handle: (url) => {
        const status = enumParam(url, 'status', SUBSCRIPTION_STATUSES);
        const billingTerm = enumParam(url, 'billingTerm', BILLING_TERMS);
        const companyId = uuidParam(url, 'companyId');
        const productId = uuidParam(url, 'productId');
        if (companyId !== undefined && !companyById(companyId)) throw new HttpError(403, 'Invalid companyId');
        let items = dataset.subscriptions.filter((s) =>
          (status === undefined || s.status === status) && (billingTerm === undefined || s.billingTerm === billingTerm)
          && (companyId === undefined || s.companyId === companyId) && (productId === undefined || s.productId === productId));
        const sortRaw = url.searchParams.get('sort');
        const subscriptionSorts: Sorter<Subscription> = {
          quantity: (s) => s.quantity, startDate: (s) => s.startDate, endDate: (s) => s.endDate ?? '',
          createdDate: (s) => s.createdDate, billingStart: (s) => s.billingStart, price: (s) => s.price,
        };
        if (sortRaw !== null && !sortRaw.includes(',')) throw new HttpError(422, `Invalid sort '${sortRaw}'`, [{ type: 'sort', message: 'sort must be field,asc or field,desc' }]);
        items = applySort(items, sortRaw, subscriptionSorts);
        return paged(url, items);
      },
    },
    {
      pattern: /^\/v1\/subscriptions\/([^/]+)$/, name: 'GET /v1/subscriptions/{subscriptionId}',
      handle: (_url, [id]) => subscriptionById(id) ?? notFound('Subscription not found'),
    },
  ];

  function notFound(message: string): never { throw new HttpError(404, message); }

  /** Write fault: someone else changes the quantity right after the client read it. */
  function bumpAfterRead(id: string): void {
    const by = engine.writes.decideBump();
    const subscription = subscriptionById(id);
    if (by === 0 || !subscription) return;
    stats.fault('bump');
    writes.changeOutOfBand(subscription, Math.max(1, subscription.quantity + by));
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => { stats.status(status); sendJson(res, status, body); };
    let body: Record<string, unknown>;
    try {
      if (!(req.headers['content-type'] ?? '').includes('application/json')) throw new Error('expected application/json');
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new Error('expected an object');
    } catch (err) {
      return reply(400, { error: 'invalid_request', error_description: (err as Error).message });
    }
    if (body.grant_type !== 'client_credentials') return reply(403, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
    const knownId = body.client_id === clientId || (opts.subCredentials && typeof body.client_id === 'string' && body.client_id.startsWith(`${clientId}.`));
    if (!knownId || body.client_secret !== clientSecret) return reply(401, { error: 'access_denied', error_description: 'Unauthorized' });
    if (body.audience !== audience && body.audience !== PAX8_LEGACY_AUDIENCE) {
      return reply(403, { error: 'access_denied', error_description: `Service not enabled within domain: ${String(body.audience)}` });
    }
    const accessToken = `sim.${randomBytes(24).toString('base64url')}`;
    tokens.set(accessToken, { expiresAt: Date.now() + ttlSeconds * 1000, calls: 0, credential: String(body.client_id) });
    reply(200, { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds });
  }

  /** Returns an error message when the call is not authorised. */
  function checkBearer(req: IncomingMessage): string | null {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return 'Missing bearer token';
    const token = tokens.get(match[1]);
    if (!token) return 'Invalid token';
    if (Date.now() >= token.expiresAt) { stats.fault('tokenExpired'); return 'Token expired'; }
    const limit = engine.current.tokenExpiresAfterCalls;
    if (limit !== undefined && token.calls >= limit) { stats.fault('tokenExpired'); return 'Token expired'; }
    token.calls++;
    return null;
  }

  const malformed = '{"content":[{"id":"3f2a9c1e-55b1-4c0e-9a52-0c8e1f6b7d21","name":"Trunc';

  function setQuantity(id: string, quantity: number): void {
    const subscription = subscriptionById(id);
    if (!subscription) throw new Error(`no subscription ${id}`);
    if (!(Number.isInteger(quantity) && quantity >= 0)) throw new Error('quantity must be a non-negative integer');
    writes.changeOutOfBand(subscription, quantity);
  }

  /** GET|DELETE /_sim/writes, POST /_sim/clock { now }. */
  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/_sim/writes' && req.method === 'GET') sendJson(res, 200, writes.entries());
    else if (path === '/_sim/writes' && req.method === 'DELETE') { writes.clear(); sendJson(res, 200, { ok: true }); }
    else if (path === '/_sim/clock' && req.method === 'POST') {
      let now = Number.NaN;
      try { now = Date.parse(String((JSON.parse(await readBody(req)) as { now?: unknown }).now)); } catch { /* answered below */ }
      if (Number.isNaN(now)) sendJson(res, 400, { error: 'now must be an ISO date' });
      else { clockOffset += now - clock(); sendJson(res, 200, { now: new Date(clock()).toISOString() }); }
    } else return false;
    return true;
  }

  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const onQuantityChange = (subscription: Subscription, before: number) => writes.changeOutOfBand(subscription, subscription.quantity, before);
    if (await handleControl(req, res, url, { engine, stats, dataset, control, onQuantityChange })) return;
    const pathWithQuery = `${path}${url.search}`;

    if (path === '/oauth/token') {
      stats.call('POST /oauth/token');
      if (req.method !== 'POST') { stats.status(405); return sendJson(res, 405, { error: 'method_not_allowed' }); }
      if (engine.current.includeTokenEndpoint) {
        const decision = engine.decide(pathWithQuery);
        if (await applyFault(decision, res, stats, (s, m) => ({ error: 'server_error', error_description: m, status: s }), '{"access_tok')) return;
      }
      return handleToken(req, res);
    }

    const route = routes.find((r) => r.pattern.test(path));
    const isWrite = req.method === 'PUT' && route?.name === 'GET /v1/subscriptions/{subscriptionId}';
    stats.call(isWrite ? 'PUT /v1/subscriptions/{subscriptionId}' : route ? route.name : `${req.method} (unknown)`);
    const fail = (status: number, message: string, details: Detail[] = []) => {
      stats.status(status);
      sendJson(res, status, errorBody(status, message, path, details));
    };
    if (!path.startsWith('/v1/')) return fail(404, 'Not found');
    if (isWrite) {
      const id = decodeURIComponent(route.pattern.exec(path)![1]);
      return serveWrite({ engine, stats, writes, checkBearer, malformed, errorBody: (st, m) => errorBody(st, m, path) }, req, res, subscriptionById(id), id, pathWithQuery, fail);
    }
    const decision = engine.decide(pathWithQuery);
    if (await applyFault(decision, res, stats, (s, m) => errorBody(s, m, path), malformed)) return;
    const authError = checkBearer(req);
    if (authError) return fail(401, authError);
    const waitMs = rateLimited(req);
    if (waitMs > 0) {
      stats.status(429);
      return sendJson(res, 429, errorBody(429, 'Rate limit exceeded', path), { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    if (!route) return fail(404, 'Not found');
    if (req.method !== 'GET') return fail(405, 'Method not allowed');
    try {
      const params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
      const body = JSON.stringify(route.handle(url, params));
      stats.status(200);
      sendRaw(res, 200, body);
      if (route.name === 'GET /v1/subscriptions/{subscriptionId}') bumpAfterRead(params[0]);
    } catch (err) {
      if (err instanceof HttpError) return fail(err.status, err.message, err.details);
      throw err;
    }
  }, opts.port ?? 0, opts.host ?? '127.0.0.1');

  const origin = `http://${running.host.includes(':') ? `[${running.host}]` : running.host}:${running.port}`;
  return {
    url: `${origin}/v1`,
    tokenUrl: `${origin}/oauth/token`,
    audience, clientId, clientSecret, port: running.port, dataset,
    setFaults: (faults) => engine.set(faults),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    reset: () => { engine.reset(); stats.reset(); },
    revokeTokens: () => tokens.clear(),
    writeLog: () => writes.entries(),
    clearWriteLog: () => writes.clear(),
    setQuantity,
    now: clock,
    setNow: (ms) => { clockOffset += ms - clock(); },
    close: () => running.close(),
  };
}
