// A small node:http stand-in for the plugin API, used by the widget tests in real Chromium:
// serves the built bundle and a blank test page, and implements the REST API v1 shapes with
// in-memory data, filter/sort/paging, runs that finish after 3 polls, and fault modes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { clientDetail, makeAdminData, makeClients, type FixtureClient } from './fixture-data.js';

export const BUNDLE_PATH = new URL('../../dist/plugin/billingone-reconcile.js', import.meta.url);
const HOST_DIR = new URL('../../plugin-ui/host/', import.meta.url);
export const RUN_POLLS_TO_FINISH = 3;

interface Run {
  id: string; tool: string; status: 'queued' | 'running' | 'succeeded' | 'failed'; phase: string | null;
  progress: { done: number; total: number }; requestedBy: string; startedAt: string; finishedAt: string | null;
  error: string | null; result: Record<string, unknown> | null;
}

export interface RecordedRequest { method: string; path: string; authorization: string | undefined }

export class FixtureApi {
  baseUrl = '';
  clients: FixtureClient[] = makeClients();
  admin = makeAdminData();
  snapshot: { id: string; takenAt: string } | null = { id: 'snap-6', takenAt: '2026-11-01T02:00:00.000Z' };
  runs: Run[] = [];
  requests: RecordedRequest[] = [];
  /** Tokens the API accepts; any other bearer gets 401. Empty = accept every token. */
  acceptedTokens = new Set<string>();
  role: 'admin' | 'technician' | 'viewer' = 'admin';
  /** Fail the next `count` API requests whose path starts with `pathPrefix`. */
  failures: { status: number; count: number; pathPrefix: string; message: string }[] = [];
  failingTools = new Set<string>();
  private server?: Server;
  private runSeq = 0;

  reset(): void {
    this.clients = makeClients();
    this.admin = makeAdminData();
    this.snapshot = { id: 'snap-6', takenAt: '2026-11-01T02:00:00.000Z' };
    this.runs = [];
    this.requests = [];
    this.acceptedTokens.clear();
    this.role = 'admin';
    this.failures = [];
    this.failingTools.clear();
  }

  failNext(pathPrefix: string, status = 500, count = 1, message = 'Database is not reachable right now'): void {
    this.failures.push({ status, count, pathPrefix, message });
  }

