import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import { RunTracker } from '../shared/run-tracker.js';
import { renderRunProgress } from '../shared/run-progress.js';
import { ROLE_REASONS } from '../shared/roles.js';
import { formatCount, formatDateTime, statusLabels } from '../shared/format.js';
import type { ClientList, ClientStatus, Gap, GapList, ReconciliationSummary } from '../shared/types.js';
import { renderHistoryBanner } from '../history/history-banner.js';
import '../history/history-picker.component.js';
import '../gaps/gap-actions.js';
import { renderCards, renderMappingNote } from './summary-cards.js';
import { BILLING_SORTS, renderClientTable, SORT_LABELS, type SortKey } from './client-table.js';
import { reconciliationStyles } from './reconciliation.styles.js';

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 300;
const STATUSES: ClientStatus[] = ['under-licensed', 'over-licensed', 'matched', 'unmapped', 'accepted'];

/**
 * Dashboard widget: summary cards (under / over / properly licensed, unmapped), the client list
 * with every product line, totals, filters, search, sort, paging, CSV export, "Take snapshot",
 * and a picker to look at an earlier snapshot or version.
 *
 * @fires b1r-client-select - a client row was chosen; `detail.clientId` is the organization id.
 * @cssproperty --b1r-color-surface - background. Also --b1r-color-surface-alt, --b1r-color-text,
 *   --b1r-color-text-muted, --b1r-color-border, --b1r-color-accent, --b1r-color-on-accent,
 *   --b1r-color-under, --b1r-color-over, --b1r-color-matched, --b1r-radius, --b1r-focus-ring,
 *   --b1r-font-family, --b1r-font-size.
 * @csspart card - a summary card button. @csspart table - the client list. @csspart row - a client row.
 * @csspart totals - the totals row. @csspart button - action buttons. @csspart progress - the snapshot progress bar.
 */
export class ReconciliationElement extends B1rElement {
  static override styles = [baseStyles, reconciliationStyles];

  /** Initial status filter (e.g. `under-licensed`), as a host link to the filtered list sets it. */
  @property() status: ClientStatus | '' = '';

  /** Link of a client's page; `{clientId}` is replaced. Rows are real links to it. */
  @property({ attribute: 'client-href' }) clientHref = '#client/{clientId}';

  /** Link of the host's mapping screen (client mapping in the settings). */
  @property({ attribute: 'settings-href' }) settingsHref = '';

  @state() private statusFilter: ClientStatus | '' = '';
  @state() private search = '';
  @state() private sort: SortKey = 'variance';
  @state() private order: 'asc' | 'desc' = 'desc';
  @state() private offset = 0;
  @state() private exportMessage = '';
  @state() private reloads = 0;
  @state() private snapshotId = '';
  @state() private version: number | null = null;
  @state() private expanded = new Set<string>();
  /** Gaps (state, since, action) of the expanded clients, read when a row opens. */
  @state() private gapsByClient = new Map<string, Gap[]>();
  private searchTimer?: ReturnType<typeof setTimeout>;

  private readonly snapshots = new RunTracker(this, this.api);

  private readonly summaryTask = new Task(this, {
    args: () => [this.readyBase, this.reloads, this.history()] as const,
    argsEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    task: async ([apiBase, , history], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ReconciliationSummary>('/reconciliation/summary', history, signal).catch(this.fail);
    },
  });

