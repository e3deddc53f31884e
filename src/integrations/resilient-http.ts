// Every upstream call goes through here: a per-attempt timeout, retries with exponential
// backoff and jitter for 429, 5xx and network failures (honouring Retry-After), a bounded
// number of attempts and a bounded total time (cockatiel policies). What finally fails
// becomes an IntegrationError naming the integration and the call. The request itself goes
// through the outbound policy (src/outbound): allowed addresses only, no redirects, a capped
// body. Upstream text reaches a message only as a short, secret-scrubbed line.
import { Logger } from '@nestjs/common';
import {
  handleWhen, retry, TaskCancelledError, timeout, TimeoutStrategy, wrap,
  type IBackoff, type IBackoffFactory, type IRetryBackoffContext,
} from 'cockatiel';
import { scrubSecrets } from '../common/redact.js';
import { OutboundBodyTooLargeError, OutboundHttp, OutboundRefusedError, type OutboundResponse } from '../outbound/outbound-http.js';
import { IntegrationError, INTEGRATION_NAMES as INTEGRATION_NAMES_FOR_LOG, summarizeUpstream, type IntegrationKind } from './integration-error.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles per retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest wait a Retry-After header may ask for; longer asks wait this long. */
  retryAfterCapMs: number;
  /** Timeout of one attempt (connect, headers and body). */
  attemptTimeoutMs: number;
  /** Timeout of one call, all retries included. */
  totalTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  retryAfterCapMs: 60_000,
  attemptTimeoutMs: 30_000,
  totalTimeoutMs: 180_000,
};

/** A connection test should answer while the admin waits. */
export const CONNECTION_TEST_RETRY: Partial<RetryOptions> = { maxAttempts: 2, attemptTimeoutMs: 10_000, totalTimeoutMs: 20_000 };

export type HttpResult = OutboundResponse;

/** Where the clients send from, and what they must never repeat. */
export interface UpstreamContext {
  outbound?: OutboundHttp;
  /** The secrets this client sends (its credentials, its current access token). */
  secrets?: () => ReadonlyArray<string | undefined>;
}

/** With no fetcher given: the strict policy (https, public addresses only). */
const STRICT_OUTBOUND = new OutboundHttp();

/** A failure worth another attempt. */
class TransientFailure extends Error {
  constructor(readonly reason: 'rate-limited' | 'upstream-down', message: string, readonly retryAfterMs?: number, readonly status?: number) {
    super(message);
  }
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Back-off of a retry: Retry-After when the upstream gave one (capped), else exponential with equal jitter. */
export class UpstreamBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly options: RetryOptions) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const error = 'error' in context.result ? context.result.error : undefined;
    let duration: number;
    const retryAfterMs = error instanceof TransientFailure || error instanceof IntegrationError ? error.retryAfterMs : undefined;
    if (retryAfterMs !== undefined) {
      duration = Math.min(retryAfterMs, this.options.retryAfterCapMs);
    } else {
      // "Equal jitter": half the exponential step, plus a random share of the other half.
      const step = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (context.attempt - 1));
      duration = step / 2 + Math.random() * (step / 2);
    }
    return { duration, next: (c) => this.next(c) };
  }
}

/** The error field of a JSON answer; a body that is not JSON is never repeated. */
function errorMessageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body?.message ?? body?.error_description ?? body?.error;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Longest piece of an upstream's own words kept in a message. */
const UPSTREAM_WORDS_MAX = 120;

export class ResilientHttp {
  readonly options: RetryOptions;
  private readonly logger = new Logger(`${INTEGRATION_NAMES_FOR_LOG[this.integration]}Client`);
  private readonly outbound: OutboundHttp;

  constructor(private readonly integration: IntegrationKind, options: Partial<RetryOptions> = {}, private readonly context: UpstreamContext = {}) {
    this.options = { ...DEFAULT_RETRY, ...options };
    this.outbound = context.outbound ?? STRICT_OUTBOUND;
  }

  /** What an upstream said, safe to store and show: short, one line, no secret of ours in it. */
  upstreamWords(text: string | undefined): string | undefined {
    if (!text) return undefined;
    return summarizeUpstream(scrubSecrets(text, this.context.secrets?.() ?? []), UPSTREAM_WORDS_MAX);
  }

  /** 401/403/404/other 4xx as the right IntegrationError. */
  fail(call: string, result: HttpResult): never {
    failFor(this.integration, call, result, (t) => this.upstreamWords(t));
  }

