import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderEmpty, renderError, renderPending } from '../shared/states.js';
import { RunTracker } from '../shared/run-tracker.js';
import { renderRunProgress } from '../shared/run-progress.js';
import { formatCount, formatDateTime, formatMoney, formatVariance, statusLabels, varianceTone } from '../shared/format.js';
import type { ClientList, ClientRow, ClientStatus, ReconciliationSummary } from '../shared/types.js';
import { reconciliationStyles } from './reconciliation.styles.js';

type SortKey = 'name' | 'devices' | 'licenses' | 'variance' | 'monthlyImpact';
const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 300;
const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Client' },
  { key: 'devices', label: 'Devices', numeric: true },
  { key: 'licenses', label: 'Licenses', numeric: true },
  { key: 'variance', label: 'Variance', numeric: true },
];

/**
 * Dashboard widget: summary cards (under / over / properly licensed) and the client list,
 * with filters, search, sort, paging, CSV export and "Take snapshot".
 *
 * @fires b1r-client-select - a client row was chosen; `detail.clientId` is the organization id.
 * @cssproperty --b1r-color-surface - background. Also --b1r-color-surface-alt, --b1r-color-text,
 *   --b1r-color-text-muted, --b1r-color-border, --b1r-color-accent, --b1r-color-on-accent,
 *   --b1r-color-under, --b1r-color-over, --b1r-color-matched, --b1r-radius, --b1r-focus-ring,
 *   --b1r-font-family, --b1r-font-size.
 * @csspart card - a summary card button. @csspart table - the client list. @csspart row - a client row.
 * @csspart button - action buttons. @csspart progress - the snapshot progress bar.
 */
export class ReconciliationElement extends B1rElement {
  static override styles = [baseStyles, reconciliationStyles];

  @state() private statusFilter: ClientStatus | '' = '';
  @state() private search = '';
  @state() private sort: SortKey = 'variance';
  @state() private order: 'asc' | 'desc' = 'desc';
  @state() private offset = 0;
  @state() private exportMessage = '';
  @state() private reloads = 0;
  private searchTimer?: ReturnType<typeof setTimeout>;

  private readonly snapshots = new RunTracker(this, this.api, () => this.reload());

