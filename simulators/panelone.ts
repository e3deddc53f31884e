// PanelOne RMM data API simulator (docs/contracts-panelone.md): organizations and devices
// with cursor paging, and the billing API (agreements, additions, PSA catalog; the addition
// write is in panelone-billing.ts). The cursor is an opaque encoding of a position in the device store, so a
// page costs O(pageSize) even over 250k generated devices.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateDataset, type Dataset } from './dataset.js';
import { FaultEngine, StatsRecorder, applyFault, handleControl, intParam, listen, readBody, sendJson, sendRaw, type Faults, type SimStats } from './http-kit.js';
import { BillingBook, servePatchAddition, type BillingWriteLogEntry } from './panelone-billing.js';

export interface PanelOneSimulatorOptions {
  port?: number;
  host?: string;
  dataset?: Dataset;
  apiToken?: string;
  /** pageSize when the caller sends none (the contract names only the maximum). */
  defaultPageSize?: number;
}

export interface PanelOneSimulator {
  /** Host root; the client appends /api/v2/... */
  url: string;
  apiToken: string;
  port: number;
  dataset: Dataset;
  setFaults(faults: Faults): void;
  stats(): SimStats;
  /** Every PATCH of an addition, and every out-of-band change, in order. */
  billingWriteLog(): BillingWriteLogEntry[];
  /** A person changes an addition in the PSA (a new version). */
  changeAddition(additionId: string, change: { quantity?: number }): void;
  resetStats(): void;
  reset(): void;
  close(): Promise<void>;
}

export const PANELONE_MAX_PAGE_SIZE = 1000;

class BadRequest extends Error {}
class NotFound extends Error {}

const encodeCursor = (position: number) => Buffer.from(`p1:${position}`).toString('base64url');

