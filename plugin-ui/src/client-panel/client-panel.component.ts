import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import { ApiError } from '../api-client.js';
import { ROLE_REASONS } from '../shared/roles.js';
import { formatCount, formatMoney, formatUnpriced, formatVariance, humanize, pax8Status, statusLabels, varianceTone } from '../shared/format.js';
import type { AuditList, ClientDetail, Gap, GapList, Money, ProductLine, Subscription } from '../shared/types.js';
import type { GapView } from '../gaps/gap-labels.js';
import '../gaps/gap-actions.js';
import { dialogStyles } from '../gaps/gap-actions.styles.js';
import { renderAuditTrail } from '../audit/audit-trail.js';
import { renderHistoryBanner } from '../history/history-banner.js';
import { renderTrendChart } from './trend-chart.js';
import { renderProductLines } from './product-lines.js';
import { lastQuarter, renderQbrReport } from './qbr-report.js';
import { clientPanelStyles } from './client-panel.styles.js';
import './client-changes.component.js';

const GAP_REFRESH_MS = 2000;
const RUNNING = new Set(['approved', 'applying']);

/**
 * Client-page drill-down: devices vs licenses per product line with their money, what changed
 * since the previous snapshot, subscriptions, device breakdown, trend per product over the snapshots, contacts and the recommended action.
 *
 * @cssproperty --b1r-color-accent - devices line of the trend chart. Also the palette listed on
 *   `billingone-reconciliation`.
 * @csspart section - each panel section. @csspart trend - the trend chart figure.
 */
export class ClientPanelElement extends B1rElement {
  static override styles = [baseStyles, dialogStyles, clientPanelStyles];

  /** PanelOne organization id of the client to show. */
  @property({ attribute: 'client-id' }) clientId = '';

  /** An earlier snapshot to show ('' = the latest). */
  @property({ attribute: 'snapshot-id' }) snapshotId = '';

  /** An earlier reconciliation version of that snapshot (unset = its latest). */
  @property({ type: Number }) version?: number;

