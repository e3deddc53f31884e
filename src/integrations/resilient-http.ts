// Every upstream call goes through here: a per-attempt timeout, retries with exponential
// backoff and jitter for 429, 5xx and network failures (honouring Retry-After), a bounded
// number of attempts and a bounded total time (cockatiel policies). What finally fails
// becomes an IntegrationError naming the integration and the call.
import { Logger } from '@nestjs/common';
import {
  handleWhen, retry, TaskCancelledError, timeout, TimeoutStrategy, wrap,
  type IBackoff, type IBackoffFactory, type IRetryBackoffContext,
} from 'cockatiel';
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

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

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

class UpstreamBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly options: RetryOptions) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const error = 'error' in context.result ? context.result.error : undefined;
    let duration: number;
    if (error instanceof TransientFailure && error.retryAfterMs !== undefined) {
      duration = Math.min(error.retryAfterMs, this.options.retryAfterCapMs);
    } else {
      // "Equal jitter": half the exponential step, plus a random share of the other half.
      const step = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (context.attempt - 1));
      duration = step / 2 + Math.random() * (step / 2);
    }
    return { duration, next: (c) => this.next(c) };
  }
}

function errorMessageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.message ?? body.error_description ?? body.error;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

export class ResilientHttp {
  readonly options: RetryOptions;
  private readonly logger = new Logger(`${INTEGRATION_NAMES_FOR_LOG[this.integration]}Client`);

  constructor(private readonly integration: IntegrationKind, options: Partial<RetryOptions> = {}) {
    this.options = { ...DEFAULT_RETRY, ...options };
  }

  /**
   * Sends one request with retries. Answers with status, headers and body text for any status
   * below 500 except 429; the caller decides what a 401, 403 or 404 means.
   */
  async send(call: string, url: string, init: RequestInit, callerSignal?: AbortSignal): Promise<HttpResult> {
    const o = this.options;
    let attempts = 0;
    const retries = retry(handleWhen((e) => e instanceof TransientFailure || e instanceof TaskCancelledError), {
      maxAttempts: o.maxAttempts - 1,
      backoff: new UpstreamBackoff(o),
    });
    // Only the call and the reason: URLs, headers and bodies (which may carry secrets) are never logged.
    const listener = retries.onRetry((event) => {
      const reason = 'error' in event ? (event.error instanceof TaskCancelledError ? 'no answer in time' : event.error.message) : 'unexpected answer';
      this.logger.warn({ call, attempt: event.attempt, delayMs: Math.round(event.delay), reason: summarizeUpstream(reason) }, `retrying ${call}`);
    });
    const policy = wrap(timeout(o.totalTimeoutMs, TimeoutStrategy.Aggressive), retries, timeout(o.attemptTimeoutMs, TimeoutStrategy.Aggressive));
    try {
      return await policy.execute(async ({ signal }) => {
        if (signal.aborted) throw new TaskCancelledError('cancelled');
        attempts++;
        let response: Response;
        let text: string;
        try {
          // Redirects are not followed: the Authorization header must not travel to another host.
          response = await fetch(url, { ...init, signal, redirect: 'manual' });
          text = await response.text();
        } catch (err) {
          if (signal.aborted) throw new TaskCancelledError('timed out');
          throw new TransientFailure('upstream-down', `connection failed (${networkReason(err)})`);
        }
        if (response.status === 429) {
          const upstream = (errorMessageOf(text)) ?? 'Too many requests';
          throw new TransientFailure('rate-limited', upstream, parseRetryAfter(response.headers.get('retry-after')), 429);
        }
        if (response.status >= 500) {
          const upstream = (errorMessageOf(text)) ?? (summarizeUpstream(text) || response.statusText);
          throw new TransientFailure('upstream-down', `HTTP ${response.status} ${upstream}`, undefined, response.status);
        }
        return { status: response.status, headers: response.headers, text };
      }, callerSignal).finally(() => listener.dispose());
    } catch (err) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? err;
      const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
      if (err instanceof TransientFailure) {
        throw new IntegrationError({
          kind: err.reason, integration: this.integration, call, status: err.status,
          upstreamMessage: summarizeUpstream(`${err.message}, ${tries}`),
        });
      }
      if (err instanceof TaskCancelledError) {
        throw new IntegrationError({ kind: 'timeout', integration: this.integration, call, upstreamMessage: `no answer ${tries}` });
      }
      throw err;
    }
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? 'network error';
}

/** Parses a JSON body, or fails the call as a malformed response. */
export function parseJson(integration: IntegrationKind, call: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new IntegrationError({ kind: 'malformed-response', integration, call, upstreamMessage: 'the body is not valid JSON' });
  }
}

/** 401/403/404/other 4xx as the right IntegrationError. */
export function failFor(integration: IntegrationKind, call: string, result: HttpResult): never {
  const upstream = summarizeUpstream((errorMessageOf(result.text)) ?? `HTTP ${result.status}`);
  const kind = result.status === 401 ? 'bad-credentials'
    : result.status === 403 ? 'forbidden'
    : result.status === 404 ? 'not-found'
    : 'malformed-response';
  throw new IntegrationError({
    kind, integration, call, status: result.status,
    upstreamMessage: kind === 'malformed-response' ? `unexpected HTTP ${result.status}${upstream ? ` (${upstream})` : ''}` : upstream,
  });
}
