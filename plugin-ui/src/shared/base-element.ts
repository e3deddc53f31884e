// Common ground of every widget: the host-provided attributes, the API client that reads
// them at each request, typed event dispatch, and a retry when the host renews the token.
import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ApiClient, SessionExpiredError } from '../api-client.js';
import { RECONCILIATION_CHANGED } from './events.js';
import { mayAct, type Role } from './roles.js';

export abstract class B1rElement extends LitElement {
  /** Base URL of the plugin (e.g. `https://reconcile.example.com`); API paths are appended. */
  @property({ attribute: 'api-base' }) apiBase = '';

  /** PanelOne context token (JWT) sent as the bearer; the host replaces it before expiry. */
  @property({ attribute: 'context-token' }) contextToken = '';

  protected readonly api = new ApiClient(() => ({ apiBase: this.apiBase, contextToken: this.contextToken }));

  /** Set by a widget when a load failed with 401, so a fresh token retries it. */
  protected sessionExpired = false;

  /** Reloads everything the widget shows. */
  protected abstract reload(): void;

  /** Widgets showing reconciled data reload when any widget on the page finishes a run. */
  protected followsReconciliation = true;

  private readonly onReconciliationChanged = () => {
    if (this.followsReconciliation) this.reload();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener(RECONCILIATION_CHANGED, this.onReconciliationChanged);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener(RECONCILIATION_CHANGED, this.onReconciliationChanged);
  }

  /** Whether the current token's roles allow `role`'s actions (display only; the API decides). */
  protected may(role: Role): boolean {
    return mayAct(this.contextToken, role);
  }

  /** No token from the host yet: say so instead of spinning. */
  protected get waitingForToken(): boolean {
    return Boolean(this.apiBase) && !this.contextToken;
  }

  /** The API base once the host has also given a token; tasks wait for it instead of sending a tokenless request. */
  protected get readyBase(): string {
    return this.apiBase && this.contextToken ? this.apiBase : '';
  }

  protected noteError(error: unknown): void {
    if (!(error instanceof SessionExpiredError)) return;
    // The host may have renewed the token while the rejected request was in flight.
    if (error.rejectedToken !== this.contextToken) queueMicrotask(() => this.reload());
    else this.sessionExpired = true;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('contextToken') && changed.get('contextToken') !== undefined && this.sessionExpired) {
      this.sessionExpired = false;
      this.reload();
    }
  }

  protected emit<K extends keyof GlobalEventHandlersEventMap>(
    type: K,
    detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
