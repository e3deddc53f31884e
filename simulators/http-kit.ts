// What both simulators share: a node:http server, JSON helpers, call statistics, and the
// seeded fault engine with its HTTP control endpoints (/_sim/faults, /_sim/reset, /_sim/stats)
// so a simulator running as a child process can be steered.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dataset, Device, Subscription } from './dataset.js';
import { mulberry32, type Rng } from './random.js';
import { WriteFaultEngine, type WriteDecision, type WriteFaults } from './write-faults.js';

export interface Faults {
  /** Seed of the fault RNG; the same seed and call sequence give the same faults. Default 1. */
  seed?: number;
  /** Probability of a 429; `retryAfterRatio` of them carry `Retry-After: retryAfterSeconds`. */
  rate429?: number;
  retryAfterRatio?: number;
  retryAfterSeconds?: number;
  /** Probability of a 500/502/503/504. */
  rate5xx?: number;
  /** Probability that a call is delayed by slowMs before it is answered (normally). */
  slowRate?: number;
  slowMs?: number;
  /** Probability that the socket is destroyed without an answer. */
  dropRate?: number;
  /** Probability of a 200 whose body is not JSON (truncated). */
  malformedRate?: number;
  /** Every data call answers 503. */
  down?: boolean;
  /** Pax8: an access token stops working (401) after this many data calls made with it. */
  tokenExpiresAfterCalls?: number;
  /** Records move between pages: as if one record were inserted at the front after each page. */
  shiftBetweenPages?: boolean;
  /** Regular expressions over the path (with query); a matching data call always answers 500. */
  failPaths?: string[];
  /** Pax8: apply the random faults and `down` to POST /oauth/token too. */
  includeTokenEndpoint?: boolean;
  /**
   * Pax8: faults on PUT /subscriptions/{id} (write-faults.ts), decided after the faults above,
   * which apply to every data call, writes included.
   */
  writes?: WriteFaults;
}

export type FaultKind = 'down' | 'failPath' | 'drop' | 'rate429' | 'rate5xx' | 'malformed' | 'slow' | 'tokenExpired' | 'shift'
  | 'dropAfterApply' | 'rate5xxAfterApply' | 'bump';
export interface Decision { kind: 'none' | 'down' | 'failPath' | 'drop' | 'rate429' | 'rate5xx' | 'malformed'; status?: number; retryAfter?: number; delayMs: number }

export interface SimStats {
  totalCalls: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<FaultKind, number>;
  faultsInjected: number;
  memory: { rss: number; heapUsed: number };
}

const FIVE_XX = [500, 502, 503, 504];

export class FaultEngine {
  private faults: Faults = {};
  private rng: Rng = mulberry32(1);
  private failPatterns: RegExp[] = [];
  readonly writes = new WriteFaultEngine();

  get current(): Readonly<Faults> { return this.faults; }

  set(faults: Faults): void {
    for (const key of ['rate429', 'retryAfterRatio', 'rate5xx', 'slowRate', 'dropRate', 'malformedRate'] as const) {
      const v = faults[key];
      if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`${key} must be a probability`);
    }
    this.failPatterns = (faults.failPaths ?? []).map((p) => new RegExp(p));
    this.writes.set(faults.writes, faults.seed);
    this.faults = { ...faults };
    this.rng = mulberry32(faults.seed ?? 1);
  }

  reset(): void { this.set({}); }

  /** Decides the fate of one data call. Always draws three numbers, so decisions stay aligned. */
  decide(pathWithQuery: string): Decision {
    const f = this.faults;
    const u = this.rng();
    const slowDraw = this.rng();
    const detailDraw = this.rng();
    const delayMs = f.slowRate && slowDraw < f.slowRate ? (f.slowMs ?? 1000) : 0;
    if (f.down) return { kind: 'down', status: 503, delayMs: 0 };
    if (this.failPatterns.some((re) => re.test(pathWithQuery))) return { kind: 'failPath', status: 500, delayMs: 0 };
    let edge = f.dropRate ?? 0;
    if (u < edge) return { kind: 'drop', delayMs };
    if (u < (edge += f.rate429 ?? 0)) {
      const withHeader = detailDraw < (f.retryAfterRatio ?? 0);
      return { kind: 'rate429', status: 429, retryAfter: withHeader ? (f.retryAfterSeconds ?? 1) : undefined, delayMs };
    }
    if (u < (edge += f.rate5xx ?? 0)) return { kind: 'rate5xx', status: FIVE_XX[Math.floor(detailDraw * FIVE_XX.length)], delayMs };
    if (u < (edge += f.malformedRate ?? 0)) return { kind: 'malformed', status: 200, delayMs };
    return { kind: 'none', delayMs };
  }
}

export class StatsRecorder {
  private data = StatsRecorder.empty();

