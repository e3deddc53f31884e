// Pax8 Partner API client (docs/contracts-pax8.md): OAuth2 client credentials with a cached token, refreshed
// shortly before expiry and once more on a 401; page-number paging with size=200 that follows
// page.totalPages and dedupes records that move between pages. Records are returned as sent,
// unknown fields and enum values included.
import type { CallPacer } from './call-pacer.js';
import { IntegrationError } from './integration-error.js';
import { parseJson, ResilientHttp, type RetryOptions, type UpstreamContext } from './resilient-http.js';

export interface Pax8Connection {
  /** Includes the version, e.g. https://api.pax8.com/v1 */
  baseUrl: string;
  tokenUrl: string;
  audience: string;
  clientId: string;
  clientSecret: string;
}

/** A Pax8 record: at least an id, everything else as sent. */
export type Pax8Record = { id: string } & Record<string, unknown>;
export interface Pax8Page<T> { items: T[]; page: number; totalPages: number; totalElements?: number }

export const PAX8_PAGE_SIZE = 200;
const MAX_PAGES = 100_000;
/** Refresh this long before the token's stated expiry. */
const TOKEN_EARLY_REFRESH_MS = 5 * 60_000;

type Query = Record<string, string | number | undefined>;

export class Pax8Client {
  private readonly http: ResilientHttp;
  private token?: { value: string; refreshAt: number };
  private tokenRequest?: Promise<string>;

  constructor(
    private readonly connection: Pax8Connection, retryOptions: Partial<RetryOptions> = {}, outbound?: UpstreamContext['outbound'],
    /** Keeps this credential's calls under Pax8's rate limit (shared by every client of it in this process). */
    private readonly pacer?: CallPacer,
  ) {
    this.http = new ResilientHttp('pax8', retryOptions, {
      outbound,
      secrets: () => [connection.clientSecret, this.token?.value],
    });
  }

  /** Pages of `path`, each with the records not seen on an earlier page. */
  async *pages<T extends Pax8Record = Pax8Record>(path: string, query: Query = {}, signal?: AbortSignal): AsyncGenerator<Pax8Page<T>> {
    const seen = new Set<string>();
    let totalPages = 1;
    for (let page = 0; page < totalPages && page < MAX_PAGES; page++) {
      const call = `GET ${path} page ${page}`;
      const body = await this.getJson(path, { ...query, page, size: PAX8_PAGE_SIZE }, call, signal);
      const envelope = pageEnvelope(body, call);
      // Data can change between pages: the latest totalPages wins, and a short page is not the end.
      totalPages = envelope.totalPages;
      const items = envelope.content.filter((record) => !seen.has(record.id) && seen.add(record.id)) as T[];
      yield { items, page, totalPages, totalElements: envelope.totalElements };
    }
  }

  companies(signal?: AbortSignal) { return this.pages('/companies', {}, signal); }
  contacts(companyId: string, signal?: AbortSignal) { return this.pages(`/companies/${encodeURIComponent(companyId)}/contacts`, {}, signal); }
  products(signal?: AbortSignal) { return this.pages('/products', {}, signal); }
  /** Every subscription of every company in one paged walk. */
  subscriptions(signal?: AbortSignal) { return this.pages('/subscriptions', {}, signal); }

  /** The product's price list (`{ content: Pricing[] }`; not paged). */
  async productPricing(productId: string, signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const path = `/products/${encodeURIComponent(productId)}/pricing`;
    const call = `GET ${path}`;
    const body = await this.getJson(path, {}, call, signal);
    const content = (body as { content?: unknown } | null)?.content;
    if (!Array.isArray(content) || !content.every(isObject)) {
      throw new IntegrationError({ kind: 'malformed-response', integration: 'pax8', call, upstreamMessage: 'expected { content: [...] }' });
    }
    return content;
  }

  /** One subscription as Pax8 has it now (a 404 is an IntegrationError of kind not-found). */
  async getSubscription(subscriptionId: string, signal?: AbortSignal): Promise<Pax8Record> {
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
    const body = await this.getJson(path, {}, `GET ${path}`, signal);
    if (!isObject(body) || typeof body.quantity !== 'number') {
      throw new IntegrationError({ kind: 'malformed-response', integration: 'pax8', call: `GET ${path}`, upstreamMessage: 'expected a subscription with a quantity' });
    }
    return { ...body, id: String(body.id ?? subscriptionId) };
  }

