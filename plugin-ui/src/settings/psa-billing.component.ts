import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderEmpty, renderError, renderPending } from '../shared/states.js';
import type { CountingSettings, PsaItem, PsaItemList } from '../shared/types.js';
import { announceReconciliationChanged } from '../shared/events.js';
import { settingsStyles } from './settings.styles.js';

const STATE_LABELS: Record<string, string> = {
  confirmed: 'Confirmed', suggested: 'Suggested (unconfirmed)', ambiguous: 'Two products match: choose one', none: 'Not mapped',
};
const REASON_LABELS: Record<string, string> = { sku: 'same SKU', name: 'same name', admin: 'chosen by an admin' };

/**
 * PSA billing (internal to `billingone-settings`): the switch that adds what clients are billed
 * (PanelOne agreements) as a third column, and which Pax8 product each PSA catalog item bills.
 */
export class PsaBillingElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  @state() private choices = new Map<string, string>();
  @state() private rowMessages = new Map<string, string>();
  @state() private search = '';
  @state() private message = '';
  @state() private busy = false;

  private readonly task = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      const [settings, items] = await Promise.all([
        this.api.get<CountingSettings>('/settings', undefined, signal),
        this.api.get<PsaItemList>('/catalog/psa-items', undefined, signal),
      ]).catch((error) => {
        this.noteError(error);
        throw error;
      });
      return { enabled: settings.psaBilling?.enabled ?? false, items };
    },
  });

  protected override followsReconciliation = false;

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section class="panel" part="section" aria-labelledby="psa-title">
      <h3 id="psa-title">PSA billing</h3>
      <p class="muted">Compare what each client is billed in PanelOne agreements with its devices and licences.</p>
      ${this.task.render({
        pending: () => (this.task.value ? this.renderBody(this.task.value.enabled, this.task.value.items) : renderPending()),
        error: (error) => renderError(error, () => this.reload()),
        complete: ({ enabled, items }) => this.renderBody(enabled, items),
      })}
    </section>`;
  }

  private renderBody(enabled: boolean, list: PsaItemList): TemplateResult {
    return html`<label class="check"><input type="checkbox" id="psa-enabled" .checked=${enabled} ?disabled=${this.busy}
        @change=${(event: Event) => this.setEnabled((event.target as HTMLInputElement).checked)} />
        Show billed seats (PanelOne agreements) beside devices and licences</label>
      <p class="muted" role="status">${this.message}</p>
      ${enabled ? this.renderItems(list) : nothing}`;
  }

  private renderItems(list: PsaItemList): TemplateResult {
    if (!list.items.length) return renderEmpty('No PSA catalog items yet', html`<span class="muted">Sync PanelOne to bring in the agreements and the catalog.</span>`);
    const needle = this.search.toLowerCase();
    const rows = list.items.filter((item) => !needle || [item.name, item.sku ?? '', item.pax8ProductName ?? ''].some((t) => t.toLowerCase().includes(needle)));
    const suggested = list.items.filter((item) => item.state === 'suggested' && item.pax8ProductId);
    const products = [...list.products].sort((a, b) => Number(b.perDevice) - Number(a.perDevice) || a.name.localeCompare(b.name));
    return html`<div class="mapping-tools">
        <label class="search"><span class="visually-hidden">Search PSA items</span>
          <input type="search" placeholder="Search PSA items or products" .value=${this.search}
            @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value.trim())} /></label>
        <button class="btn" part="button" ?disabled=${!suggested.length || this.busy} @click=${() => this.confirmAll(suggested)}>
          ${this.busy ? 'Confirming…' : `Confirm all ${suggested.length} suggestion${suggested.length === 1 ? '' : 's'}`}</button>
      </div>
      <div class="scroll mapping-wrap" tabindex="0" role="region" aria-label="PSA catalog items"><table class="mapping">
        <thead><tr><th scope="col">PSA item</th><th scope="col">Bills Pax8 product</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
        <tbody>${rows.map((item) => this.renderRow(item, products))}</tbody>
      </table></div>
      ${rows.length ? nothing : html`<p class="muted">No PSA item matches “${this.search}”.</p>`}`;
  }

  private renderRow(item: PsaItem, products: PsaItemList['products']): TemplateResult {
    const chosen = this.choices.get(item.itemId) ?? item.pax8ProductId ?? '';
    const changed = chosen !== (item.pax8ProductId ?? '');
    const pickerId = `psa-${item.itemId}`;
    const candidates = new Set(item.candidates.map((c) => c.pax8ProductId));
    return html`<tr data-item-id=${item.itemId}>
      <td data-label="PSA item" class="org"><label for=${pickerId}>${item.name}</label>${item.sku ? html` <span class="muted mono">${item.sku}</span>` : nothing}</td>
      <td data-label="Pax8 product"><select id=${pickerId} @change=${(event: Event) => this.choose(item.itemId, (event.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${chosen === ''}>No Pax8 product</option>
        ${products.map((p) => html`<option value=${p.pax8ProductId} ?selected=${p.pax8ProductId === chosen}>${candidates.has(p.pax8ProductId) ? '★ ' : ''}${p.name}${p.perDevice ? '' : ' (not per-device)'}</option>`)}
      </select></td>
      <td data-label="State"><span class="badge ${item.state}">${STATE_LABELS[item.state] ?? item.state}</span>
        ${item.reason && item.state !== 'none' ? html`<span class="muted">${REASON_LABELS[item.reason] ?? item.reason}</span>` : nothing}</td>
      <td class="row-action">
        <button class="btn" part="button" ?disabled=${!changed && (item.state === 'confirmed' || (item.state === 'none' && item.reason === 'admin'))}
          @click=${() => this.save(item, chosen)}>${changed ? 'Save' : 'Confirm'}</button>
        <span class="muted" role="status">${this.rowMessages.get(item.itemId) ?? ''}</span>
      </td>
    </tr>`;
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    this.busy = true;
    try {
      await this.api.put('/settings', { psaBilling: { enabled } });
      this.message = enabled ? 'PSA billing is on: run a PanelOne sync to bring the agreements in.' : 'PSA billing is off: the billed column is hidden.';
      announceReconciliationChanged({ tool: 'psa-billing', runId: '' });
      this.reload();
    } catch (error) {
      this.noteError(error);
      this.message = `Could not save: ${errorMessage(error)}`;
    } finally {
      this.busy = false;
    }
  }

  private async confirmAll(items: PsaItem[]): Promise<void> {
    this.busy = true;
    let done = 0;
    try {
      for (const item of items) {
        await this.api.put(`/catalog/psa-items/${encodeURIComponent(item.itemId)}/mapping`, { pax8ProductId: item.pax8ProductId });
        item.state = 'confirmed';
        item.reason = 'admin';
        done++;
      }
      this.message = `Confirmed ${done} PSA item${done === 1 ? '' : 's'}.`;
    } catch (error) {
      this.noteError(error);
      this.message = `Confirmed ${done} of ${items.length}; then: ${errorMessage(error)}`;
    } finally {
      this.busy = false;
      if (done) announceReconciliationChanged({ tool: 'psa-mapping', runId: '' });
    }
  }

  private choose(itemId: string, pax8ProductId: string): void {
    this.choices = new Map(this.choices).set(itemId, pax8ProductId);
  }

  private async save(item: PsaItem, pax8ProductId: string): Promise<void> {
    const note = (message: string) => (this.rowMessages = new Map(this.rowMessages).set(item.itemId, message));
    note('Saving…');
    try {
      const saved = await this.api.put<PsaItem>(`/catalog/psa-items/${encodeURIComponent(item.itemId)}/mapping`, { pax8ProductId: pax8ProductId || null });
      Object.assign(item, saved);
      const choices = new Map(this.choices);
      choices.delete(item.itemId);
      this.choices = choices;
      note('Saved');
      announceReconciliationChanged({ tool: 'psa-mapping', runId: '' });
    } catch (error) {
      this.noteError(error);
      note(errorMessage(error));
    }
  }
}

if (!customElements.get('b1r-psa-billing')) customElements.define('b1r-psa-billing', PsaBillingElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-psa-billing': PsaBillingElement;
  }
}