  /**
   * Sends one request with retries. Answers with status, headers and body text for any status
   * below 500 except 429; the caller decides what a 401, 403 or 404 means.
   */
  async send(
    call: string, url: string, init: { method: 'GET' | 'POST' | 'PUT' | 'PATCH'; headers?: Record<string, string>; body?: string }, callerSignal?: AbortSignal,
    only?: { maxAttempts: number },
  ): Promise<HttpResult> {
    // A write is sent once (only = { maxAttempts: 1 }): its caller reads the state back before any retry.
    const o = only ? { ...this.options, ...only } : this.options;
    let attempts = 0;
    const retries = retry(handleWhen((e) => e instanceof TransientFailure || e instanceof TaskCancelledError), {
      maxAttempts: o.maxAttempts - 1,
      backoff: new UpstreamBackoff(o),
    });
    // Only the call and the reason: URLs, headers and bodies (which may carry secrets) are never logged.
    const listener = retries.onRetry((event) => {
      const reason = 'error' in event ? (event.error instanceof TaskCancelledError ? 'no answer in time' : event.error.message) : 'unexpected answer';
      this.logger.warn({ call, attempt: event.attempt, delayMs: Math.round(event.delay), reason: this.upstreamWords(reason) }, `retrying ${call}`);
    });
    const policy = wrap(timeout(o.totalTimeoutMs, TimeoutStrategy.Aggressive), retries, timeout(o.attemptTimeoutMs, TimeoutStrategy.Aggressive));
    try {
      return await policy.execute(async ({ signal }) => {
        if (signal.aborted) throw new TaskCancelledError('cancelled');
        attempts++;
        let response: HttpResult;
        try {
          // Redirects are refused by the fetcher: the Authorization header must not travel to another host.
          response = await this.outbound.send(url, { ...init, signal });
        } catch (err) {
          if (err instanceof OutboundRefusedError || err instanceof OutboundBodyTooLargeError) throw err;
          if (signal.aborted) throw new TaskCancelledError('timed out');
          throw new TransientFailure('upstream-down', `connection failed (${networkReason(err)})`);
        }
        const text = response.text;
        if (response.status === 429) {
          const upstream = this.upstreamWords(errorMessageOf(text)) ?? 'Too many requests';
          throw new TransientFailure('rate-limited', upstream, parseRetryAfter(response.headers.get('retry-after')), 429);
        }
        if (response.status >= 500) {
          const upstream = this.upstreamWords(errorMessageOf(text));
          throw new TransientFailure('upstream-down', `HTTP ${response.status}${upstream ? ` ${upstream}` : ''}`, undefined, response.status);
        }
        return response;
      }, callerSignal).finally(() => listener.dispose());
    } catch (err) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? err;
      const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
      if (err instanceof TransientFailure) {
        throw new IntegrationError({
          kind: err.reason, integration: this.integration, call, status: err.status,
          upstreamMessage: `${err.message}, ${tries}`, retryAfterMs: err.retryAfterMs,
        });
      }
      if (err instanceof OutboundRefusedError) {
        throw new IntegrationError({ kind: 'refused', integration: this.integration, call, upstreamMessage: err.reason });
      }
      if (err instanceof OutboundBodyTooLargeError) {
        throw new IntegrationError({ kind: 'too-large', integration: this.integration, call, upstreamMessage: err.message });
      }
      if (err instanceof TaskCancelledError) {
        throw new IntegrationError({ kind: 'timeout', integration: this.integration, call, upstreamMessage: `no answer ${tries}` });
      }
      throw err;
    }
  }
}

/** An error code (ECONNREFUSED, UND_ERR_SOCKET), never a free-text message that might quote the URL. */
function networkReason(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'network error';
}

/** Parses a JSON body, or fails the call as a malformed response. */
export function parseJson(integration: IntegrationKind, call: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new IntegrationError({ kind: 'malformed-response', integration, call, upstreamMessage: 'the body is not valid JSON' });
  }
}

/** 401/403/404/other 4xx as the right IntegrationError; `words` makes the upstream's message safe to repeat. */
export function failFor(integration: IntegrationKind, call: string, result: HttpResult, words: (text: string | undefined) => string | undefined): never {
  const upstream = words(errorMessageOf(result.text)) ?? `HTTP ${result.status}`;
  const kind = result.status === 401 ? 'bad-credentials'
    : result.status === 403 ? 'forbidden'
    : result.status === 404 ? 'not-found'
    : 'malformed-response';
  throw new IntegrationError({
    kind, integration, call, status: result.status,
    upstreamMessage: kind === 'malformed-response' ? `unexpected HTTP ${result.status}${upstream ? ` (${upstream})` : ''}` : upstream,
  });
}
