// PanelOne RMM data API client (docs/contracts-panelone.md): bearer token, cursor paging
// with pageSize=1000 until nextCursor is null. Devices are streamed page by page; only their
// ids are remembered (to drop a record served twice), never the devices themselves.
import { IntegrationError } from './integration-error.js';
import { parseJson, ResilientHttp, type RetryOptions, type UpstreamContext } from './resilient-http.js';

export interface PanelOneConnection {
  /** Host root; /api/v2/... is appended. */
  baseUrl: string;
  apiToken: string;
}

export interface PanelOneOrganization {
  id: string;
  name: string;
  externalRef: string | null;
  [extra: string]: unknown;
}

export interface PanelOneDevice {
  id: string;
  organizationId: string;
  hostname: string;
  serialNumber: string | null;
  /** One of the contract's classes; an unknown value is kept as sent. */
  deviceClass: string;
  /** ISO-8601. */
  lastContact: string;
  offline: boolean;
  /** APPROVED or PENDING; an unknown value is kept as sent. */
  approvalStatus: string;
  [extra: string]: unknown;
}

/** Billing API records (docs/contracts-panelone.md, "Billing API"); unknown enum values are kept as sent. */
export interface PanelOneAgreement {
  id: string;
  organizationId: string;
  name: string;
  status: string;
  startDate: string | null;
  endDate: string | null;
  [extra: string]: unknown;
}

export interface PanelOneAddition {
  id: string;
  agreementId: string;
  catalogItemId: string;
  description: string | null;
  sku: string | null;
  quantity: number;
  unitPrice: number | null;
  currency: string | null;
  billingCycle: string | null;
  effectiveDate: string | null;
  cancelledDate: string | null;
  version: number | string;
  [extra: string]: unknown;
}

export interface PanelOneCatalogItem {
  id: string;
  sku: string | null;
  name: string;
  category: string | null;
  [extra: string]: unknown;
}

export const PANELONE_PAGE_SIZE = 1000;
const MAX_PAGES = 1_000_000;

export class PanelOneClient {
  private readonly http: ResilientHttp;

  constructor(private readonly connection: PanelOneConnection, retryOptions: Partial<RetryOptions> = {}, outbound?: UpstreamContext['outbound']) {
    this.http = new ResilientHttp('panelone', retryOptions, { outbound, secrets: () => [connection.apiToken] });
  }

  organizationPages(signal?: AbortSignal): AsyncGenerator<PanelOneOrganization[]> {
    return this.cursorPages<PanelOneOrganization>('/api/v2/organizations', {}, isOrganization, signal);
  }

  /** One page (array) at a time, so a caller can stream any number of devices. */
  devicePages(signal?: AbortSignal, organizationId?: string): AsyncGenerator<PanelOneDevice[]> {
    return this.cursorPages<PanelOneDevice>('/api/v2/devices', organizationId ? { organizationId } : {}, isDevice, signal);
  }

  agreementPages(signal?: AbortSignal): AsyncGenerator<PanelOneAgreement[]> {
    return this.cursorPages<PanelOneAgreement>('/api/v2/agreements', {}, isAgreement, signal);
  }

  additionPages(agreementId: string, signal?: AbortSignal): AsyncGenerator<PanelOneAddition[]> {
    return this.cursorPages<PanelOneAddition>(`/api/v2/agreements/${encodeURIComponent(agreementId)}/additions`, {}, isAddition, signal);
  }

  catalogItemPages(signal?: AbortSignal): AsyncGenerator<PanelOneCatalogItem[]> {
    return this.cursorPages<PanelOneCatalogItem>('/api/v2/catalog/items', {}, isCatalogItem, signal);
  }

  /**
   * One addition as PanelOne has it now. The billing API has no single-addition GET, so this
   * pages the agreement's additions (few) and picks it; null when it is not there (gone).
   */
  async getAddition(agreementId: string, additionId: string, signal?: AbortSignal): Promise<PanelOneAddition | null> {
    for await (const page of this.additionPages(agreementId, signal)) {
      const found = page.find((a) => a.id === additionId);
      if (found) return found;
    }
    return null;
  }

