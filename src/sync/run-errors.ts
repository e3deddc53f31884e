// Turns whatever stopped a run into the sentence a technician reads on the run.
import { DomainError } from '../common/errors.js';
import { IntegrationError, type IntegrationErrorKind } from '../integrations/integration-error.js';

// Upstream conditions another attempt may outlast; bad credentials or missing settings will not.
const TRANSIENT_KINDS = new Set<IntegrationErrorKind>(['rate-limited', 'upstream-down', 'timeout', 'malformed-response']);

export function describeRunError(err: unknown, phase: string): string {
  const where = phase && phase !== 'starting' ? ` (step: ${phase})` : '';
  // IntegrationError already says which system, which call, what it answered and what to do.
  if (err instanceof IntegrationError || err instanceof DomainError) return clip(`${err.message}${where}`);
  const message = err instanceof Error ? err.message : String(err);
  return clip(`Unexpected error${where}: ${message}`);
}

export function isTransient(err: unknown): boolean {
  if (err instanceof IntegrationError) return TRANSIENT_KINDS.has(err.kind);
  return !(err instanceof DomainError);
}

function clip(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