  private static empty(): Omit<SimStats, 'memory'> {
    return {
      totalCalls: 0, byRoute: {}, byStatus: {}, faultsInjected: 0,
      faults: {
        down: 0, failPath: 0, drop: 0, rate429: 0, rate5xx: 0, malformed: 0, slow: 0, tokenExpired: 0, shift: 0,
        dropAfterApply: 0, rate5xxAfterApply: 0, bump: 0,
      },
    };
  }

  call(route: string): void {
    this.data.totalCalls++;
    this.data.byRoute[route] = (this.data.byRoute[route] ?? 0) + 1;
  }

  status(code: number): void { this.data.byStatus[code] = (this.data.byStatus[code] ?? 0) + 1; }

  fault(kind: FaultKind): void {
    this.data.faults[kind]++;
    this.data.faultsInjected++;
  }

  snapshot(): SimStats {
    const m = process.memoryUsage();
    return structuredClone({ ...this.data, memory: { rss: m.rss, heapUsed: m.heapUsed } });
  }

  reset(): void { this.data = StatsRecorder.empty(); }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

export function sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ControlHooks {
  engine: FaultEngine;
  stats: StatsRecorder;
  dataset: Dataset;
  /** The simulator's own /_sim/ endpoints; answers true when it served the call. */
  control?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
  /** Pax8: PATCH /_sim/subscriptions/{id} changed a quantity (someone else did, out of band). */
  onQuantityChange?: (subscription: Subscription, before: number) => void;
}

/** Serves /_sim/*; returns false when the request is not a control call. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, hooks: ControlHooks): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.startsWith('/_sim/')) return false;
  if (req.method === 'GET' && path === '/_sim/stats') {
    // ?gc=1 collects garbage first (when node runs with --expose-gc) so memory figures mean live data.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (url.searchParams.get('gc') === '1' && gc) gc();
    sendJson(res, 200, hooks.stats.snapshot());
  } else if (req.method === 'GET' && path === '/_sim/faults') {
    sendJson(res, 200, hooks.engine.current);
  } else if (req.method === 'POST' && path === '/_sim/faults') {
    try {
      const raw = await readBody(req);
      const faults = raw.trim() === '' ? {} : (JSON.parse(raw) as Faults);
      hooks.engine.set(faults);
      sendJson(res, 200, hooks.engine.current);
    } catch (err) {
      sendJson(res, 400, { error: 'bad faults', message: (err as Error).message });
    }
  } else if (req.method === 'POST' && path === '/_sim/reset') {
    hooks.engine.reset();
    hooks.stats.reset();
    sendJson(res, 200, { ok: true });
  } else if (req.method === 'POST' && path === '/_sim/reset-stats') {
    hooks.stats.reset();
    sendJson(res, 200, { ok: true });
  } else if (!(await hooks.control?.(req, res, path))) {
    await handleDatasetControl(req, res, path, hooks);
  }
  return true;
}

/**
 * Mutations of the shared world for a simulator running in a child process (in-process
 * tests mutate `dataset` directly): GET /_sim/truth, POST /_sim/devices,
 * PATCH|DELETE /_sim/devices/{id}, PATCH /_sim/subscriptions/{id} ({ quantity?, status? }).
 */
async function handleDatasetControl(req: IncomingMessage, res: ServerResponse, path: string, { dataset, onQuantityChange }: ControlHooks): Promise<void> {
  const deviceMatch = /^\/_sim\/devices(?:\/([^/]+))?$/.exec(path);
  const subscriptionMatch = /^\/_sim\/subscriptions\/([^/]+)$/.exec(path);
  try {
    const body = req.method === 'POST' || req.method === 'PATCH' ? JSON.parse((await readBody(req)) || '{}') as Record<string, unknown> : {};
    if (req.method === 'GET' && path === '/_sim/truth') {
      return sendJson(res, 200, { seed: dataset.seed, profile: dataset.profile, now: new Date(dataset.now).toISOString(), clients: dataset.clients });
    }
    if (deviceMatch && !deviceMatch[1] && req.method === 'POST') {
      if (typeof body.organizationId !== 'string') return sendJson(res, 400, { error: 'organizationId is required' });
      return sendJson(res, 201, dataset.devices.add(body as Partial<Device> & { organizationId: string }));
    }
    if (deviceMatch?.[1] && req.method === 'PATCH') return sendJson(res, 200, dataset.devices.update(decodeURIComponent(deviceMatch[1]), body));
    if (deviceMatch?.[1] && req.method === 'DELETE') {
      dataset.devices.remove(decodeURIComponent(deviceMatch[1]));
      return sendJson(res, 200, { ok: true });
    }
    if (subscriptionMatch && req.method === 'PATCH') {
      const subscription = dataset.subscriptions.find((s) => s.id === decodeURIComponent(subscriptionMatch[1]));
      if (!subscription) return sendJson(res, 404, { error: 'no such subscription' });
      if (body.quantity !== undefined) {
        if (typeof body.quantity !== 'number' || body.quantity < 0) return sendJson(res, 400, { error: 'quantity must be a non-negative number' });
        const before = subscription.quantity;
        subscription.quantity = body.quantity;
        onQuantityChange?.(subscription, before);
      }
      if (body.status !== undefined) subscription.status = String(body.status);
      return sendJson(res, 200, subscription);
    }
    sendJson(res, 404, { error: 'not found' });
  } catch (err) {
    sendJson(res, 400, { error: (err as Error).message });
  }
}

/**
 * Applies a fault decision. Returns true when the call was answered (or dropped) by the fault.
 * `errorBody` renders the simulated system's own error shape.
 */
export async function applyFault(
  decision: Decision,
  res: ServerResponse,
  stats: StatsRecorder,
  errorBody: (status: number, message: string) => unknown,
  malformedBody: string,
): Promise<boolean> {
  if (decision.delayMs > 0) {
    stats.fault('slow');
    await delay(decision.delayMs);
  }
  switch (decision.kind) {
    case 'none':
      return false;
    case 'drop':
      stats.fault('drop');
      res.socket?.destroy();
      return true;
    case 'rate429': {
      stats.fault('rate429');
      stats.status(429);
      const headers: Record<string, string> = decision.retryAfter !== undefined ? { 'retry-after': String(decision.retryAfter) } : {};
      sendJson(res, 429, errorBody(429, 'Too many requests'), headers);
      return true;
    }
    case 'malformed':
      stats.fault('malformed');
      stats.status(200);
      sendRaw(res, 200, malformedBody);
      return true;
    default: {
      stats.fault(decision.kind);
      const status = decision.status ?? 500;
      stats.status(status);
      const message = decision.kind === 'down' ? 'Service unavailable' : decision.kind === 'failPath' ? 'Internal server error (failPaths)' : 'Upstream error';
      sendJson(res, status, errorBody(status, message));
      return true;
    }
  }
}

export interface RunningServer { server: Server; port: number; host: string; close(): Promise<void> }

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, port: number, host: string): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String((err as Error)?.message ?? err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  return {
    server, port: address.port, host,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** Non-negative integer query parameter; undefined when absent, NaN when malformed. */
export function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
}

/**
 * The answer to a write that was applied: lost as the fault says (the connection dropped, or a
 * 5xx although the change took), else the 200 with `body`. Returns the write log's outcome.
 */
export function answerApplied(res: ServerResponse, fault: WriteDecision, stats: StatsRecorder, errorBody: (status: number, message: string) => unknown,
  body: string, headers: Record<string, string> = {}): { outcome: 'applied' | 'dropped-after-apply' | 'failed-after-apply'; status: number | null; fault?: string } {
  if (fault.kind === 'dropAfterApply') {
    stats.fault('dropAfterApply');
    res.socket?.destroy();
    return { outcome: 'dropped-after-apply', status: null, fault: fault.kind };
  }
  if (fault.kind === 'rate5xxAfterApply') {
    stats.fault('rate5xxAfterApply');
    stats.status(fault.status!);
    sendJson(res, fault.status!, errorBody(fault.status!, 'Upstream error'));
    return { outcome: 'failed-after-apply', status: fault.status!, fault: fault.kind };
  }
  stats.status(200);
  sendRaw(res, 200, body, headers);
  return { outcome: 'applied', status: 200 };
}

/**
 * The answer to a write that a fault stops before it is applied: the connection dropped, or a 429
 * (with Retry-After when scripted) or 5xx; null when no such fault was drawn. Returns the write
 * log's outcome.
 */
export function answerBeforeApply(res: ServerResponse, fault: WriteDecision, stats: StatsRecorder, errorBody: (status: number, message: string) => unknown):
  { outcome: 'failed-before-apply'; status: number | null; fault: string } | null {
  if (fault.kind === 'dropBeforeApply') {
    stats.fault('drop');
    res.socket?.destroy();
    return { outcome: 'failed-before-apply', status: null, fault: fault.kind };
  }
  if (fault.kind === 'rate429' || fault.kind === 'rate429RetryAfter' || fault.kind === 'rate5xx') {
    const status = fault.status!;
    stats.fault(fault.kind === 'rate5xx' ? 'rate5xx' : 'rate429');
    stats.status(status);
    sendJson(res, status, errorBody(status, status === 429 ? 'Too many requests' : 'Upstream error'), fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {});
    return { outcome: 'failed-before-apply', status, fault: fault.kind };
  }
  return null;
}
