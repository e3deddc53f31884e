// Pending / error / empty templates so every widget shows the same states the same way.
import { html, nothing, type TemplateResult } from 'lit';
import { ApiError, SessionExpiredError } from '../api-client.js';

export function renderPending(label = 'Loading…'): TemplateResult {
  return html`<div class="state pending" part="pending" role="status" aria-live="polite">
    <span class="spinner" aria-hidden="true"></span>${label}
  </div>`;
}

/** Messages a widget wants for particular statuses, e.g. `{403: 'Admins only'}`. */
export type StatusMessages = Partial<Record<number, string>>;

export function errorMessage(error: unknown, messages: StatusMessages = {}): string {
  if (error instanceof SessionExpiredError) return error.message;
  if (error instanceof ApiError) return messages[error.status] ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The API did not answer at all (network, proxy down): not the same as "nothing yet". */
export function isOutage(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0;
}

export function renderNoToken(): TemplateResult {
  return html`<div class="state empty" part="empty" role="status"><strong>Not signed in</strong>
    <span class="muted">The page has not given this widget a PanelOne session yet. Reload the page or sign in again.</span></div>`;
}

export function renderError(error: unknown, retry: () => void, messages: StatusMessages = {}): TemplateResult {
  if (isOutage(error)) {
    return html`<div class="state error outage" part="error" role="alert">
      <strong>Can't reach BillingOne Reconcile</strong>
      <span>The service did not answer. Check your connection; the figures will load when it is back.</span>
      <button class="btn" part="button" @click=${retry}>Retry</button>
    </div>`;
  }
  const title = error instanceof SessionExpiredError ? 'Session expired' : 'Something went wrong';
  const correlationId = error instanceof ApiError ? error.correlationId : undefined;
  const known = error instanceof ApiError && messages[error.status] !== undefined;
  return html`<div class="state error" part="error" role="alert">
    <strong>${known ? errorMessage(error, messages) : title}</strong>
    ${known ? nothing : html`<span>${errorMessage(error, messages)}</span>`}
    ${correlationId ? html`<small class="muted">Reference: ${correlationId}</small>` : nothing}
    ${known ? nothing : html`<button class="btn" part="button" @click=${retry}>Retry</button>`}
  </div>`;
}

export function renderEmpty(title: string, body: unknown = nothing): TemplateResult {
  return html`<div class="state empty" part="empty"><strong>${title}</strong>${body}</div>`;
}