  private readonly summaryTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ReconciliationSummary>('/reconciliation/summary', undefined, signal).catch(this.fail);
    },
  });

  private readonly clientsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads, this.filters()] as const,
    argsEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    task: async ([apiBase, , filters], { signal }) => {
      if (!apiBase) return initialState;
      return this.api
        .get<ClientList>('/reconciliation/clients', { ...filters, limit: PAGE_SIZE, offset: this.offset }, signal)
        .catch(this.fail);
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  private readonly fail = (error: unknown): never => {
    this.noteError(error);
    throw error;
  };

  private filters() {
    return { status: this.statusFilter, search: this.search, sort: this.sort, order: this.order, offset: this.offset };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="title">
      <header class="toolbar">
        <h2 id="title">Licence reconciliation</h2>
        ${this.renderSnapshotBar()}
      </header>
      ${this.summaryTask.render({
        pending: () => renderPending('Loading summary…'),
        error: (error) => renderError(error, () => this.reload()),
        complete: (summary) => (summary.snapshot ? this.renderContent(summary) : this.renderNoSnapshot()),
      })}
    </section>`;
  }

  private renderSnapshotBar(): TemplateResult {
    const summary = this.summaryTask.value;
    const running = this.snapshots.isActive('snapshot');
    return html`<div class="snapshot-bar">
      <span class="muted snapshot-date">
        ${summary?.snapshot ? html`Snapshot: <time datetime=${summary.snapshot.takenAt}>${formatDateTime(summary.snapshot.takenAt)}</time>` : 'No snapshot yet'}
      </span>
      <button class="btn primary" part="button" ?disabled=${running} @click=${this.takeSnapshot}>
        ${running ? 'Taking snapshot…' : 'Take snapshot'}
      </button>
      <div class="snapshot-run">
        ${renderRunProgress('Snapshot', this.snapshots.runs.get('snapshot'), { 403: 'You need the technician role to take a snapshot.' })}
      </div>
    </div>`;
  }

  private renderNoSnapshot(): TemplateResult {
    return renderEmpty(
      'No reconciliation yet',
      html`<ol class="steps">
        <li>Open <strong>Settings</strong> and configure the PanelOne and Pax8 integrations.</li>
        <li>Confirm the client mapping and which products are per-device licences.</li>
        <li>Run <strong>Sync All</strong> (or Take snapshot) to count devices and compare them with licences.</li>
      </ol>`,
    );
  }

  private renderContent(summary: ReconciliationSummary): TemplateResult {
    return html`${this.renderCards(summary)}
      <div class="list-controls">
        <label class="search">
          <span class="visually-hidden">Search clients</span>
          <input type="search" placeholder="Search clients" .value=${this.search} @input=${this.onSearch} />
        </label>
        ${this.statusFilter
          ? html`<span class="chip">${statusLabels[this.statusFilter]}
              <button class="chip-clear" aria-label="Clear status filter" @click=${() => this.setStatus('')}>×</button></span>`
          : nothing}
        <button class="btn" part="button" @click=${this.exportCsv}>Export CSV</button>
        <span class="muted" role="status">${this.exportMessage}</span>
      </div>
      ${this.clientsTask.render({
        pending: () => (this.clientsTask.value ? this.renderList(this.clientsTask.value, true) : renderPending('Loading clients…')),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list, false),
      })}`;
  }

  private renderCards(summary: ReconciliationSummary): TemplateResult {
    const cards: { status: ClientStatus; label: string; count: number; money?: string; note: string }[] = [
      { status: 'under-licensed', label: 'Under-licensed', count: summary.underLicensed, money: formatMoney(summary.revenueAtRisk), note: 'revenue at risk / month' },
      { status: 'over-licensed', label: 'Over-licensed', count: summary.overLicensed, money: formatMoney(summary.overspend), note: 'client overspend / month' },
      { status: 'matched', label: 'Properly licensed', count: summary.matched, note: 'devices match licences' },
    ];
    return html`<div class="cards">
        ${cards.map(
          (card) => html`<button class="card ${card.status}" part="card" aria-pressed=${this.statusFilter === card.status ? 'true' : 'false'}
            @click=${() => this.setStatus(this.statusFilter === card.status ? '' : card.status)}>
            <span class="card-label">${card.label}</span>
            <span class="card-count">${formatCount(card.count)} <span class="card-unit">${card.count === 1 ? 'client' : 'clients'}</span></span>
            ${card.money ? html`<span class="card-money">${card.money}</span>` : nothing}
            <span class="card-note muted">${card.note}</span>
          </button>`,
        )}
      </div>
      ${summary.unmapped ? html`<p class="muted unmapped">${summary.unmapped} organization${summary.unmapped === 1 ? ' is' : 's are'} not mapped to a Pax8 company (see Settings).</p>` : nothing}`;
  }

  private renderList(list: ClientList, loading: boolean): TemplateResult {
    if (list.total === 0 && list.items.length === 0) {
      return renderEmpty('No clients match', html`<span class="muted">Change the search or clear the filter.</span>`);
    }
    const first = list.items.length ? this.offset + 1 : 0;
    const last = this.offset + list.items.length;
    return html`<div class="table-wrap" aria-busy=${loading ? 'true' : 'false'}>
        <table part="table">
          <caption class="visually-hidden">Clients by licence variance. Select a row to open the client.</caption>
          <thead><tr>
            ${COLUMNS.map((column) => this.renderHeader(column.key, column.label, column.numeric))}
            <th scope="col">Status</th>
            ${this.renderHeader('monthlyImpact', 'Monthly impact', true)}
          </tr></thead>
          <tbody>${list.items.map((row) => this.renderRow(row))}</tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Client list pages">
        <button class="btn" part="button" ?disabled=${this.offset === 0} @click=${() => this.page(-1)}>Previous</button>
        <span class="muted">${first}–${last} of ${formatCount(list.total)}</span>
        <button class="btn" part="button" ?disabled=${last >= list.total} @click=${() => this.page(1)}>Next</button>
      </nav>`;
  }

  private renderHeader(key: SortKey, label: string, numeric = false): TemplateResult {
    const active = this.sort === key;
    const ariaSort = active ? (this.order === 'asc' ? 'ascending' : 'descending') : 'none';
    return html`<th scope="col" class=${numeric ? 'num' : ''} aria-sort=${ariaSort}>
      <button class="sort" @click=${() => this.setSort(key)}>
        ${label}<span class="sort-mark" aria-hidden="true">${active ? (this.order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>`;
  }

  private renderRow(row: ClientRow): TemplateResult {
    const tone = varianceTone(row.variance);
    const select = () => this.emit('b1r-client-select', { clientId: row.clientId });
    return html`<tr part="row" tabindex="0" data-client-id=${row.clientId}
        @click=${select} @keydown=${(event: KeyboardEvent) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); select(); } }}>
      <td data-label="Client" class="name"><span class="client-name">${row.name}</span>${row.lineCount && row.lineCount > 1
        ? html` <span class="muted lines">(+${row.lineCount - 1} more line${row.lineCount > 2 ? 's' : ''})</span>` : nothing}</td>
      <td data-label="Devices" class="num">${formatCount(row.devices)}</td>
      <td data-label="Licenses" class="num">${formatCount(row.licenses)}</td>
      <td data-label="Variance" class="num variance tone-${tone}">${formatVariance(row.variance)}</td>
      <td data-label="Status"><span class="status ${row.status}">${statusLabels[row.status] ?? row.status}</span></td>
      <td data-label="Monthly impact" class="num tone-${row.monthlyImpact ? varianceTone(row.monthlyImpact.amount) : 'matched'}">${row.monthlyImpact ? formatMoney(row.monthlyImpact, true) : html`<span class="muted">unknown</span>`}</td>
    </tr>`;
  }

  private setStatus(status: ClientStatus | ''): void {
    this.statusFilter = status;
    this.offset = 0;
  }

  private setSort(key: SortKey): void {
    if (this.sort === key) this.order = this.order === 'asc' ? 'desc' : 'asc';
    else {
      this.sort = key;
      this.order = key === 'name' ? 'asc' : 'desc';
    }
    this.offset = 0;
  }

  private page(direction: 1 | -1): void {
    this.offset = Math.max(0, this.offset + direction * PAGE_SIZE);
  }

  private onSearch(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.search = value.trim();
      this.offset = 0;
    }, SEARCH_DEBOUNCE_MS);
  }

  private async exportCsv(): Promise<void> {
    this.exportMessage = 'Preparing CSV…';
    const { status, search, sort, order } = this.filters();
    try {
      const name = await this.api.download('/reconciliation/export.csv', { status, search, sort, order }, 'reconciliation.csv');
      this.exportMessage = `Downloaded ${name}`;
    } catch (error) {
      this.noteError(error);
      this.exportMessage = `Export failed: ${(error as Error).message}`;
    }
  }

  private takeSnapshot(): void {
    void this.snapshots.start('snapshot', '/sync/device-snapshot');
  }
}