  private readonly clientsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads, this.filters()] as const,
    argsEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    task: async ([apiBase, , filters], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ClientList>('/reconciliation/clients', { ...filters, limit: PAGE_SIZE }, signal).catch(this.fail);
    },
  });

  protected reload(): void {
    this.reloads++;
    for (const clientId of this.expanded) void this.loadGaps(clientId);
  }

  private readonly fail = (error: unknown): never => {
    this.noteError(error);
    throw error;
  };

  private history() {
    return { snapshotId: this.snapshotId, version: this.version ?? undefined };
  }

  private filters() {
    // Without a status filter the list is every mapped client: unmapped organizations are not a
    // licence gap until mapped, and have their own card and filter.
    return { status: this.statusFilter || 'mapped', search: this.search, sort: this.sort, order: this.order, offset: this.offset, ...this.history() };
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('status') && STATUSES.includes(this.status as ClientStatus)) this.setStatus(this.status);
    else if (changed.has('status') && !this.status) this.setStatus('');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="title">
      <header class="toolbar">
        <h2 id="title">License reconciliation</h2>
        ${this.renderSnapshotBar()}
      </header>
      ${renderHistoryBanner(this.summaryTask.value, () => this.pickHistory(null, null))}
      ${this.waitingForToken ? renderNoToken() : this.summaryTask.render({
        pending: () => renderPending('Loading summary…'),
        error: (error) => renderError(error, () => this.reload()),
        complete: (summary) => (summary.snapshot ? this.renderContent(summary) : this.renderNoSnapshot()),
      })}
    </section>`;
  }

  private renderSnapshotBar(): TemplateResult {
    const summary = this.summaryTask.value;
    const running = this.snapshots.isActive('snapshot');
    const allowed = this.may('technician');
    const failed = this.summaryTask.status === TaskStatus.ERROR;
    return html`<div class="snapshot-bar">
      <span class="muted snapshot-date">
        ${summary?.snapshot ? html`Snapshot: <time datetime=${summary.snapshot.takenAt}>${formatDateTime(summary.snapshot.takenAt)}</time>${summary.version ? ` · version ${summary.version}` : ''}`
          : failed ? 'Snapshot unknown' : summary ? 'No snapshot yet' : 'Loading…'}
      </span>
      <b1r-history-picker .apiBase=${this.apiBase} .contextToken=${this.contextToken} .snapshotId=${this.snapshotId} .version=${this.version}
        @b1r-history-select=${(event: CustomEvent<{ snapshotId: string | null; version: number | null }>) => this.pickHistory(event.detail.snapshotId, event.detail.version)}></b1r-history-picker>
      <button class="btn primary" part="button" ?disabled=${running || !allowed || failed} title=${allowed ? '' : ROLE_REASONS.technician}
        aria-describedby=${allowed ? nothing : 'snapshot-reason'} @click=${this.takeSnapshot}>
        ${running ? 'Taking snapshot…' : 'Take snapshot'}
      </button>
      ${allowed ? nothing : html`<span id="snapshot-reason" class="muted reason">${ROLE_REASONS.technician} to take a snapshot or export.</span>`}
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
        <li>Confirm the client mapping and which products are per-device licenses.</li>
        <li>Run <strong>Sync All</strong> (or Take snapshot) to count devices and compare them with licenses.</li>
      </ol>`,
    );
  }

  private renderContent(summary: ReconciliationSummary): TemplateResult {
    const canExport = this.may('technician');
    // The third column (PSA billing) exists only when the summary carries it: never shown as 0.
    const billing = summary.underBilled !== null; // null: no PSA data, no billing column
    return html`${renderCards(summary, this.statusFilter, (status) => this.setStatus(status), () => this.setSort('underBilled', true))}
      ${renderMappingNote(summary, this.settingsHref)}
      <div class="list-controls">
        <label class="search">
          <span class="visually-hidden">Search clients</span>
          <input type="search" placeholder="Search clients" .value=${this.search} @input=${this.onSearch} />
        </label>
        <label class="sort-by"><span>Sort by</span>
          <select @change=${(event: Event) => this.setSort((event.target as HTMLSelectElement).value as SortKey, true)}>
            ${(Object.keys(SORT_LABELS) as SortKey[]).filter((key) => billing || !BILLING_SORTS.includes(key)).map((key) => html`<option value=${key} ?selected=${key === this.sort}>${SORT_LABELS[key]}</option>`)}
          </select></label>
        ${this.statusFilter
          ? html`<span class="chip">${statusLabels[this.statusFilter]}
              <button class="chip-clear" aria-label="Clear status filter" @click=${() => this.setStatus('')}>×</button></span>`
          : nothing}
        <button class="btn" part="button" ?disabled=${!canExport} title=${canExport ? '' : ROLE_REASONS.technician} @click=${this.exportCsv}>Export CSV</button>
        <span class="muted export-status" role="status">${this.exportMessage}</span>
      </div>
      ${this.clientsTask.render({
        pending: () => (this.clientsTask.value ? this.renderList(this.clientsTask.value, true) : renderPending('Loading clients…')),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list, false),
      })}`;
  }

  private renderList(list: ClientList, loading: boolean): TemplateResult {
    if (list.total === 0 && list.items.length === 0) {
      return renderEmpty('No clients match', html`<span class="muted">Change the search or clear the filter.</span>`);
    }
    const first = list.items.length ? this.offset + 1 : 0;
    const last = this.offset + list.items.length;
    return html`${renderClientTable(list, {
        sort: this.sort, order: this.order, loading, expanded: this.expanded, canAct: this.may('technician'),
        clientHref: (clientId) => this.clientHref.replace('{clientId}', encodeURIComponent(clientId)),
        onSort: (key) => this.setSort(key),
        onToggle: (clientId) => this.toggle(clientId),
        onSelect: (clientId) => this.emit('b1r-client-select', { clientId }),
        gapCell: (row, line) => {
          const gap = this.gapsByClient.get(row.clientId)?.find((candidate) => candidate.productId === line.productId);
          const state = gap?.state ?? line.gapState;
          if (!state || list.latest === false) return nothing;
          return html`<b1r-gap-actions .apiBase=${this.apiBase} .contextToken=${this.contextToken} .gap=${{
            clientId: row.clientId, productId: line.productId, productName: line.productName, variance: line.variance, state,
            since: gap?.since, exception: gap?.exception ?? line.exception, action: gap?.actions[0] ?? null, closedBy: gap?.closedBy ?? null }}></b1r-gap-actions>`;
        },
      })}
      <nav class="pager" aria-label="Client list pages">
        <button class="btn" part="button" ?disabled=${this.offset === 0} @click=${() => this.page(-1)}>Previous</button>
        <span class="muted">${first}–${last} of ${formatCount(list.total)}</span>
        <button class="btn" part="button" ?disabled=${last >= list.total} @click=${() => this.page(1)}>Next</button>
      </nav>`;
  }

  private toggle(clientId: string): void {
    const expanded = new Set(this.expanded);
    if (!expanded.delete(clientId)) {
      expanded.add(clientId);
      void this.loadGaps(clientId);
    }
    this.expanded = expanded;
  }

  private async loadGaps(clientId: string): Promise<void> {
    try {
      const list = await this.api.get<GapList>('/gaps', { clientId, limit: 200, ...this.history() });
      this.gapsByClient = new Map(this.gapsByClient).set(clientId, list.items);
    } catch (error) {
      this.noteError(error); // the line's own state (open / accepted) still shows
    }
  }

  private pickHistory(snapshotId: string | null, version: number | null): void {
    this.snapshotId = snapshotId ?? '';
    this.version = version;
    this.offset = 0;
  }

  private setStatus(status: ClientStatus | ''): void {
    this.statusFilter = status;
    this.offset = 0;
  }

  private setSort(key: SortKey, keepOrder = false): void {
    if (this.sort === key && !keepOrder) this.order = this.order === 'asc' ? 'desc' : 'asc';
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
    const { status, search, sort, order, snapshotId, version } = this.filters();
    try {
      const name = await this.api.download('/reconciliation/export.csv', { status, search, sort, order, snapshotId, version }, 'reconciliation.csv');
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
