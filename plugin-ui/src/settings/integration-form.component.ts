import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage } from '../shared/states.js';
import { RunTracker } from '../shared/run-tracker.js';
import { renderRunProgress } from '../shared/run-progress.js';
import { formatDateTime } from '../shared/format.js';
import type { ConnectionTest, Integration, PanelOneConfig, Pax8Config } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';

const TITLES = { pax8: 'Pax8 Partner API', panelone: 'PanelOne RMM API' };

/**
 * One integration's form (internal to `billingone-settings`). Secrets are write-only:
 * the field is never prefilled, "set" is shown, and an empty field keeps the stored secret.
 *
 * @fires b1r-integration-saved - the integration was saved; the settings page reloads.
 */
export class IntegrationFormElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  /** The integration as `GET /api/v1/integrations` returned it. */
  @property({ attribute: false }) integration!: Integration;

  @state() private saving = false;
  @state() private formError = '';
  @state() private savedMessage = '';
  @state() private testResult?: ConnectionTest | { ok: false; message: string; latencyMs?: number };
  @state() private testing = false;

  private readonly tracker = new RunTracker(this, this.api, () => this.emit('b1r-integration-saved', { kind: this.integration.kind }));

  protected override followsReconciliation = false;

  protected reload(): void {
    this.emit('b1r-integration-saved', { kind: this.integration.kind });
  }

  protected override render(): TemplateResult {
    const { kind } = this.integration;
    // The API answers Pax8's or PanelOne's settings, by kind: either may lack the other's fields.
    const config: Partial<Pax8Config & PanelOneConfig> = this.integration.config;
    const id = (field: string) => `${kind}-${field}`;
    const text = (field: string, label: string, value: string | null | undefined, type = 'url') => html`<div class="field">
      <label for=${id(field)}>${label}</label>
      <input id=${id(field)} name=${field} type=${type} .value=${value ?? ''} autocomplete="off" />
    </div>`;
    const secret = (field: string, label: string, isSet: boolean | undefined) => html`<div class="field">
      <label for=${id(field)}>${label} <span class="badge ${isSet ? 'ok' : ''}">${isSet ? 'set' : 'not set'}</span></label>
      <input id=${id(field)} name=${field} type="password" autocomplete="new-password"
        placeholder=${isSet ? 'Leave empty to keep the current value' : 'Required'} />
    </div>`;
    return html`<form class="panel integration" part="section" @submit=${this.save} aria-labelledby=${id('title')}>
      <header class="form-head">
        <h3 id=${id('title')}>${TITLES[kind] ?? kind}</h3>
        ${this.renderStatus()}
      </header>
      ${kind === 'pax8'
        ? html`${text('baseUrl', 'Base URL', config.baseUrl)} ${text('tokenUrl', 'Token URL', config.tokenUrl)}
            ${text('audience', 'Audience', config.audience, 'text')} ${text('clientId', 'Client ID', config.clientId, 'text')}
            ${secret('clientSecret', 'Client secret', config.clientSecretSet)}`
        : html`${text('baseUrl', 'Base URL', config.baseUrl)} ${secret('apiToken', 'API token', config.apiTokenSet)}`}
      <div class="field check"><input id=${id('enabled')} name="enabled" type="checkbox" .checked=${this.integration.enabled} />
        <label for=${id('enabled')}>Enabled</label></div>
      ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" part="button" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
        <button class="btn" part="button" type="button" ?disabled=${this.testing} @click=${this.test}>${this.testing ? 'Testing…' : 'Test connection'}</button>
        <button class="btn" part="button" type="button" ?disabled=${this.tracker.isActive('sync')}
          @click=${() => void this.tracker.start('sync', `/integrations/${kind}/sync`)}>Sync now</button>
        <span class="muted" role="status">${this.savedMessage}</span>
      </div>
      ${this.testResult ? html`<p class="test-result ${this.testResult.ok ? 'tone-matched' : 'tone-under'}" role="status">
        ${this.testResult.ok ? 'Connected' : 'Connection failed'}: ${this.testResult.message}${this.testResult.latencyMs !== undefined ? ` (${this.testResult.latencyMs} ms)` : ''}</p>` : nothing}
      ${renderRunProgress(`${TITLES[kind]} sync`, this.tracker.runs.get('sync'), { 403: 'You need the technician role to run syncs.' })}
    </form>`;
  }

  private renderStatus(): TemplateResult {
    const { status, lastSyncAt, lastError, configured } = this.integration;
    const label = !configured ? 'Not configured' : status === 'ok' ? 'Connected' : status === 'error' ? 'Error' : 'Never synced';
    return html`<div class="integration-status">
      <span class="badge ${status}">${label}</span>
      <span class="muted">Last sync: ${formatDateTime(lastSyncAt)}</span>
      ${lastError ? html`<span class="tone-under last-error">Last error: ${lastError}</span>` : nothing}
    </div>`;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // Kept before any await: a shadow-DOM event's target is cleared once dispatch ends.
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const body: Record<string, unknown> = { baseUrl: value('baseUrl'), enabled: form.get('enabled') === 'on' };
    if (this.integration.kind === 'pax8') {
      Object.assign(body, { tokenUrl: value('tokenUrl'), audience: value('audience'), clientId: value('clientId') });
      if (value('clientSecret')) body.clientSecret = value('clientSecret');
    } else if (value('apiToken')) {
      body.apiToken = value('apiToken');
    }
    this.saving = true;
    this.formError = '';
    this.savedMessage = '';
    try {
      await this.api.put(`/integrations/${this.integration.kind}`, body);
      formElement.querySelectorAll<HTMLInputElement>('input[type=password]').forEach((input) => (input.value = ''));
      this.savedMessage = 'Saved';
      this.emit('b1r-integration-saved', { kind: this.integration.kind });
    } catch (error) {
      this.noteError(error);
      this.formError = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }

  private async test(): Promise<void> {
    this.testing = true;
    this.testResult = undefined;
    try {
      this.testResult = await this.api.post<ConnectionTest>(`/integrations/${this.integration.kind}/test`);
    } catch (error) {
      this.noteError(error);
      this.testResult = { ok: false, message: errorMessage(error) };
    } finally {
      this.testing = false;
    }
  }
}

if (!customElements.get('b1r-integration-form')) customElements.define('b1r-integration-form', IntegrationFormElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-integration-form': IntegrationFormElement;
  }
  interface GlobalEventHandlersEventMap {
    'b1r-integration-saved': CustomEvent<{ kind: Integration['kind'] }>;
  }
}