  apiRequests(pathPrefix = ''): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(`/api/v1${pathPrefix}`));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((error) => this.send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: String(error) })));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
    res.end(text);
  }

  private error(res: ServerResponse, status: number, error: string, message: string): void {
    this.send(res, status, { statusCode: status, error, message, correlationId: `corr-${status}-${this.requests.length}` });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const path = url.pathname;
    if (path === '/plugin/billingone-reconcile.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      return void res.end(readFileSync(BUNDLE_PATH));
    }
    if (path === '/test-page') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Widget test page</title><style>body{margin:0;padding:16px;font-family:system-ui,sans-serif;background:#eef1f5}</style>
        <script type="module" src="/plugin/billingone-reconcile.js"></script></head><body><main></main></body></html>`);
    }
    if (path.startsWith('/host/')) {
      const file = path === '/host/' ? 'index.html' : path.slice('/host/'.length);
      if (!/^[\w.-]+$/.test(file)) return this.error(res, 404, 'Not Found', 'No such file');
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
      return void res.end(readFileSync(new URL(file, HOST_DIR)));
    }
    if (path === '/demo/context-token') {
      return this.send(res, 200, { token: `demo-${url.searchParams.get('role') ?? 'admin'}-${Date.now()}`, expiresAt: new Date(Date.now() + 15 * 60_000).toISOString() });
    }
    if (!path.startsWith('/api/v1/')) return this.error(res, 404, 'Not Found', `Cannot ${req.method} ${path}`);

    const authorization = req.headers.authorization;
    this.requests.push({ method: req.method ?? 'GET', path: path + url.search, authorization });
    const token = authorization?.replace(/^Bearer /, '');
    if (!token || (this.acceptedTokens.size > 0 && !this.acceptedTokens.has(token))) {
      return this.error(res, 401, 'Unauthorized', 'The context token is missing, invalid or expired');
    }
    const failure = this.failures.find((candidate) => candidate.count > 0 && path.startsWith(`/api/v1${candidate.pathPrefix}`));
    if (failure) {
      failure.count--;
      return this.error(res, failure.status, failure.status >= 500 ? 'Internal Server Error' : 'Error', failure.message);
    }
    const body = req.method === 'PUT' || req.method === 'POST' ? await readJson(req) : undefined;
    await this.route(req.method ?? 'GET', path.slice('/api/v1'.length), url.searchParams, body, res);
  }

  private async route(method: string, path: string, query: URLSearchParams, body: any, res: ServerResponse): Promise<void> {
    const isAdmin = this.role === 'admin';
    const canSync = this.role !== 'viewer';
    let match: RegExpMatchArray | null;
    if (method === 'GET' && path === '/reconciliation/summary') return this.send(res, 200, this.summary());
    if (method === 'GET' && path === '/reconciliation/clients') {
      const rows = this.filtered(query);
      const limit = Number(query.get('limit') ?? 25);
      const offset = Number(query.get('offset') ?? 0);
      return this.send(res, 200, { items: rows.slice(offset, offset + limit), total: rows.length });
    }
    if (method === 'GET' && path === '/reconciliation/export.csv') {
      if (!canSync) return this.error(res, 403, 'Forbidden', 'Requires the technician role');
      const lines = ['clientId,name,devices,licenses,variance,status,monthlyImpact',
        ...this.filtered(query).map((row) => [row.clientId, csvCell(row.name), row.devices, row.licenses, row.variance, row.status, row.monthlyImpact?.amount ?? ''].join(','))];
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="reconciliation-2026-11-25.csv"' });
      return void res.end(lines.join('\r\n') + '\r\n');
    }
    if (method === 'GET' && (match = path.match(/^\/reconciliation\/clients\/([^/]+)$/))) {
      const client = this.clients.find((row) => row.clientId === decodeURIComponent(match![1]));
      return client ? this.send(res, 200, clientDetail(client)) : this.error(res, 404, 'Not Found', 'Client not found');
    }
    if (method === 'POST' && ((match = path.match(/^\/sync\/([a-z-]+)$/)) || (match = path.match(/^\/integrations\/(pax8|panelone)\/sync$/)))) {
      if (!canSync) return this.error(res, 403, 'Forbidden', 'Requires the technician role');
      const tool = path.startsWith('/integrations') ? `${match[1]}-sync` : match[1];
      const running = this.runs.find((run) => run.tool === tool && (run.status === 'queued' || run.status === 'running'));
      return this.send(res, 202, running ?? this.newRun(tool));
    }
    if (method === 'GET' && path === '/sync/runs') return this.send(res, 200, { items: [...this.runs].reverse().slice(0, 20) });
    if (method === 'GET' && (match = path.match(/^\/sync\/runs\/([^/]+)$/))) {
      const run = this.runs.find((candidate) => candidate.id === match![1]);
      return run ? this.send(res, 200, this.advance(run)) : this.error(res, 404, 'Not Found', 'No such run');
    }
    if (!isAdmin) return this.error(res, 403, 'Forbidden', 'Requires the admin role');
    if (method === 'GET' && path === '/integrations') return this.send(res, 200, this.admin.integrations);
    if (method === 'PUT' && (match = path.match(/^\/integrations\/(pax8|panelone)$/))) {
      if (!/^https?:\/\//.test(body?.baseUrl ?? '')) return this.error(res, 400, 'Bad Request', 'baseUrl must be a URL address');
      const integration = this.admin.integrations.find((candidate) => candidate.kind === match![1])!;
      const { clientSecret, apiToken, enabled, ...config } = body;
      const previous = integration.config as Record<string, unknown>;
      integration.enabled = enabled;
      integration.configured = true;
      integration.config = { ...previous, ...config, ...(match[1] === 'pax8' ? { clientSecretSet: Boolean(clientSecret) || previous.clientSecretSet } : { apiTokenSet: Boolean(apiToken) || previous.apiTokenSet }) };
      return this.send(res, 200, integration);
    }
    if (method === 'POST' && (match = path.match(/^\/integrations\/(pax8|panelone)\/test$/))) {
      return this.send(res, 200, match[1] === 'pax8' ? { ok: true, message: 'Authenticated; 14 companies visible', latencyMs: 42 } : { ok: false, message: 'PanelOne answered 401: check the API token', latencyMs: 18 });
    }
    if (method === 'GET' && path === '/clients') return this.send(res, 200, this.admin.mappings);
    if (method === 'PUT' && (match = path.match(/^\/clients\/([^/]+)\/mapping$/))) {
      const row = this.admin.mappings.items.find((item) => item.organizationId === decodeURIComponent(match![1]));
      if (!row) return this.error(res, 404, 'Not Found', 'Organization not found');
      Object.assign(row, { pax8CompanyId: body.pax8CompanyId, mappingState: body.pax8CompanyId ? 'confirmed' : 'none' });
      return this.send(res, 200, row);
    }
    if (method === 'GET' && path === '/catalog/products') return this.send(res, 200, this.admin.products);
    if (method === 'PUT' && (match = path.match(/^\/catalog\/products\/([^/]+)$/))) {
      const product = this.admin.products.items.find((item) => item.productId === decodeURIComponent(match![1]));
      if (!product) return this.error(res, 404, 'Not Found', 'Product not found');
      product.perDevice = Boolean(body.perDevice);
      return this.send(res, 200, product);
    }
    if (method === 'GET' && path === '/settings') return this.send(res, 200, this.admin.settings);
    if (method === 'PUT' && path === '/settings') {
      if (!(body.staleDays >= 1)) return this.error(res, 400, 'Bad Request', 'staleDays must not be less than 1');
      this.admin.settings = body;
      return this.send(res, 200, body);
    }
    return this.error(res, 404, 'Not Found', `Cannot ${method} /api/v1${path}`);
  }

  summary() {
    const sum = (status: string) => this.clients.filter((row) => row.status === status);
    const money = (rows: FixtureClient[]) => ({ amount: Math.abs(rows.reduce((total, row) => total + (row.monthlyImpact?.amount ?? 0), 0)), currency: 'USD' });
    return {
      snapshot: this.snapshot,
      underLicensed: sum('under-licensed').length,
      overLicensed: sum('over-licensed').length,
      matched: sum('matched').length,
      unmapped: 2,
      revenueAtRisk: money(sum('under-licensed')),
      overspend: money(sum('over-licensed')),
    };
  }

  /** Rows after the list's status / search / sort filters (before paging). */
  filtered(query: URLSearchParams): FixtureClient[] {
    const status = query.get('status');
    const search = query.get('search')?.toLowerCase();
    const sort = (query.get('sort') ?? 'variance') as keyof FixtureClient;
    const direction = query.get('order') === 'asc' ? 1 : -1;
    const value = (row: FixtureClient) => (sort === 'monthlyImpact' ? row.monthlyImpact?.amount ?? 0 : row[sort]);
    return this.clients
      .filter((row) => (!status || row.status === status) && (!search || row.name.toLowerCase().includes(search)))
      .sort((a, b) => {
        const left = value(a) as string | number;
        const right = value(b) as string | number;
        const order = typeof left === 'string' ? left.localeCompare(String(right)) : left - (right as number);
        return order * direction || a.clientId.localeCompare(b.clientId);
      });
  }

  private newRun(tool: string): Run {
    const run: Run = { id: `run-${++this.runSeq}`, tool, status: 'queued', phase: 'queued', progress: { done: 0, total: RUN_POLLS_TO_FINISH },
      requestedBy: 'user-1', startedAt: new Date().toISOString(), finishedAt: null, error: null, result: null };
    this.runs.push(run);
    return run;
  }

  /** Each poll moves a run one step; the third finishes it. */
  private advance(run: Run): Run {
    if (run.status !== 'queued' && run.status !== 'running') return run;
    run.progress.done++;
    run.status = 'running';
    run.phase = ['reading-devices', 'counting', 'reconciling'][run.progress.done - 1] ?? 'finishing';
    if (run.progress.done >= run.progress.total) {
      run.finishedAt = new Date().toISOString();
      if (this.failingTools.has(run.tool)) {
        Object.assign(run, { status: 'failed', error: 'PanelOne answered 503 three times; the previous snapshot is kept' });
      } else {
        run.status = 'succeeded';
        run.result = { devicesRead: 1234, clients: this.clients.length };
        if (run.tool === 'device-snapshot' || run.tool === 'sync-all' || run.tool === 'full-reconcile') {
          this.snapshot = { id: `snap-${run.id}`, takenAt: '2026-11-25T09:30:00.000Z' };
        }
      }
    }
    return { ...run, progress: { ...run.progress } };
  }
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}