function decodeCursor(raw: string | null): number {
  if (raw === null || raw === '') return 0;
  const m = /^p1:(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw new BadRequest('Invalid cursor');
  return Number(m[1]);
}

const errorBody = (status: number, message: string) => ({ error: (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/ /g, '_'), message });

export async function startPanelOneSimulator(opts: PanelOneSimulatorOptions = {}): Promise<PanelOneSimulator> {
  const dataset = opts.dataset ?? generateDataset();
  const apiToken = opts.apiToken ?? 'sim-panelone-token';
  const defaultPageSize = opts.defaultPageSize ?? 100;
  const engine = new FaultEngine();
  const stats = new StatsRecorder();

  function pageSizeOf(url: URL): number {
    const size = intParam(url, 'pageSize') ?? defaultPageSize;
    if (Number.isNaN(size) || size < 1 || size > PANELONE_MAX_PAGE_SIZE) throw new BadRequest(`pageSize must be between 1 and ${PANELONE_MAX_PAGE_SIZE}`);
    return size;
  }

  /** Where a page starts; with shiftBetweenPages, one record earlier (a record was inserted in front). */
  function startOf(url: URL, pageSize: number): number {
    const position = decodeCursor(url.searchParams.get('after'));
    if (engine.current.shiftBetweenPages && position > 0 && pageSize > 1) {
      stats.fault('shift');
      return position - 1;
    }
    return position;
  }

  function organizationsPage(url: URL): string {
    const pageSize = pageSizeOf(url);
    const start = startOf(url, pageSize);
    const items = dataset.organizations.slice(start, start + pageSize);
    const end = start + items.length;
    const nextCursor = end < dataset.organizations.length ? encodeCursor(end) : null;
    return JSON.stringify({ items, nextCursor });
  }

  function devicesPage(url: URL): string {
    const pageSize = pageSizeOf(url);
    const organizationId = url.searchParams.get('organizationId') ?? undefined;
    const store = dataset.devices;
    const parts: string[] = [];
    let position = store.nextPosition(startOf(url, pageSize), organizationId);
    let last = -1;
    while (position >= 0 && parts.length < pageSize) {
      parts.push(JSON.stringify(store.at(position)));
      last = position;
      position = store.nextPosition(position + 1, organizationId);
    }
    const nextCursor = position >= 0 && last >= 0 ? encodeCursor(last + 1) : null;
    return `{"items":[${parts.join(',')}],"nextCursor":${nextCursor === null ? 'null' : JSON.stringify(nextCursor)}}`;
  }

  const startedAt = Date.now();
  const book = new BillingBook(dataset.billing, () => dataset.now + (Date.now() - startedAt));

  /** One page of an in-memory list, in the same cursor scheme as the organizations. */
  function listPage<T>(url: URL, list: T[]): string {
    const pageSize = pageSizeOf(url);
    const start = startOf(url, pageSize);
    const items = list.slice(start, start + pageSize);
    const end = start + items.length;
    return JSON.stringify({ items, nextCursor: end < list.length ? encodeCursor(end) : null });
  }

  function agreementsPage(url: URL): string {
    const organizationId = url.searchParams.get('organizationId');
    return listPage(url, organizationId === null ? dataset.billing.agreements : dataset.billing.agreements.filter((a) => a.organizationId === organizationId));
  }

  function additionsPage(url: URL, agreementId: string): string {
    if (!book.agreement(agreementId)) throw new NotFound('Agreement not found');
    const list = dataset.billing.additions.filter((a) => a.agreementId === agreementId);
    const body = listPage(url, list);
    // Someone edits an addition right after it was read (write-faults bumpAfterRead*).
    const bump = engine.writes.decideBump();
    const live = list.find((a) => a.cancelledDate === null);
    if (bump !== 0 && live) {
      stats.fault('bump');
      book.changeOutOfBand(live, { quantity: Math.max(1, live.quantity + bump) });
    }
    return body;
  }

  const routes = new Map<string, (url: URL) => string>([
    ['/api/v2/organizations', organizationsPage],
    ['/api/v2/devices', devicesPage],
    ['/api/v2/agreements', agreementsPage],
    ['/api/v2/catalog/items', (url) => listPage(url, dataset.billing.catalog)],
  ]);
  const ADDITIONS = /^\/api\/v2\/agreements\/([^/]+)\/additions$/;
  const ADDITION = /^\/api\/v2\/agreements\/([^/]+)\/additions\/([^/]+)$/;
  const checkBearer = (req: IncomingMessage) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return match && match[1] === apiToken ? null : 'Invalid API token';
  };

  /** GET|DELETE /_sim/billing-writes; PATCH /_sim/additions/{id} { quantity? } (a change made in the PSA). */
  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const additionMatch = /^\/_sim\/additions\/([^/]+)$/.exec(path);
    if (path === '/_sim/billing-writes' && req.method === 'GET') sendJson(res, 200, book.entries());
    else if (path === '/_sim/billing-writes' && req.method === 'DELETE') { book.clear(); sendJson(res, 200, { ok: true }); }
    else if (additionMatch && req.method === 'PATCH') {
      try {
        const change = JSON.parse((await readBody(req)) || '{}') as { quantity?: number };
        changeAddition(decodeURIComponent(additionMatch[1]), change);
        sendJson(res, 200, dataset.billing.additions.find((a) => a.id === decodeURIComponent(additionMatch[1])));
      } catch (err) {
        sendJson(res, 400, { error: (err as Error).message });
      }
    } else return false;
    return true;
  }

  function changeAddition(additionId: string, change: { quantity?: number }): void {
    const addition = dataset.billing.additions.find((a) => a.id === additionId);
    if (!addition) throw new Error('no such addition');
    if (change.quantity !== undefined && !(Number.isInteger(change.quantity) && change.quantity >= 0)) throw new Error('quantity must be a non-negative integer');
    book.changeOutOfBand(addition, change);
  }

  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (await handleControl(req, res, url, { engine, stats, dataset, control })) return;
    const additions = ADDITIONS.exec(path);
    const addition = ADDITION.exec(path);
    const handler = routes.get(path) ?? (additions ? (u: URL) => additionsPage(u, decodeURIComponent(additions[1])) : undefined);
    const route = handler ? `GET ${additions ? '/api/v2/agreements/{id}/additions' : path}` : addition ? 'PATCH /api/v2/agreements/{id}/additions/{id}' : `${req.method} (unknown)`;
    stats.call(route);
    const fail = (status: number, message: string) => { stats.status(status); sendJson(res, status, errorBody(status, message)); };
    if (!path.startsWith('/api/')) return fail(404, 'Not found');
    if (addition && req.method === 'PATCH') {
      return servePatchAddition({ engine, stats, book, checkBearer, errorBody }, req, res, decodeURIComponent(addition[1]), decodeURIComponent(addition[2]), `${path}${url.search}`);
    }
    const decision = engine.decide(`${path}${url.search}`);
    if (await applyFault(decision, res, stats, errorBody, '{"items":[{"id":"dev-00')) return;
    const authError = checkBearer(req);
    if (authError) return fail(401, authError);
    if (!handler) return fail(404, 'Not found');
    if (req.method !== 'GET') return fail(405, 'Method not allowed');
    try {
      const body = handler(url);
      stats.status(200);
      sendRaw(res, 200, body);
    } catch (err) {
      if (err instanceof BadRequest) return fail(400, err.message);
      if (err instanceof NotFound) return fail(404, err.message);
      throw err;
    }
  }, opts.port ?? 0, opts.host ?? '127.0.0.1');

  const host = running.host.includes(':') ? `[${running.host}]` : running.host;
  return {
    url: `http://${host}:${running.port}`,
    apiToken, port: running.port, dataset,
    setFaults: (faults) => engine.set(faults),
    stats: () => stats.snapshot(),
    billingWriteLog: () => book.entries(),
    changeAddition,
    resetStats: () => stats.reset(),
    reset: () => { engine.reset(); stats.reset(); },
    close: () => running.close(),
  };
}