  /**
   * Sets an addition's quantity: one attempt, never retried here. The caller sends the version
   * it read as If-Match and a key it stored before the first send as Idempotency-Key; after a
   * 429, 5xx, time-out or dropped answer (thrown) it reads again before anything else. A
   * refusal (4xx) is returned with PanelOne's words, safe to show.
   */
  async patchAddition(
    agreementId: string, additionId: string, change: { version: number | string; idempotencyKey: string; quantity: number }, signal?: AbortSignal,
  ): Promise<{ ok: true; addition: PanelOneAddition } | { ok: false; status: number; message: string }> {
    const path = `/api/v2/agreements/${encodeURIComponent(agreementId)}/additions/${encodeURIComponent(additionId)}`;
    const result = await this.http.send(`PATCH ${path}`, this.connection.baseUrl.replace(/\/+$/, '') + path, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${this.connection.apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json',
        'If-Match': `"${change.version}"`, 'Idempotency-Key': change.idempotencyKey,
      },
      body: JSON.stringify({ quantity: change.quantity }),
    }, signal, { maxAttempts: 1 });
    if (result.status === 200) {
      const body = parseJson('panelone', `PATCH ${path}`, result.text);
      if (typeof body === 'object' && body !== null && isAddition(body as Record<string, unknown>)) return { ok: true, addition: body as PanelOneAddition };
      throw new IntegrationError({ kind: 'malformed-response', integration: 'panelone', call: `PATCH ${path}`, upstreamMessage: 'expected the updated addition' });
    }
    let words: string | undefined;
    try {
      const parsed = JSON.parse(result.text) as { message?: unknown };
      if (typeof parsed?.message === 'string') words = this.http.upstreamWords(parsed.message);
    } catch { /* not JSON: the status says it */ }
    return { ok: false, status: result.status, message: words ?? `HTTP ${result.status}` };
  }

  /** One small authenticated call: proves the base URL and the token. */
  async probe(signal?: AbortSignal): Promise<void> {
    const call = 'GET /api/v2/organizations page 1';
    envelope(await this.getJson('/api/v2/organizations', { pageSize: '1' }, call, signal), call, isOrganization);
  }

  private async *cursorPages<T extends { id: string }>(
    path: string, query: Record<string, string>, isItem: (v: Record<string, unknown>) => boolean, signal?: AbortSignal,
  ): AsyncGenerator<T[]> {
    // A record inserted in front while the walk is under way shifts the rest by one: the next page
    // starts with the tail of this one. The ids of the page before are enough to drop such repeats
    // (up to a page of insertions between two calls), and memory stays one page whatever the size
    // of the listing (a set of every id served was ~200 MB at 2.5 million devices). A repeat from
    // further back still counts once: the snapshot keeps one row per organization and device.
    let previous = new Set<string>();
    let cursor: string | null = null;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const call = `GET ${path} page ${page}`;
      const params: Record<string, string> = { ...query, pageSize: String(PANELONE_PAGE_SIZE) };
      if (cursor !== null) params.after = cursor;
      const body = envelope(await this.getJson(path, params, call, signal), call, isItem);
      if (body.nextCursor !== null && body.nextCursor === cursor) {
        throw new IntegrationError({ kind: 'malformed-response', integration: 'panelone', call, upstreamMessage: 'the next cursor repeats the current one' });
      }
      const current = new Set<string>();
      const fresh: T[] = [];
      for (const item of body.items as unknown as T[]) {
        if (!previous.has(item.id) && !current.has(item.id)) fresh.push(item);
        current.add(item.id);
      }
      previous = current;
      yield fresh;
      if (body.nextCursor === null) return;
      cursor = body.nextCursor;
    }
  }

  private async getJson(path: string, query: Record<string, string>, call: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(this.connection.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const result = await this.http.send(call, url.toString(), {
      method: 'GET',
      headers: { Authorization: `Bearer ${this.connection.apiToken}`, Accept: 'application/json' },
    }, signal);
    if (result.status !== 200) this.http.fail(call, result);
    return parseJson('panelone', call, result.text);
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

function isOrganization(v: Record<string, unknown>): boolean {
  return isString(v.id) && v.id !== '' && isString(v.name) && (v.externalRef === undefined || v.externalRef === null || isString(v.externalRef));
}

function isDevice(v: Record<string, unknown>): boolean {
  return isString(v.id) && v.id !== '' && isString(v.organizationId) && isString(v.deviceClass)
    && (v.serialNumber === undefined || v.serialNumber === null || isString(v.serialNumber));
}

function isAgreement(v: Record<string, unknown>): boolean {
  return isString(v.id) && v.id !== '' && isString(v.organizationId);
}

function isAddition(v: Record<string, unknown>): boolean {
  return isString(v.id) && v.id !== '' && isString(v.agreementId) && isString(v.catalogItemId) && typeof v.quantity === 'number' && Number.isFinite(v.quantity);
}

function isCatalogItem(v: Record<string, unknown>): boolean {
  return isString(v.id) && v.id !== '' && isString(v.name);
}

function envelope(body: unknown, call: string, isItem: (v: Record<string, unknown>) => boolean): { items: Array<{ id: string }>; nextCursor: string | null } {
  const malformed = (what: string) => new IntegrationError({ kind: 'malformed-response', integration: 'panelone', call, upstreamMessage: what });
  const b = body as { items?: unknown; nextCursor?: unknown } | null;
  if (typeof b !== 'object' || b === null || !Array.isArray(b.items)) throw malformed('expected an "items" array');
  if (b.nextCursor !== null && (!isString(b.nextCursor) || b.nextCursor === '')) throw malformed('expected "nextCursor" to be a string or null');
  for (const item of b.items) {
    if (typeof item !== 'object' || item === null || !isItem(item as Record<string, unknown>)) throw malformed('a record without the expected fields');
  }
  return { items: b.items as Array<{ id: string }>, nextCursor: b.nextCursor };
}