  /**
   * Sets a subscription's quantity: one attempt, never retried here, since Pax8 takes no
   * idempotency key and an answer lost after the change would be applied twice by a blind
   * retry. A 429, 5xx, time-out or dropped connection throws (the caller reads, then decides);
   * a refusal (4xx) is returned with Pax8's words, safe to show.
   */
  async putSubscriptionQuantity(subscriptionId: string, quantity: number, signal?: AbortSignal): Promise<{ ok: true; subscription: Pax8Record } | { ok: false; status: number; message: string }> {
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
    const call = `PUT ${path}`;
    const url = this.connection.baseUrl.replace(/\/+$/, '') + path;
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.accessToken(signal);
      const result = await this.http.send(call, url, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ quantity }),
      }, signal, { maxAttempts: 1 });
      // A 401 is refused before anything is applied: a new token and the same write are safe.
      if (result.status === 401 && !refreshed) {
        this.invalidateToken(token);
        continue;
      }
      if (result.status === 200) {
        const body = parseJson('pax8', call, result.text);
        return { ok: true, subscription: isObject(body) ? { ...body, id: String(body.id ?? subscriptionId) } : { id: subscriptionId } };
      }
      return { ok: false, status: result.status, message: refusalWords(result.text, (t) => this.http.upstreamWords(t)) ?? `HTTP ${result.status}` };
    }
  }

  /** One small authenticated call: proves the token URL, credentials, audience and base URL. */
  async probe(signal?: AbortSignal): Promise<void> {
    const call = 'GET /companies page 0';
    pageEnvelope(await this.getJson('/companies', { page: 0, size: 1 }, call, signal), call);
  }

  private async getJson(path: string, query: Query, call: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(this.connection.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.accessToken(signal);
      const answered = await this.pacer?.take(signal);
      const result = await this.http.send(call, url.toString(), {
        method: 'GET',
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      }, signal).finally(answered);
      if (result.status === 401 && !refreshed) {
        // The token expired or was revoked mid-sync: get a new one, once.
        this.invalidateToken(token);
        continue;
      }
      if (result.status !== 200) this.http.fail(call, result);
      return parseJson('pax8', call, result.text);
    }
  }

  private invalidateToken(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return this.token.value;
    // Concurrent callers share one token request.
    this.tokenRequest ??= this.requestToken(signal).finally(() => { this.tokenRequest = undefined; });
    return this.tokenRequest;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const call = `POST ${safePath(this.connection.tokenUrl)}`;
    const { clientId, clientSecret, audience, tokenUrl } = this.connection;
    const result = await this.http.send(call, tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, audience, grant_type: 'client_credentials' }),
    }, signal);
    if (result.status === 400 || result.status === 401 || result.status === 403) {
      this.http.fail(call, { ...result, status: 401 });
    }
    if (result.status !== 200) this.http.fail(call, result);
    const body = parseJson('pax8', call, result.text) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string' || !body.access_token) {
      throw new IntegrationError({ kind: 'malformed-response', integration: 'pax8', call, upstreamMessage: 'no access_token in the token response' });
    }
    const expiresInMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    // Refresh early, but never sooner than half the lifetime (short-lived tokens stay usable).
    const refreshAt = Date.now() + Math.max(expiresInMs / 2, expiresInMs - TOKEN_EARLY_REFRESH_MS);
    this.token = { value: body.access_token, refreshAt };
    return body.access_token;
  }
}

/** Pax8's error message (else the messages of its details), short and scrubbed. */
function refusalWords(text: string, words: (t: string | undefined) => string | undefined): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; details?: Array<{ message?: unknown }> };
    if (typeof body?.message === 'string' && body.message) return words(body.message);
    const parts = (Array.isArray(body?.details) ? body.details.map((d) => d?.message) : []).filter((m): m is string => typeof m === 'string' && m !== '');
    return words(parts.join('; '));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pageEnvelope(body: unknown, call: string): { content: Pax8Record[]; totalPages: number; totalElements?: number } {
  const malformed = (what: string) => new IntegrationError({ kind: 'malformed-response', integration: 'pax8', call, upstreamMessage: what });
  if (!isObject(body) || !Array.isArray(body.content)) throw malformed('expected a "content" array');
  if (!isObject(body.page) || typeof body.page.totalPages !== 'number' || !Number.isInteger(body.page.totalPages) || body.page.totalPages < 0) {
    throw malformed('expected a "page" object with totalPages');
  }
  for (const record of body.content) {
    if (!isObject(record) || (typeof record.id !== 'string' && typeof record.id !== 'number') || record.id === '') {
      throw malformed('a record without an id');
    }
  }
  const content = body.content.map((r) => ({ ...(r as Record<string, unknown>), id: String((r as { id: unknown }).id) }));
  const totalElements = typeof body.page.totalElements === 'number' ? body.page.totalElements : undefined;
  return { content, totalPages: body.page.totalPages, totalElements };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return 'token';
  }
}
