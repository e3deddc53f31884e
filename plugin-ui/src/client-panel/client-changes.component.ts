import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { ApiError } from '../api-client.js';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage } from '../shared/states.js';
import { formatDay, humanize } from '../shared/format.js';
import type { DeviceChange, DeviceVerdict, SnapshotChanges } from '../shared/types.js';
import { clientPanelStyles } from './client-panel.styles.js';

/** Rows fetched at once; more are a "Show more" away. */
const PAGE = 100;

const verdict = (v: DeviceVerdict | null) => (v === null ? '—' : v.counted ? 'Counted' : `Not counted: ${humanize(v.reason ?? 'other')}`);
const changeLabels: Record<DeviceChange['change'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };

/**
 * "Since <previous snapshot>: +5 devices, −2 (3 changed)" for one client, with the device rows
 * a click away (internal to `billingone-client-panel`).
 */
export class ClientChangesElement extends B1rElement {
  static override styles = [baseStyles, clientPanelStyles];

  /** PanelOne organization id. */
  @property({ attribute: 'client-id' }) clientId = '';

  /** The snapshot shown; compared with the one before it. */
  @property({ attribute: 'snapshot-id' }) snapshotId = '';

  @state() private open = false;
  @state() private rows = PAGE;
  @state() private reloads = 0;

  private readonly changesTask = new Task(this, {
    args: () => [this.readyBase, this.snapshotId, this.clientId, this.rows, this.reloads] as const,
    task: async ([apiBase, snapshotId, clientId, rows], { signal }) => {
      if (!apiBase || !snapshotId || !clientId) return initialState;
      return this.api.get<SnapshotChanges>(`/snapshots/${encodeURIComponent(snapshotId)}/changes`, { clientId, limit: rows }, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return this.changesTask.render({
      initial: () => html``,
      pending: () => (this.changesTask.value ? this.renderChanges(this.changesTask.value) : html`<p class="since muted">Comparing with the previous snapshot…</p>`),
      error: (error) => error instanceof ApiError && error.status === 410
        // Not a failure: retention deleted a snapshot's device rows (its counts and reconciliation stay).
        ? html`<p class="since muted" part="since">${error.message.replace(/\.?$/, '.')}</p>`
        : html`<p class="since muted">What changed since the previous snapshot could not be loaded: ${errorMessage(error)}</p>`,
      complete: (changes) => this.renderChanges(changes),
    }) as TemplateResult;
  }

  private renderChanges(changes: SnapshotChanges): TemplateResult {
    if (!changes.against) return html``;
    const client = changes.clients[0];
    const since = html`Since ${formatDay(changes.against.takenAt)}`;
    if (!client || client.added + client.removed + client.changed === 0) {
      return html`<p class="since" part="since">${since}: no device changes.</p>`;
    }
    const parts = [`+${client.added} device${client.added === 1 ? '' : 's'}`, `\u2212${client.removed}`];
    return html`<div class="since-box">
      <p class="since" part="since">${since}: <strong>${parts.join(', ')}</strong>${client.changed ? ` (${client.changed} changed)` : ''}
        <span class="muted">· billable ${client.billableBefore} → ${client.billableAfter}</span>
        <button class="btn link" part="button" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="changed-devices"
          @click=${() => { this.open = !this.open; }}>${this.open ? 'Hide devices' : 'Show devices'}</button></p>
      ${this.open ? this.renderRows(changes) : nothing}
    </div>`;
  }

  private renderRows(changes: SnapshotChanges): TemplateResult {
    return html`<div id="changed-devices" class="scroll" tabindex="0" role="region" aria-label="Devices changed since the previous snapshot">
      <table class="changes">
        <thead><tr><th scope="col">Device</th><th scope="col">Change</th><th scope="col">Before</th><th scope="col">Now</th></tr></thead>
        <tbody>${changes.items.map((row) => html`<tr>
          <td data-label="Device"><strong>${row.hostname ?? row.deviceId}</strong>
            <span class="muted">${humanize(row.deviceClass)}${row.serialNumber ? ` · ${row.serialNumber}` : ''}</span></td>
          <td data-label="Change"><span class="change ${row.change}">${changeLabels[row.change]}</span></td>
          <td data-label="Before">${verdict(row.before)}</td>
          <td data-label="Now">${verdict(row.after)}</td></tr>`)}</tbody>
      </table>
      ${changes.total > changes.items.length
        ? html`<p><button class="btn" part="button" @click=${() => { this.rows += PAGE; }}>Show more (${changes.items.length} of ${changes.total})</button></p>`
        : nothing}
    </div>`;
  }
}

if (!customElements.get('b1r-client-changes')) customElements.define('b1r-client-changes', ClientChangesElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-client-changes': ClientChangesElement;
  }
}
