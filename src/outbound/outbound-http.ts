// The one way the service sends an HTTP request to another system (Pax8, PanelOne; later
// webhooks). It applies the outbound policy (outbound-policy.ts) to the URL, then resolves names
// itself and connects only to an address the policy allowed (an undici Agent whose
// connect.lookup is ours), so a name cannot be re-pointed between the check and the connection.
// Redirects are never followed (a 3xx is refused), and the answer is read as a stream up to a
// byte cap, aborted beyond it: an upstream cannot fill the process's memory.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, request, type Dispatcher } from 'undici';
import { DEFAULT_MAX_BODY_BYTES, normalizeHost, refusalForAddress, refusalForUrl, STRICT_POLICY, type OutboundPolicy } from './outbound-policy.js';

export { DEFAULT_MAX_BODY_BYTES };

/** The policy refused the call; nothing was sent. Not worth a retry. */
export class OutboundRefusedError extends Error {
  readonly code = 'B1R_OUTBOUND_REFUSED';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OutboundRefusedError';
  }
}

/** The answer was larger than the cap; reading stopped there. Not worth a retry. */
export class OutboundBodyTooLargeError extends Error {
  readonly code = 'B1R_OUTBOUND_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`the answer is larger than ${formatBytes(limitBytes)}`);
    this.name = 'OutboundBodyTooLargeError';
  }
}

export interface OutboundResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

export interface OutboundRequest {
  /** PUT and PATCH for the writes actions make (a Pax8 quantity, a PSA addition). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** dns.lookup's shape with { all: true }; a test injects its own to play a DNS answer. */
export type Resolver = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);

export interface OutboundOptions {
  policy?: OutboundPolicy;
  maxBodyBytes?: number;
  resolve?: Resolver;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class OutboundHttp {
  readonly policy: OutboundPolicy;
  readonly maxBodyBytes: number;
  private readonly agent: Agent;
  private readonly resolve: Resolver;

  constructor(options: OutboundOptions = {}) {
    this.policy = options.policy ?? STRICT_POLICY;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.resolve = options.resolve ?? systemResolver;
    this.agent = new Agent({
      connect: { lookup: (hostname: string, opts: { all?: boolean }, callback: LookupCallback) => this.lookup(hostname, opts, callback), timeout: 10_000 },
      // Backstops; the callers' per-attempt timeout is the real bound.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
  }

  /** Every address the name resolves to is checked; only allowed ones are handed to connect. */
  private lookup(hostname: string, opts: { all?: boolean }, callback: LookupCallback): void {
    const host = normalizeHost(hostname);
    const viaName = this.policy.names.has(host);
    this.resolve(host, (err, addresses) => {
      if (err) return callback(err, []);
      const refusals: string[] = [];
      const allowed = addresses.filter((a) => {
        const why = refusalForAddress(a.address, this.policy, viaName);
        if (why) refusals.push(why);
        return !why;
      });
      if (!allowed.length) {
        return callback(new OutboundRefusedError(`${host} resolves to ${refusals[0] ?? 'no address'}`), []);
      }
      if (opts.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  }

  async send(url: string, init: OutboundRequest): Promise<OutboundResponse> {
    const refusal = refusalForUrl(url, this.policy);
    if (refusal) throw new OutboundRefusedError(`${describeTarget(url)} is not allowed: ${refusal}`);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher: this.agent, method: init.method, headers: init.headers, body: init.body, signal: init.signal,
      });
    } catch (err) {
      const refused = findRefusal(err);
      if (refused) throw new OutboundRefusedError(`${describeTarget(url)} is not allowed: ${refused.reason}`);
      throw err;
    }
    const headers = response.headers;
    const get = (name: string): string | null => {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    if (response.statusCode >= 300 && response.statusCode < 400) {
      response.body.destroy();
      throw new OutboundRefusedError(`${describeTarget(url)} answered with a redirect (HTTP ${response.statusCode}), which is not followed`);
    }
    const text = await this.readCapped(response.body, get('content-length'));
    return { status: response.statusCode, headers: { get }, text };
  }

  private async readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | null): Promise<string> {
    if (contentLength !== null && Number(contentLength) > this.maxBodyBytes) {
      body.destroy();
      throw new OutboundBodyTooLargeError(this.maxBodyBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        body.destroy();
        throw new OutboundBodyTooLargeError(this.maxBodyBytes);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function findRefusal(err: unknown): OutboundRefusedError | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof OutboundRefusedError) return e;
  }
  return undefined;
}

/** scheme://host[:port] only: paths and queries may carry tokens. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the URL';
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
