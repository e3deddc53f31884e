import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderError, renderPending } from '../shared/states.js';
import { formatDateTime } from '../shared/format.js';
import type { AlertChannel, AlertChannelInput, AlertChannels, ChannelTestResult, Delivery, DeliveryList } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';

type Draft = { id?: string; kind: AlertChannel['kind']; name: string; enabled: boolean; url: string; recipients: string; secretSet: boolean };

const asInput = (c: AlertChannel): AlertChannelInput => c.kind === 'webhook'
  ? { id: c.id, kind: c.kind, name: c.name, enabled: c.enabled, url: c.url ?? '' }
  : { id: c.id, kind: c.kind, name: c.name, enabled: c.enabled, recipients: c.recipients };

const STATUS_LABELS: Record<Delivery['status'], string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' };

/**
 * Alert channels (webhook, email) and their delivery log (internal to `billingone-settings`).
 * The whole set is saved at once (PUT /alerts/channels); a webhook's secret is write-only.
 */
export class AlertChannelsElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  @state() private draft?: Draft;
  @state() private saving = false;
  @state() private formError = '';
  @state() private message = '';
  @state() private tests = new Map<string, ChannelTestResult | { ok: false; message: string }>();
  @state() private testing = new Set<string>();
  /** The channel whose Delete was pressed once (a second press deletes it). */
  @state() private deleting?: string;

  private readonly task = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      const [channels, deliveries] = await Promise.all([
        this.api.get<AlertChannels>('/alerts/channels', undefined, signal),
        this.api.get<DeliveryList>('/alerts/deliveries', { limit: 20 }, signal),
      ]).catch((error) => {
        this.noteError(error);
        throw error;
      });
      return { channels, deliveries };
    },
  });

  protected override followsReconciliation = true;

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section class="panel" part="section" aria-labelledby="alerts-title">
      <h3 id="alerts-title">Alerts</h3>
      <p class="muted">After each reconciliation, new, worsened and closed gaps (accepted ones aside) are sent to every enabled channel.</p>
      ${this.task.render({
        pending: () => (this.task.value ? this.renderBody(this.task.value.channels, this.task.value.deliveries) : renderPending()),
        error: (error) => renderError(error, () => this.reload()),
        complete: ({ channels, deliveries }) => this.renderBody(channels, deliveries),
      })}
    </section>`;
  }

  private renderBody(channels: AlertChannels, deliveries: DeliveryList): TemplateResult {
    return html`
      ${channels.emailAvailable ? nothing : html`<p class="muted">Email is off: the server has no SMTP_URL. Email channels are kept but send nothing.</p>`}
      ${channels.items.length ? html`<ul class="channels">${channels.items.map((c) => this.renderChannel(c, channels.items))}</ul>`
        : html`<p class="muted">No channels yet.</p>`}
      ${this.draft ? this.renderForm(this.draft, channels.items) : html`<div class="actions">
        <button class="btn" part="button" @click=${() => this.edit({ kind: 'webhook', name: '', enabled: true, url: '', recipients: '', secretSet: false })}>Add webhook</button>
        <button class="btn" part="button" @click=${() => this.edit({ kind: 'email', name: '', enabled: true, url: '', recipients: '', secretSet: false })}>Add email</button>
        <span class="muted" role="status">${this.message}</span></div>`}
      <h4>Delivery log</h4>
      ${deliveries.items.length ? html`<div class="scroll" tabindex="0" role="region" aria-label="Delivery log"><table class="deliveries">
        <thead><tr><th scope="col">When</th><th scope="col">Channel</th><th scope="col">What</th><th scope="col">Status</th><th scope="col">Last attempt</th></tr></thead>
        <tbody>${deliveries.items.map((d) => this.renderDelivery(d))}</tbody></table></div>`
        : html`<p class="muted">Nothing sent yet.</p>`}`;
  }

  private renderChannel(c: AlertChannel, all: AlertChannel[]): TemplateResult {
    const test = this.tests.get(c.id);
    return html`<li class="channel" data-channel-id=${c.id}>
      <div class="channel-head"><strong>${c.name}</strong>
        <span class="badge">${c.kind === 'webhook' ? 'Webhook' : 'Email'}</span>
        <span class="badge ${c.enabled ? 'ok' : ''}">${c.enabled ? 'Enabled' : 'Disabled'}</span></div>
      <div class="channel-target mono">${c.kind === 'webhook' ? c.url : c.recipients.join(', ')}</div>
      <div class="actions">
        <button class="btn" part="button" @click=${() => this.edit({ id: c.id, kind: c.kind, name: c.name, enabled: c.enabled, url: c.url ?? '', recipients: c.recipients.join(', '), secretSet: c.secretSet })}>Edit</button>
        <button class="btn" part="button" ?disabled=${this.saving} @click=${() => this.store(all.map((o) => (o.id === c.id ? { ...asInput(o), enabled: !o.enabled } : asInput(o))), c.enabled ? `Disabled ${c.name}.` : `Enabled ${c.name}.`)}>${c.enabled ? 'Disable' : 'Enable'}</button>
        ${this.deleting === c.id
          ? html`<button class="btn danger" part="button" ?disabled=${this.saving} @click=${() => this.store(all.filter((o) => o.id !== c.id).map(asInput), `Deleted ${c.name}.`)}>Delete for good</button>
              <button class="btn" part="button" @click=${() => { this.deleting = undefined; }}>Keep</button>`
          : html`<button class="btn" part="button" ?disabled=${this.saving} @click=${() => { this.deleting = c.id; }}
              title="Its delivery log goes with it">Delete</button>`}
        <button class="btn" part="button" ?disabled=${this.testing.has(c.id)} @click=${() => this.test(c)}>${this.testing.has(c.id) ? 'Sending…' : 'Send a test'}</button>
      </div>
      ${test ? html`<p class="test-result ${test.ok ? 'tone-matched' : 'tone-under'}" role="status">${test.ok ? 'Test sent' : 'Test failed'}: ${test.message}${'latencyMs' in test ? ` (${test.latencyMs} ms)` : ''}</p>` : nothing}
    </li>`;
  }

  private renderForm(d: Draft, all: AlertChannel[]): TemplateResult {
    const webhook = d.kind === 'webhook';
    return html`<form class="channel-form" @submit=${(e: SubmitEvent) => this.save(e, d, all)} aria-label=${d.id ? `Edit ${d.name}` : `New ${webhook ? 'webhook' : 'email'} channel`}>
      <div class="row">
        <div class="field"><label for="ch-name">Name</label><input id="ch-name" name="name" required maxlength="100" .value=${d.name} /></div>
        ${webhook
          ? html`<div class="field"><label for="ch-url">URL (https)</label><input id="ch-url" name="url" type="url" required .value=${d.url} placeholder="https://hooks.example.com/b1r" /></div>`
          : html`<div class="field"><label for="ch-recipients">Recipients (comma-separated)</label><input id="ch-recipients" name="recipients" required .value=${d.recipients} placeholder="billing@msp.example" /></div>`}
      </div>
      ${webhook ? html`<div class="field"><label for="ch-secret">Signing secret <span class="badge ${d.secretSet ? 'ok' : ''}">${d.secretSet ? 'set' : 'not set'}</span></label>
        <input id="ch-secret" name="secret" type="password" autocomplete="new-password" minlength="16"
          placeholder=${d.secretSet ? 'Leave empty to keep it (needed again if the host changes)' : 'At least 16 characters'} /></div>` : nothing}
      <div class="field check"><input id="ch-enabled" name="enabled" type="checkbox" .checked=${d.enabled} /><label for="ch-enabled">Enabled</label></div>
      ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" part="button" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save channel'}</button>
        <button class="btn" part="button" type="button" @click=${() => { this.draft = undefined; this.formError = ''; }}>Cancel</button>
      </div>
    </form>`;
  }

  private renderDelivery(d: Delivery): TemplateResult {
    const last = d.log.at(-1);
    const what = d.event === 'test' ? 'Test' : d.summary ? `${d.summary.new} new, ${d.summary.worsened} worsened, ${d.summary.closed} closed` : d.event;
    return html`<tr data-delivery-id=${d.id}>
      <td data-label="When">${formatDateTime(d.createdAt)}</td>
      <td data-label="Channel">${d.channelName}</td>
      <td data-label="What">${what}</td>
      <td data-label="Status"><span class="badge ${d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'error' : 'suggested'}">${STATUS_LABELS[d.status]}</span>
        <span class="muted">${d.attempts} attempt${d.attempts === 1 ? '' : 's'}</span></td>
      <td data-label="Last attempt">${last ? html`${last.error ?? (d.kind === 'webhook' ? `HTTP ${last.statusCode}` : 'Accepted')}
        <span class="muted">${formatDateTime(last.at)}</span>` : html`<span class="muted">—</span>`}
        ${d.nextAttemptAt ? html`<span class="muted">Next try ${formatDateTime(d.nextAttemptAt)}</span>` : nothing}</td>
    </tr>`;
  }

  private edit(draft: Draft): void {
    this.draft = draft;
    this.formError = '';
    this.message = '';
  }

  private async save(event: SubmitEvent, d: Draft, all: AlertChannel[]): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const secret = String(form.get('secret') ?? '');
    const edited: AlertChannelInput = d.kind === 'webhook'
      ? { ...(d.id ? { id: d.id } : {}), kind: 'webhook', name: String(form.get('name')), enabled: form.get('enabled') === 'on', url: String(form.get('url')).trim(), ...(secret ? { secret } : {}) }
      : { ...(d.id ? { id: d.id } : {}), kind: 'email', name: String(form.get('name')), enabled: form.get('enabled') === 'on',
          recipients: String(form.get('recipients')).split(/[,;\s]+/).map((r) => r.trim()).filter(Boolean) };
    const channels = d.id ? all.map((c) => (c.id === d.id ? edited : asInput(c))) : [...all.map(asInput), edited];
    if (await this.store(channels, `Saved ${edited.name}.`)) this.draft = undefined;
  }

  private async store(channels: AlertChannelInput[], done: string): Promise<boolean> {
    this.saving = true;
    this.formError = '';
    this.message = '';
    try {
      await this.api.put('/alerts/channels', { channels });
      this.message = done;
      this.deleting = undefined;
      this.reload();
      return true;
    } catch (error) {
      this.noteError(error);
      if (this.draft) this.formError = errorMessage(error);
      else this.message = errorMessage(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  private async test(c: AlertChannel): Promise<void> {
    this.testing = new Set([...this.testing, c.id]);
    try {
      const result = await this.api.post<ChannelTestResult>(`/alerts/channels/${c.id}/test`);
      this.tests = new Map(this.tests).set(c.id, result);
      this.reload();
    } catch (error) {
      this.noteError(error);
      this.tests = new Map(this.tests).set(c.id, { ok: false, message: errorMessage(error) });
    } finally {
      const testing = new Set(this.testing);
      testing.delete(c.id);
      this.testing = testing;
    }
  }
}

if (!customElements.get('b1r-alert-channels')) customElements.define('b1r-alert-channels', AlertChannelsElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-alert-channels': AlertChannelsElement;
  }
}
