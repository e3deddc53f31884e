// The one error a sync or a connection test ends with when an upstream call finally fails.
// Its message is written for an MSP billing lead: which system, what went wrong, during which
// call, and what to do. It never contains a secret: the upstream's words are scrubbed by the
// client (its own secrets by value) and again here by pattern.
import { redactText } from '../common/redact.js';

export type IntegrationKind = 'pax8' | 'panelone';
export type IntegrationErrorKind =
  | 'bad-credentials' | 'forbidden' | 'not-found' | 'rate-limited' | 'upstream-down'
  | 'malformed-response' | 'timeout' | 'not-configured' | 'refused' | 'too-large';

export const INTEGRATION_NAMES: Record<IntegrationKind, string> = { pax8: 'Pax8', panelone: 'PanelOne' };

const WHAT: Record<IntegrationErrorKind, string> = {
  'bad-credentials': 'rejected the credentials',
  forbidden: 'refused access',
  'not-found': 'answered "not found"',
  'rate-limited': 'kept rate-limiting requests',
  'upstream-down': 'is unavailable',
  'malformed-response': 'sent a response in an unexpected format',
  timeout: 'did not answer in time',
  'not-configured': 'is not ready',
  refused: 'was not called',
  'too-large': 'sent an answer too large to read',
};

const ADVICE: Record<IntegrationErrorKind, (name: string) => string> = {
  'bad-credentials': (name) => `Check the ${name} credentials on the integrations settings page.`,
  forbidden: (name) => `Check that the ${name} credentials have access to this data.`,
  'not-found': (name) => `Check the ${name} base URL on the integrations settings page.`,
  'rate-limited': () => 'Try again in a few minutes.',
  'upstream-down': () => 'Try again later.',
  'malformed-response': (name) => `Check the ${name} base URL; if it is right, try again later.`,
  timeout: () => 'Try again later.',
  'not-configured': (name) => `Set up and enable ${name} on the integrations settings page.`,
  refused: (name) => `Use the ${name} https address; a private or internal address must be named in OUTBOUND_ALLOWLIST by the operator.`,
  'too-large': (name) => `Check the ${name} base URL; if it is right, the operator can raise OUTBOUND_MAX_BODY_BYTES.`,
};

export interface IntegrationErrorDetails {
  kind: IntegrationErrorKind;
  integration: IntegrationKind;
  /** The call that failed, e.g. `GET /subscriptions page 3`. */
  call: string;
  /** What the upstream said (its error message), or what we observed (e.g. `HTTP 503 after 6 attempts`). */
  upstreamMessage?: string;
  status?: number;
  /** A 429's Retry-After, for a caller that retries itself (a write). */
  retryAfterMs?: number;
}

export class IntegrationError extends Error {
  readonly kind: IntegrationErrorKind;
  readonly integration: IntegrationKind;
  readonly call: string;
  readonly upstreamMessage?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(details: IntegrationErrorDetails) {
    const name = INTEGRATION_NAMES[details.integration];
    const upstreamMessage = details.upstreamMessage === undefined ? undefined : redactText(details.upstreamMessage);
    const said = upstreamMessage ? `: ${upstreamMessage}` : '';
    const where = details.kind === 'not-configured' ? '' : ` (${details.call})`;
    super(`${name} ${WHAT[details.kind]}${where}${said}. ${ADVICE[details.kind](name)}`);
    this.name = 'IntegrationError';
    this.kind = details.kind;
    this.integration = details.integration;
    this.call = details.call;
    this.upstreamMessage = upstreamMessage;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** A short, single-line upstream message; never the whole body. */
export function summarizeUpstream(text: string | undefined, max = 200): string | undefined {
  if (!text) return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
