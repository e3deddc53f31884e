// PanelOne RMM data API simulator (docs/contracts-panelone.md): organizations and devices
// with cursor paging. The cursor is an opaque encoding of a position in the device store, so a
// page costs O(pageSize) even over 250k generated devices.
import { STATUS_CODES } from 'node:http';
import { generateDataset, type Dataset } from './dataset.js';
import { FaultEngine, StatsRecorder, applyFault, handleControl, intParam, listen, sendJson, sendRaw, type Faults, type SimStats } from './http-kit.js';

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
  resetStats(): void;
  reset(): void;
  close(): Promise<void>;
}

export const PANELONE_MAX_PAGE_SIZE = 1000;

class BadRequest extends Error {}

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

  const routes = new Map<string, (url: URL) => string>([
    ['/api/v2/organizations', organizationsPage],
    ['/api/v2/devices', devicesPage],
  ]);

  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (await handleControl(req, res, url, { engine, stats, dataset })) return;
    const handler = routes.get(path);
    stats.call(handler ? `GET ${path}` : `${req.method} (unknown)`);
    const fail = (status: number, message: string) => { stats.status(status); sendJson(res, status, errorBody(status, message)); };
    if (!path.startsWith('/api/')) return fail(404, 'Not found');
    const decision = engine.decide(`${path}${url.search}`);
    if (await applyFault(decision, res, stats, errorBody, '{"items":[{"id":"dev-00')) return;
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || match[1] !== apiToken) return fail(401, 'Invalid API token');
    if (!handler) return fail(404, 'Not found');
    if (req.method !== 'GET') return fail(405, 'Method not allowed');
    try {
      const body = handler(url);
      stats.status(200);
      sendRaw(res, 200, body);
    } catch (err) {
      if (err instanceof BadRequest) return fail(400, err.message);
      throw err;
    }
  }, opts.port ?? 0, opts.host ?? '127.0.0.1');

  const host = running.host.includes(':') ? `[${running.host}]` : running.host;
  return {
    url: `http://${host}:${running.port}`,
    apiToken, port: running.port, dataset,
    setFaults: (faults) => engine.set(faults),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    reset: () => { engine.reset(); stats.reset(); },
    close: () => running.close(),
  };
}
