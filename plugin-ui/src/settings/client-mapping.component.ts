import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderEmpty, renderError, renderPending } from '../shared/states.js';
import type { ClientMapping, ClientMappingList, Pax8Company } from '../shared/types.js';
import { mappingStateLabels } from '../shared/format.js';
import { announceReconciliationChanged } from '../shared/events.js';
import { settingsStyles } from './settings.styles.js';

/** PanelOne organization ↔ Pax8 company mapping (internal to `billingone-settings`). */
export class ClientMappingElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  /** Picker value per organization while not yet saved ('' = no company). */
  @state() private choices = new Map<string, string>();
  @state() private rowMessages = new Map<string, string>();
  @state() private search = '';
  @state() private bulkMessage = '';
  @state() private confirmingAll = false;

  private readonly mappingTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ClientMappingList>('/clients', undefined, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section class="panel" part="section" aria-labelledby="mapping-title">
      <h3 id="mapping-title">Client mapping</h3>
      <p class="muted">Each PanelOne organization is billed through one Pax8 company. Confirm the suggestions or choose another.</p>
      ${this.mappingTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list),
      })}
    </section>`;
  }

  private renderList(list: ClientMappingList): TemplateResult {
    if (!list.items.length) return renderEmpty('No organizations yet', html`<span class="muted">Sync PanelOne first.</span>`);
    const companies = companyOptions(list);
    const needle = this.search.toLowerCase();
    const rows = list.items.filter((row) => !needle || row.name.toLowerCase().includes(needle) || (row.pax8CompanyName ?? '').toLowerCase().includes(needle));
    const suggested = list.items.filter((row) => row.mappingState === 'suggested' && row.pax8CompanyId);
    return html`<div class="mapping-tools">
        <label class="search"><span class="visually-hidden">Search organizations</span>
          <input type="search" placeholder="Search organizations or companies" .value=${this.search}
            @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value.trim())} /></label>
        <button class="btn" part="button" ?disabled=${!suggested.length || this.confirmingAll} @click=${() => this.confirmAll(suggested)}>
          ${this.confirmingAll ? 'Confirming…' : `Confirm all ${suggested.length} suggestion${suggested.length === 1 ? '' : 's'}`}</button>
        <span class="muted" role="status">${this.bulkMessage}</span>
      </div>
      <div class="scroll mapping-wrap" tabindex="0" role="region" aria-label="Client mapping"><table class="mapping">
        <thead><tr><th scope="col">Organization</th><th scope="col">Pax8 company</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
        <tbody>${rows.map((row) => this.renderRow(row, companies))}</tbody>
      </table></div>
      ${rows.length ? nothing : html`<p class="muted">No organization matches “${this.search}”.</p>`}
      ${list.unmatchedCompanies.length
        ? html`<p class="muted">Pax8 companies without an organization: ${list.unmatchedCompanies.map((company) => company.name).join(', ')}</p>`
        : nothing}`;
  }

  private renderRow(row: ClientMapping, companies: Pax8Company[]): TemplateResult {
    const chosen = this.choices.get(row.organizationId) ?? row.pax8CompanyId ?? '';
    const changed = chosen !== (row.pax8CompanyId ?? '');
    const pickerId = `map-${row.organizationId}`;
    return html`<tr>
      <td data-label="Organization" class="org"><label for=${pickerId}>${row.name}</label></td>
      <td data-label="Pax8 company"><select id=${pickerId} @change=${(event: Event) => this.choose(row.organizationId, (event.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${chosen === ''}>No Pax8 company</option>
        ${companies.map((company) => html`<option value=${company.pax8CompanyId} ?selected=${company.pax8CompanyId === chosen}>${company.name}</option>`)}
      </select></td>
      <td data-label="State"><span class="badge ${row.mappingState}">${mappingStateLabels[row.mappingState] ?? row.mappingState}</span></td>
      <td class="row-action">
        <button class="btn" part="button" ?disabled=${!changed && row.mappingState === 'confirmed'} @click=${() => this.save(row, chosen)}>
          ${changed ? 'Save' : 'Confirm'}</button>
        <span class="muted" role="status">${this.rowMessages.get(row.organizationId) ?? ''}</span>
      </td>
    </tr>`;
  }

  private async confirmAll(rows: ClientMapping[]): Promise<void> {
    this.confirmingAll = true;
    this.bulkMessage = '';
    let done = 0;
    try {
      for (const row of rows) {
        await this.api.put(`/clients/${encodeURIComponent(row.organizationId)}/mapping`, { pax8CompanyId: row.pax8CompanyId });
        row.mappingState = 'confirmed';
        done++;
      }
      this.bulkMessage = `Confirmed ${done} mapping${done === 1 ? '' : 's'}.`;
    } catch (error) {
      this.noteError(error);
      this.bulkMessage = `Confirmed ${done} of ${rows.length}; then: ${errorMessage(error)}`;
    } finally {
      this.confirmingAll = false;
      if (done) announceReconciliationChanged({ tool: 'mapping', runId: '' });
    }
  }

  private choose(organizationId: string, pax8CompanyId: string): void {
    this.choices = new Map(this.choices).set(organizationId, pax8CompanyId);
  }

  private async save(row: ClientMapping, pax8CompanyId: string): Promise<void> {
    const note = (message: string) => (this.rowMessages = new Map(this.rowMessages).set(row.organizationId, message));
    note('Saving…');
    try {
      await this.api.put(`/clients/${encodeURIComponent(row.organizationId)}/mapping`, { pax8CompanyId: pax8CompanyId || null });
      row.pax8CompanyId = pax8CompanyId || null;
      row.mappingState = pax8CompanyId ? 'confirmed' : 'none';
      const choices = new Map(this.choices);
      choices.delete(row.organizationId);
      this.choices = choices;
      note('Saved');
      announceReconciliationChanged({ tool: 'mapping', runId: '' });
    } catch (error) {
      this.noteError(error);
      note(errorMessage(error));
    }
  }
}

/** Every company an organization could map to: the full list when the API sends it. */
function companyOptions(list: ClientMappingList): Pax8Company[] {
  const byId = new Map<string, Pax8Company>();
  for (const company of list.companies ?? []) byId.set(company.pax8CompanyId, company);
  for (const row of list.items) {
    if (row.pax8CompanyId && !byId.has(row.pax8CompanyId)) {
      byId.set(row.pax8CompanyId, { pax8CompanyId: row.pax8CompanyId, name: row.pax8CompanyName ?? row.pax8CompanyId });
    }
  }
  for (const company of list.unmatchedCompanies) if (!byId.has(company.pax8CompanyId)) byId.set(company.pax8CompanyId, company);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

if (!customElements.get('b1r-client-mapping')) customElements.define('b1r-client-mapping', ClientMappingElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-client-mapping': ClientMappingElement;
  }
}