  @state() private reloads = 0;
  @state() private gapReloads = 0;
  private gapTimer?: ReturnType<typeof setTimeout>;
  @state() private chartWidth = 480;
  @state() private downloadMessage = '';
  @state() private qbr = { period: lastQuarter(), busy: false, message: '' };
  private readonly resizeObserver = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width && Math.abs(width - this.chartWidth) > 2) this.chartWidth = width;
  });

  private readonly detailTask = new Task(this, {
    args: () => [this.readyBase, this.clientId, this.reloads, this.snapshotId, this.version] as const,
    task: async ([apiBase, clientId, , snapshotId, version], { signal }) => {
      if (!apiBase || !clientId) return initialState;
      return this.api.get<ClientDetail>(`/reconciliation/clients/${encodeURIComponent(clientId)}`, { snapshotId, version }, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  /**
   * The client's gaps with state, since, exception and action (the detail's lines carry only
   * open/accepted), and the ones the latest snapshot closed. Read again while a fix is queued or
   * running, so "applied" shows without a reload.
   */
  private readonly gapsTask = new Task(this, {
    args: () => [this.readyBase, this.clientId, this.reloads, this.gapReloads, this.snapshotId, this.version] as const,
    task: async ([apiBase, clientId, , , snapshotId, version], { signal }) => {
      if (!apiBase || !clientId) return initialState;
      const query = { clientId, snapshotId, version, limit: 200 };
      const [current, closed] = await Promise.all([
        this.api.get<GapList>('/gaps', query, signal),
        this.api.get<GapList>('/gaps', { ...query, state: 'closed' }, signal),
      ]);
      clearTimeout(this.gapTimer);
      if (current.items.some((gap) => gap.actions.some((action) => RUNNING.has(action.state)))) {
        this.gapTimer = setTimeout(() => this.gapReloads++, GAP_REFRESH_MS);
      }
      return [...current.items, ...closed.items];
    },
  });

  /** Who changed what for this client (admins only: the API refuses others). */
  private readonly auditTask = new Task(this, {
    args: () => [this.readyBase, this.clientId, this.reloads, this.may('admin')] as const,
    task: async ([apiBase, clientId, , admin], { signal }) => {
      if (!apiBase || !clientId || !admin) return initialState;
      return this.api.get<AuditList>('/audit', { clientId, limit: 50 }, signal);
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    clearTimeout(this.gapTimer);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    const box = this.renderRoot.querySelector('.trend-box');
    if (box && !box.hasAttribute('data-observed')) {
      box.setAttribute('data-observed', '');
      this.resizeObserver.observe(box);
    }
  }

  protected override render(): TemplateResult {
    if (!this.clientId) return renderEmpty('No client selected', html`<span class="muted">Choose a client to see its product lines.</span>`);
    if (this.waitingForToken) return renderNoToken();
    return this.detailTask.render({
      initial: () => renderPending(),
      // A reload after a change keeps the page (and the focus in it) until the new figures arrive.
      pending: () => (this.detailTask.value?.clientId === this.clientId ? this.renderDetail(this.detailTask.value) : renderPending('Loading client…')),
      error: (error) =>
        error instanceof ApiError && error.status === 404
          ? renderEmpty('Client not found', html`<span class="muted">This organization is not in the latest reconciliation.</span>`)
          : renderError(error, () => this.reload()),
      complete: (detail) => this.renderDetail(detail),
    }) as TemplateResult;
  }

  private renderDetail(detail: ClientDetail): TemplateResult {
    const unmapped = detail.status === 'unmapped' || detail.variance === null;
    const tone = unmapped ? 'matched' : varianceTone(detail.variance!);
    const headline = detail.headlineProductName ? html`<span class="label-product">${detail.headlineProductName}</span>` : nothing;
    const money = (amount: Money, unpriced: number, side: string) => unpriced && !amount.amount
      ? html`<span class="value unpriced">${formatUnpriced(unpriced)}</span>`
      : html`<span class="value tone-${amount.amount ? side : 'matched'}">${formatMoney(amount)}</span>${unpriced ? html`<span class="unpriced">+ ${formatUnpriced(unpriced)}</span>` : nothing}`;
    const unpricedUnder = detail.lines.length ? detail.lines.filter((line) => line.variance > 0).reduce((sum, line) => sum + line.unpricedSeats, 0) : detail.unpricedSeats;
    const unpricedOver = detail.lines.filter((line) => line.variance < 0).reduce((sum, line) => sum + line.unpricedSeats, 0);
    return html`<article aria-labelledby="client-name">
      <header class="head">
        <h2 id="client-name">${detail.name}</h2>
        <span class="status ${detail.status}">${statusLabels[detail.status] ?? detail.status}</span>
      </header>
      ${renderHistoryBanner(detail)}
      <b1r-client-changes .apiBase=${this.apiBase} .contextToken=${this.contextToken} client-id=${detail.clientId} snapshot-id=${detail.snapshot.id}></b1r-client-changes>
      <div class="figures">
        <div class="figure"><span class="label">Billable devices</span><span class="value">${formatCount(detail.devices)}</span></div>
        <div class="figure"><span class="label">Licenses ${headline}</span><span class="value">${unmapped ? 'not mapped' : formatCount(detail.licenses ?? 0)}</span></div>
        <div class="figure"><span class="label">Variance ${headline}</span><span class="value tone-${tone}">${unmapped ? 'not counted' : formatVariance(detail.variance!)}</span></div>
        <div class="figure"><span class="label">Revenue at risk / month</span>${money(detail.revenueAtRisk, unpricedUnder, 'under')}</div>
        <div class="figure"><span class="label">Overspend / month</span>${money(detail.overspend, unpricedOver, 'over')}</div>
        ${detail.underBilled !== null ? html`
          <div class="figure billed"><span class="label">Billed ${headline}</span><span class="value">${detail.billed === null || detail.billed === undefined ? '—' : formatCount(detail.billed)}</span></div>
          <div class="figure under-billed"><span class="label">Under-billed / month</span>${money(detail.underBilled, detail.unpricedUnderBilledSeats ?? 0, 'under')}</div>` : nothing}
      </div>
      ${detail.recommendedAction ? html`<p class="action" part="action"><strong>Recommended action:</strong> ${detail.recommendedAction}</p>` : nothing}
      <div class="grid">
        ${renderProductLines(detail, (line) => this.renderGap(detail, line))} ${this.renderSubscriptions(detail)}
        <section class="panel wide" part="section"><h3>Trend</h3><div class="trend-box">${renderTrendChart(detail.trend ?? [], this.chartWidth)}</div></section>
        ${this.renderBreakdown(detail)} ${this.renderContacts(detail)}
        ${renderQbrReport({
          ...this.qbr, allowed: this.may('technician'), reason: ROLE_REASONS.technician,
          onPeriod: (period) => (this.qbr = { ...this.qbr, period, message: '' }),
          onOpen: () => this.qbrReport(detail, 'html'), onDownload: () => this.qbrReport(detail, 'pdf'),
        })}
        ${renderAuditTrail(this.auditTask.value, !this.may('admin') ? 'forbidden' : this.auditTask.status === TaskStatus.ERROR ? 'error' : this.auditTask.status === TaskStatus.COMPLETE ? 'ready' : 'pending', () => this.reload(), productNames(detail))}
      </div>
    </article>`;
  }

  private renderGap(detail: ClientDetail, line: ProductLine): unknown {
    const gap = gapView(detail, line, this.gapsTask.value ?? detail.gaps);
    if (!gap.state) return html`<span class="muted">No gap</span>`;
    if (!detail.latest) return html`<span class="muted">${gap.state === 'accepted' ? 'Accepted' : 'Open'}</span>`;
    return html`<b1r-gap-actions .apiBase=${this.apiBase} .contextToken=${this.contextToken} .gap=${gap}
      .subscriptions=${detail.subscriptions ?? []}></b1r-gap-actions>`;
  }

  private renderSubscriptions(detail: ClientDetail): TemplateResult {
    const pax8 = detail.links?.pax8Subscriptions;
    return html`<section class="panel wide" part="section">
      <h3>Pax8 subscriptions</h3>
      ${detail.subscriptions?.length
        ? html`<div class="scroll" tabindex="0" role="region" aria-label="Pax8 subscriptions"><table>
            <thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col">Status</th>
              <th scope="col">Term</th><th scope="col" class="num">Price</th><th scope="col">Counts as license</th></tr></thead>
            <tbody>${detail.subscriptions.map((subscription) => html`<tr>
              <td>${subscription.productName}</td><td class="num">${subscription.quantity}</td><td>${pax8Status(subscription.status)}</td>
              <td>${subscription.billingTerm ?? 'Unknown'}</td><td class="num">${formatPrice(subscription)}</td>
              <td>${subscription.countsAsLicence ? 'Yes' : 'No'}</td></tr>`)}</tbody></table></div>`
        : html`<p class="muted">No subscriptions for this client's Pax8 company.</p>`}
      <p class="links">
        ${pax8 ? html`<a href=${safeUrl(pax8)} target="_blank" rel="noopener noreferrer">Open subscriptions in Pax8</a>` : nothing}
        ${detail.links?.billingSnapshot ? html`<button class="btn" part="button" ?disabled=${!this.may('technician')}
          title=${this.may('technician') ? '' : ROLE_REASONS.technician} @click=${() => this.downloadSnapshot(detail)}>Download billing snapshot (CSV)</button>` : nothing}
        <span class="muted" role="status">${this.downloadMessage}</span>
      </p>
    </section>`;
  }

  /** The CSV needs the bearer token: fetched and handed over as a file, never a bare link (401). */
  private async downloadSnapshot(detail: ClientDetail): Promise<void> {
    this.downloadMessage = 'Preparing CSV…';
    try {
      const name = await this.api.download(detail.links.billingSnapshot, {}, `billing-snapshot-${detail.clientId}.csv`);
      this.downloadMessage = `Downloaded ${name}`;
    } catch (error) {
      this.noteError(error);
      this.downloadMessage = `Download failed: ${errorMessage(error)}`;
    }
  }

  /** The report needs the bearer token too: the page opens from a blob URL in a tab opened at the click. */
  private async qbrReport(detail: ClientDetail, kind: 'html' | 'pdf'): Promise<void> {
    const path = `/reconciliation/clients/${encodeURIComponent(detail.clientId)}/report.${kind}`;
    const tab = kind === 'html' ? window.open('', '_blank') : null;
    this.qbr = { ...this.qbr, busy: true, message: kind === 'html' ? 'Preparing the report…' : 'Preparing the PDF…' };
    try {
      if (kind === 'html') await this.api.openPage(path, this.qbr.period, tab);
      const name = kind === 'pdf' ? await this.api.download(path, this.qbr.period, `qbr-${detail.clientId}.pdf`) : '';
      this.qbr = { ...this.qbr, busy: false, message: kind === 'html' ? 'Report opened in a new tab.' : `Downloaded ${name}` };
    } catch (error) {
      this.noteError(error);
      this.qbr = { ...this.qbr, busy: false, message: `Report failed: ${errorMessage(error)}` };
    }
  }

  private renderBreakdown(detail: ClientDetail): TemplateResult {
    const byClass = Object.entries(detail.deviceBreakdown?.byClass ?? {});
    const excluded = Object.entries(detail.deviceBreakdown?.excludedByReason ?? {});
    const list = (entries: [string, number][], empty: string) => entries.length
      ? html`<dl class="counts">${entries.map(([key, count]) => html`<dt>${humanize(key)}</dt><dd>${count}</dd>`)}</dl>`
      : html`<p class="muted">${empty}</p>`;
    return html`<section class="panel" part="section">
      <h3>Devices by class</h3>${list(byClass, 'No devices.')}
      <h3 class="sub">Not counted</h3>${list(excluded, 'Every device counted.')}
    </section>`;
  }

  private renderContacts(detail: ClientDetail): TemplateResult {
    return html`<section class="panel" part="section"><h3>Contacts</h3>
      ${detail.contacts?.length
        ? html`<ul class="contacts">${detail.contacts.map((contact) => html`<li>
            <strong>${contact.name}</strong>${contact.types?.length ? html` <span class="muted">(${contact.types.join(', ')})</span>` : nothing}
            ${contact.email ? html`<br /><a href="mailto:${contact.email}">${contact.email}</a>` : nothing}
            ${contact.phone ? html`<br /><span>${contact.phone}</span>` : nothing}</li>`)}</ul>`
        : html`<p class="muted">No contacts synced.</p>`}
    </section>`;
  }
}

function productNames(detail: ClientDetail): Map<string, string> {
  return new Map([...(detail.subscriptions ?? []), ...detail.lines].map((row) => [row.productId, row.productName] as const));
}

/** A line's gap from GET /gaps when it has it (state, since, action), else what the line itself says. */
function gapView(detail: ClientDetail, line: ProductLine, gaps: readonly Gap[] = []): GapView {
  const gap = gaps.find((candidate) => candidate.productId === line.productId);
  return {
    clientId: detail.clientId, productId: line.productId, productName: line.productName, variance: line.variance,
    state: gap?.state ?? line.gapState, since: gap?.since ?? null, exception: gap?.exception ?? line.exception,
    action: gap?.actions[0] ?? null, closedBy: gap?.closedBy ?? null, billedVariance: gap?.billing?.billedVariance ?? line.billedVariance,
  };
}

function formatPrice(subscription: Subscription): string {
  const price = subscription.price;
  if (price === null || price === undefined) return '—';
  return typeof price === 'number' ? formatMoney({ amount: price, currency: 'USD' }) : formatMoney(price as Money);
}

/** Upstream links are data: allow only http(s) so a `javascript:` URL cannot run. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}
