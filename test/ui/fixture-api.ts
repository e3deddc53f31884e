// A small node:http stand-in for the plugin API, used by the widget tests in real Chromium:
// serves the built bundle and a blank test page, and implements the REST API v1 shapes with
// in-memory data, filter/sort/paging, history (earlier snapshots and versions), roles read from
// JWT-shaped tokens, runs that finish after 3 polls, and fault modes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { FixtureActions } from './fixture-actions.js';
import { fixtureToken, PRODUCTS, SNAPSHOTS, cents, clientDetail, makeAdminData, makeAlerts, makeClients, makeUnmapped, money, withBilling, withoutBilling, type FixtureClient } from './fixture-data.js';

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
  unmapped: FixtureClient[] = makeUnmapped();
  admin = makeAdminData();
  snapshot: { id: string; takenAt: string } | null = latestSnapshot();
  /** Snapshots taken by runs during the test (newest last). */
  taken: { id: string; takenAt: string; trigger: string }[] = [];
  runs: Run[] = [];
  requests: RecordedRequest[] = [];
  /** Tokens the API accepts; any other bearer gets 401. Empty = accept every token. */
  acceptedTokens = new Set<string>();
  role: 'admin' | 'technician' | 'viewer' = 'admin';
  /** Fail the next `count` API requests whose path starts with `pathPrefix`. */
  failures: { status: number; count: number; pathPrefix: string; message: string }[] = [];
  failingTools = new Set<string>();
  /** Gaps, exceptions, actions and the audit log over `clients`. */
  actions = new FixtureActions(() => this.clients, () => this.world());
  /** PSA billing on: rows, lines, summary and totals carry the third column. */
  psaBilling = false;
  private server?: Server;
  private runSeq = 0;

  reset(): void {
    this.clients = makeClients();
    this.unmapped = makeUnmapped();
    this.admin = makeAdminData();
    this.snapshot = latestSnapshot();
    this.taken = [];
    this.runs = [];
    this.requests = [];
    this.acceptedTokens.clear();
    this.role = 'admin';
    this.failures = [];
    this.failingTools.clear();
    this.alerts = makeAlerts();
    this.changeCounts = { added: 3, removed: 1, changed: 2 };
    this.changesGone = null;
    this.actions = new FixtureActions(() => this.clients, () => this.world());
    this.psaBilling = false;
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
      const role = (url.searchParams.get('role') ?? 'admin') as 'admin' | 'technician' | 'viewer';
      return this.send(res, 200, { token: fixtureToken(role, String(Date.now())), expiresAt: new Date(Date.now() + 15 * 60_000).toISOString() });
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
    const role = roleOf(token) ?? this.role;
    const reply = this.actions.route(req.method ?? 'GET', path.slice('/api/v1'.length), url.searchParams, body, role, `user-${role}`);
    if (reply) return this.send(res, reply.status, reply.body);
    await this.route(req.method ?? 'GET', path.slice('/api/v1'.length), url.searchParams, body, res, role);
  }

  private async route(method: string, path: string, query: URLSearchParams, body: any, res: ServerResponse, role: string): Promise<void> {
    const isAdmin = role === 'admin';
    const canSync = role !== 'viewer';
    let match: RegExpMatchArray | null;
    if (method === 'GET' && path === '/reconciliation/summary') return this.send(res, 200, this.summary(query));
    if (method === 'GET' && path === '/reconciliation/clients') {
      const rows = this.filtered(query);
      const limit = Number(query.get('limit') ?? 25);
      const offset = Number(query.get('offset') ?? 0);
      return this.send(res, 200, { ...this.mark(query), items: rows.slice(offset, offset + limit).map((row) => ({ ...row, previousStatus: this.previousStatus(row) })), total: rows.length, totals: totalsOf(rows) });
    }
    if (method === 'GET' && (match = path.match(/^\/snapshots\/([^/]+)\/changes$/))) {
      if (this.changesGone) return this.error(res, 410, 'Gone', this.changesGone);
      const changes = this.changes(decodeURIComponent(match[1]), query);
      return changes ? this.send(res, 200, changes) : this.error(res, 404, 'Not Found', 'Snapshot not found');
    }
    if (method === 'GET' && path === '/alerts/channels') return this.send(res, 200, { items: this.alerts.channels, emailAvailable: this.alerts.emailAvailable });
    if (method === 'PUT' && path === '/alerts/channels') return this.putChannels(res, body);
    if (method === 'POST' && (match = path.match(/^\/alerts\/channels\/([^/]+)\/test$/))) return this.testChannel(res, decodeURIComponent(match[1]));
    if (method === 'GET' && path === '/alerts/deliveries') return this.send(res, 200, { items: this.alerts.deliveries, total: this.alerts.deliveries.length });
    if (method === 'GET' && path === '/reconciliation/export.csv') {
      if (!canSync) return this.error(res, 403, 'Forbidden', 'Requires the technician role');
      const labels: Record<string, string> = { 'under-licensed': 'Under-licensed', 'over-licensed': 'Over-licensed', matched: 'Properly licensed', unmapped: 'Unmapped' };
      const lines = ['Client ID,Client,Devices,Licenses,Variance,Status,Revenue at risk,Overspend,Seats with no price,Headline product',
        ...this.filtered(query).map((row) => [row.clientId, csvCell(row.name), row.devices, row.licenses ?? '', row.variance ?? '', labels[row.status], row.revenueAtRisk.amount.toFixed(2), row.overspend.amount.toFixed(2), row.unpricedSeats, csvCell(row.headlineProductName ?? '')].join(','))];
      const status = query.get('status') === 'mapped' ? null : query.get('status');
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="reconciliation-${status ? `${status}-` : ''}2026-11-25.csv"` });
      return void res.end(lines.join('\r\n') + '\r\n');
    }
    if (method === 'GET' && (match = path.match(/^\/reconciliation\/clients\/([^/]+)\/export\.csv$/))) {
      if (!canSync) return this.error(res, 403, 'Forbidden', 'Requires the technician role');
      const client = this.world(query).find((row) => row.clientId === decodeURIComponent(match![1]));
      if (!client) return this.error(res, 404, 'Not Found', 'Client not found');
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="billing-snapshot-${client.clientId}-2026-11-24.csv"` });
      return void res.end(['Product,Devices,Licenses,Variance', ...client.lines.map((line) => [csvCell(line.productName), line.devices, line.licenses, line.variance].join(','))].join('\r\n') + '\r\n');
    }
    if (method === 'GET' && (match = path.match(/^\/reconciliation\/clients\/([^/]+)$/))) {
      const id = decodeURIComponent(match[1]);
      const client = [...this.world(query), ...this.unmapped].find((row) => row.clientId === id);
      return client ? this.send(res, 200, clientDetail(client, this.mark(query) as never)) : this.error(res, 404, 'Not Found', 'Client not found');
    }
    if (method === 'GET' && path === '/snapshots') {
      const items = this.snapshotList().map((snapshot) => ({ ...snapshot, status: 'complete', deviceCount: 20_000, billableCount: 18_000, rules: {} }));
      return this.send(res, 200, { items, total: items.length });
    }
    if (method === 'GET' && path === '/reconciliation/versions') {
      const snapshot = this.snapshotList().find((candidate) => candidate.id === (query.get('snapshotId') || this.snapshot?.id));
      if (!snapshot) return this.error(res, 404, 'Not Found', 'Snapshot not found');
      const items = snapshot.id === this.snapshot?.id
        ? [{ version: 2, createdAt: '2026-11-24T16:00:00.000Z', reason: 'Counting rules changed by admin', createdBy: 'user-admin' }, { version: 1, createdAt: snapshot.takenAt, reason: 'Snapshot taken', createdBy: 'schedule' }]
        : [{ version: 1, createdAt: snapshot.takenAt, reason: 'Snapshot taken', createdBy: 'schedule' }];
      return this.send(res, 200, { snapshot: { id: snapshot.id, takenAt: snapshot.takenAt }, items });
    }
    if (method === 'GET' && path === '/products/reconciliation') return this.send(res, 200, { ...this.mark(query), items: this.products(query) });
    if (method === 'GET' && path === '/missed-billing') {
      const items = this.missedBilling();
      return this.send(res, 200, { snapshot: this.snapshot, items, total: items.length });
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
      if (body.staleDays !== undefined && !(body.staleDays >= 1)) return this.error(res, 400, 'Bad Request', 'staleDays must not be less than 1');
      this.admin.settings = { ...this.admin.settings, ...body };
      return this.send(res, 200, this.admin.settings);
    }
    if (method === 'GET' && path === '/catalog/psa-items') return this.send(res, 200, this.admin.psaItems);
    if (method === 'PUT' && (match = path.match(/^\/catalog\/psa-items\/([^/]+)\/mapping$/))) {
      if (!isAdmin) return this.error(res, 403, 'Forbidden', 'Requires the admin role');
      const item = this.admin.psaItems.items.find((candidate) => candidate.itemId === decodeURIComponent(match![1]));
      if (!item) return this.error(res, 404, 'Not Found', 'PSA catalog item not found');
      const product = this.admin.psaItems.products.find((p) => p.pax8ProductId === body.pax8ProductId);
      Object.assign(item, { pax8ProductId: body.pax8ProductId, pax8ProductName: product?.name ?? null, state: body.pax8ProductId ? 'confirmed' : 'none', reason: 'admin' });
      return this.send(res, 200, item);
    }
    return this.error(res, 404, 'Not Found', `Cannot ${method} /api/v1${path}`);
  }

  /** Every 9th client (by name order) had another status in the previous snapshot. */
  previousStatus(row: FixtureClient): string | null {
    const index = this.clients.findIndex((c) => c.clientId === row.clientId);
    if (index < 0 || index % 9 !== 0) return row.status;
    return row.status === 'matched' ? 'under-licensed' : 'matched';
  }

  /** What changed for a client since the snapshot before (the same for every client). */
  changeCounts = { added: 3, removed: 1, changed: 2 };
  /** Set: "what changed" answers 410 with this message, as after retention deleted a snapshot's device rows. */
  changesGone: string | null = null;
  changes(snapshotId: string, query: URLSearchParams) {
    const list = this.snapshotList();
    const at = list.findIndex((s) => s.id === snapshotId);
    if (at < 0) return null;
    const snapshot = list[at];
    const against = list[at + 1] ?? null;
    const clientId = query.get('clientId') ?? '';
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!against || !client) return { snapshot, against, clients: [], items: [], total: 0 };
    const row = (deviceId: string, change: string, before: object | null, after: object | null) => ({
      clientId, deviceId, change, hostname: `${deviceId}.corp.example`, serialNumber: `SN-${deviceId}`, deviceClass: 'WINDOWS_WORKSTATION',
      lastContact: snapshot.takenAt, before, after,
    });
    const counted = { counted: true, reason: null };
    const { added, removed, changed } = this.changeCounts;
    const items = [
      ...Array.from({ length: added }, (_, i) => row(`ws-10${i + 1}`, 'added', null, counted)),
      ...Array.from({ length: changed }, (_, i) => row(`ws-0${i + 1}`, 'changed', counted, { counted: false, reason: i % 2 ? 'duplicate-serial' : 'stale' })),
      ...Array.from({ length: removed }, (_, i) => row(`ws-09${9 - i}`, 'removed', counted, null)),
    ];
    const limit = Number(query.get('limit') ?? 50);
    return {
      snapshot, against, total: items.length, items: items.slice(0, limit),
      clients: [{ clientId, name: client.name, added, removed, changed, devicesBefore: client.devices - added + removed, devicesAfter: client.devices,
        billableBefore: client.devices - added + removed, billableAfter: client.devices - changed }],
    };
  }

  alerts = makeAlerts();

  private putChannels(res: ServerResponse, body: any): void {
    const now = new Date().toISOString();
    const channels = [];
    for (const [index, input] of (body?.channels ?? []).entries()) {
      const before = this.alerts.channels.find((c) => c.id === input.id);
      if (input.kind === 'webhook' && !String(input.url ?? '').startsWith('https://')) return this.error(res, 400, 'Bad Request', `channels[${index}].url is not allowed: only https is allowed for hosts that OUTBOUND_ALLOWLIST does not name`);
      if (input.kind === 'webhook' && !input.secret && !before?.secretSet) return this.error(res, 400, 'Bad Request', `channels[${index}].secret is required for a new webhook`);
      channels.push({
        id: input.id ?? `00000000-0000-4000-8000-${String(++this.alerts.seq).padStart(12, '0')}`, kind: input.kind, name: input.name, enabled: input.enabled,
        url: input.kind === 'webhook' ? input.url : null, secretSet: input.kind === 'webhook', recipients: input.recipients ?? [],
        createdAt: before?.createdAt ?? now, updatedAt: now,
      });
    }
    this.alerts.channels = channels;
    this.send(res, 200, { items: channels, emailAvailable: this.alerts.emailAvailable });
  }

  private testChannel(res: ServerResponse, id: string): void {
    const channel = this.alerts.channels.find((c) => c.id === id);
    if (!channel) return this.error(res, 404, 'Not Found', 'Alert channel not found');
    const ok = channel.kind === 'email' || !channel.url?.includes('down');
    const delivery = {
      id: `10000000-0000-4000-8000-${String(++this.alerts.seq).padStart(12, '0')}`, channelId: id, channelName: channel.name, kind: channel.kind, event: 'test',
      status: ok ? 'delivered' : 'failed', attempts: 1, createdAt: new Date().toISOString(), nextAttemptAt: null, finishedAt: new Date().toISOString(),
      snapshotId: null, version: null, summary: null,
      log: [{ attempt: 1, at: new Date().toISOString(), statusCode: ok ? (channel.kind === 'email' ? 250 : 200) : 503, error: ok ? null : 'HTTP 503', durationMs: 42 }],
    };
    this.alerts.deliveries.unshift(delivery);
    this.send(res, 200, { ok, message: ok ? (channel.kind === 'email' ? `Sent to ${channel.recipients.length} recipient(s)` : 'Delivered (HTTP 200)') : 'HTTP 503', statusCode: delivery.log[0].statusCode, latencyMs: 42, deliveryId: delivery.id });
  }

  /** Where a read stands: the latest version of the latest snapshot unless the query asks otherwise. */
  mark(query: URLSearchParams = new URLSearchParams()) {
    const snapshotId = query.get('snapshotId') || this.snapshot?.id;
    const snapshot = this.snapshotList().find((candidate) => candidate.id === snapshotId) ?? null;
    const isLatestSnapshot = snapshot?.id === this.snapshot?.id;
    const version = Number(query.get('version')) || (isLatestSnapshot ? 2 : 1);
    return { snapshot: snapshot && { id: snapshot.id, takenAt: snapshot.takenAt }, version: snapshot ? version : null, latest: isLatestSnapshot && version === 2 };
  }

  /** The mapped clients of the reconciliation the query reads (history has other numbers). */
  world(query: URLSearchParams = new URLSearchParams()): FixtureClient[] {
    const rows = this.mark(query).latest ? this.clients : makeClients(1 + SNAPSHOTS.findIndex((snapshot) => snapshot.id === query.get('snapshotId')) + Number(query.get('version') ?? 0));
    return this.psaBilling ? rows.map(withBilling) : rows.map(withoutBilling);
  }

  snapshotList() {
    return [...SNAPSHOTS, ...this.taken].filter((snapshot) => this.snapshot && Date.parse(snapshot.takenAt) <= Date.parse(this.snapshot.takenAt)).reverse();
  }

  summary(query: URLSearchParams = new URLSearchParams()) {
    const rows = this.world(query);
    const of = (status: string) => rows.filter((row) => row.status === status);
    const lines = rows.flatMap((row) => row.lines);
    const unpriced = (sign: number) => lines.filter((line) => Math.sign(line.variance) === sign).reduce((sum, line) => sum + line.unpricedSeats, 0)
      + (sign > 0 ? rows.filter((row) => !row.lines.length).reduce((sum, row) => sum + row.unpricedSeats, 0) : 0);
    const totals = totalsOf(rows);
    return {
      ...this.mark(query),
      ...(this.snapshot ? {} : { snapshot: null, version: null, latest: true }),
      underLicensed: of('under-licensed').length,
      overLicensed: of('over-licensed').length,
      matched: of('matched').length,
      unmapped: this.unmapped.length,
      accepted: 0,
      revenueAtRisk: totals.revenueAtRisk,
      overspend: totals.overspend,
      unpricedSeats: totals.unpricedSeats,
      unpricedUnderSeats: unpriced(1),
      unpricedOverSeats: unpriced(-1),
      billableCount: totals.devices,
      unmappedDeviceCount: this.unmapped.reduce((sum, row) => sum + row.devices, 0),
      unconfirmedMappings: this.admin.mappings.items.filter((item) => item.mappingState === 'suggested').length,
      ...(this.psaBilling ? {
        underBilled: totals.underBilled,
        underBilledClients: rows.filter((row) => row.billingStatus === 'under-billed').length,
        overBilledClients: rows.filter((row) => row.billingStatus === 'over-billed').length,
        unpricedUnderBilledSeats: rows.reduce((sum, row) => sum + (row.unpricedUnderBilledSeats ?? 0), 0),
      } : { underBilled: null, underBilledClients: null, overBilledClients: null, unpricedUnderBilledSeats: null }),
    };
  }

  /** Rows after the list's status / search / sort filters (before paging). */
  filtered(query: URLSearchParams): FixtureClient[] {
    // `mapped` (what the dashboard asks for) is every mapped client: this fixture's world.
    const status = query.get('status') === 'mapped' ? null : query.get('status');
    const search = query.get('search')?.toLowerCase();
    const sort = query.get('sort') ?? 'variance';
    const direction = query.get('order') === 'asc' ? 1 : -1;
    const value = (row: FixtureClient): string | number => {
      if (sort === 'name') return row.name;
      if (sort === 'revenueAtRisk' || sort === 'overspend') return row[sort].amount;
      if (sort === 'monthlyImpact') return row.monthlyImpact?.amount ?? 0;
      if (sort === 'underBilled') return row.underBilled?.amount ?? Number.NEGATIVE_INFINITY;
      if (sort === 'billedVariance') return row.billedVariance ?? Number.NEGATIVE_INFINITY;
      const number = row[sort as 'devices' | 'licenses' | 'variance' | 'unpricedSeats'];
      return number ?? Number.NEGATIVE_INFINITY;
    };
    const source = status === 'unmapped' ? this.unmapped : this.world(query);
    return source
      .filter((row) => (!status || row.status === status) && (!search || row.name.toLowerCase().includes(search)))
      .sort((a, b) => {
        const left = value(a);
        const right = value(b);
        const order = typeof left === 'string' ? left.localeCompare(String(right)) : left === right ? 0 : left - (right as number);
        return order * direction || a.clientId.localeCompare(b.clientId);
      });
  }

  products(query: URLSearchParams = new URLSearchParams()) {
    return PRODUCTS.map((product) => {
      const lines = this.world(query).flatMap((row) => row.lines.filter((line) => line.productId === product.productId));
      const sum = (pick: (line: (typeof lines)[number]) => number) => lines.reduce((total, line) => total + pick(line), 0);
      return {
        ...product, clients: lines.length, devices: sum((line) => line.devices), licenses: sum((line) => line.licenses), variance: sum((line) => line.variance),
        underSeats: sum((line) => Math.max(0, line.variance)), overSeats: sum((line) => Math.max(0, -line.variance)),
        revenueAtRisk: money(sum((line) => cents(line.revenueAtRisk))), overspend: money(sum((line) => cents(line.overspend))), unpricedSeats: sum((line) => line.unpricedSeats),
      };
    }).sort((a, b) => b.revenueAtRisk.amount - a.revenueAtRisk.amount);
  }

  missedBilling() {
    // Where each gap stands comes from the gaps the actions fixture keeps, as the API reads GET /gaps.
    return this.clients.flatMap((row, index) => row.lines.filter((line) => line.variance > 0).map((line) => ({ line, gap: this.actions.gap(row, line as Parameters<FixtureActions['gap']>[1]) }))
      .filter(({ gap }) => gap.state !== 'accepted').map(({ line, gap }) => ({
      state: gap.state as 'open' | 'action-pending' | 'action-applied', latestAction: gap.actions[0] ?? null,
      clientId: row.clientId, clientName: row.name, productId: line.productId, productName: line.productName,
      devices: line.devices, licensed: line.licenses, gap: line.variance, unitPriceMonthly: line.unitPriceMonthly,
      monthlyAmount: line.revenueAtRisk, revenueAtRisk: line.revenueAtRisk,
      action: `Increase Pax8 quantity of ${line.productName} from ${line.licenses} to ${line.devices}, or bill ${line.variance} more seats.`,
      since: SNAPSHOTS[index % 6].takenAt, snapshots: SNAPSHOTS.length - (index % 6),
    }))).sort((a, b) => (b.revenueAtRisk?.amount ?? -1) - (a.revenueAtRisk?.amount ?? -1));
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
        run.result = { deviceCount: 1234, clients: this.clients.length, snapshotId: `snap-${run.id}` };
        if (run.tool === 'device-snapshot' || run.tool === 'sync-all' || run.tool === 'full-reconcile') {
          this.snapshot = { id: `snap-${run.id}`, takenAt: '2026-11-25T09:30:00.000Z' };
          this.taken.push({ ...this.snapshot, trigger: 'manual' });
          this.clients = makeClients(5); // a new snapshot has other numbers
        }
      }
    }
    return { ...run, progress: { ...run.progress } };
  }
}

function latestSnapshot() {
  const last = SNAPSHOTS[SNAPSHOTS.length - 1];
  return { id: last.id, takenAt: last.takenAt };
}

export function totalsOf(rows: FixtureClient[]) {
  return {
    devices: rows.reduce((sum, row) => sum + row.devices, 0),
    revenueAtRisk: money(rows.reduce((sum, row) => sum + cents(row.revenueAtRisk), 0)),
    overspend: money(rows.reduce((sum, row) => sum + cents(row.overspend), 0)),
    unpricedSeats: rows.reduce((sum, row) => sum + row.unpricedSeats, 0),
    underBilled: rows.some((row) => row.underBilled) ? money(rows.reduce((sum, row) => sum + cents(row.underBilled), 0)) : null,
  };
}

/** The role of a JWT-shaped token (read, never verified: it is a fixture); null for opaque tokens. */
function roleOf(token: string): string | null {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return null;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: string[] }).roles?.[0] ?? null;
  } catch {
    return null;
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
