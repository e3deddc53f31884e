// Turns whatever stopped a run into the sentence a technician reads on the run.
import { DomainError } from '../common/errors.js';

// Upstream conditions another attempt may outlast (IntegrationError kinds).
const TRANSIENT_KINDS = new Set(['rate-limited', 'upstream-down', 'timeout', 'malformed-response']);

interface IntegrationLike {
  name?: string;
  kind?: string;
  message?: string;
  retryable?: boolean;
  transient?: boolean;
  permanent?: boolean;
  status?: number;
}

function isIntegrationError(err: unknown): err is IntegrationLike & Error {
  return err instanceof Error && /IntegrationError$/.test(err.name || err.constructor.name);
}

export function describeRunError(err: unknown, phase: string): string {
  const where = phase && phase !== 'starting' ? ` (step: ${phase})` : '';
  if (isIntegrationError(err) || err instanceof DomainError) return clip(`${err.message}${where}`);
  const message = err instanceof Error ? err.message : String(err);
  return clip(`Unexpected error${where}: ${message}`);
}

/** Whether another attempt may help: upstream outages and rate limits, not bad credentials or missing settings. */
export function isTransient(err: unknown): boolean {
  if (err instanceof DomainError) return false;
  if (isIntegrationError(err)) {
    if (typeof err.kind === 'string') return TRANSIENT_KINDS.has(err.kind);
    if (err.permanent === true || err.retryable === false || err.transient === false) return false;
    if (err.retryable === true || err.transient === true) return true;
    if (typeof err.status === 'number') return err.status === 429 || err.status >= 500;
    return !/not configured|disabled|credentials|unauthori[sz]ed|forbidden|401|403/i.test(err.message);
  }
  return true;
}

function clip(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
