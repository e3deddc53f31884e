import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderEmpty, renderError, renderPending } from '../shared/states.js';
import { ApiError } from '../api-client.js';
import { formatCount, formatMoney, formatVariance, humanize, statusLabels, varianceTone } from '../shared/format.js';
import type { ClientDetail, Money, Subscription } from '../shared/types.js';
import { renderTrendChart } from './trend-chart.js';
import { clientPanelStyles } from './client-panel.styles.js';

/**
 * Client-page drill-down: devices vs licences per product line, subscriptions, device
 * breakdown, trend over snapshots, contacts and the recommended action.
 *
 * @cssproperty --b1r-color-accent - devices line of the trend chart. Also the palette listed on
 *   `billingone-reconciliation`.
 * @csspart section - each panel section. @csspart trend - the trend chart figure.
 */
export class ClientPanelElement extends B1rElement {
  static override styles = [baseStyles, clientPanelStyles];

  /** PanelOne organization id of the client to show. */
  @property({ attribute: 'client-id' }) clientId = '';

  @state() private reloads = 0;

  private readonly detailTask = new Task(this, {
    args: () => [this.readyBase, this.clientId, this.reloads] as const,
    task: async ([apiBase, clientId], { signal }) => {
      if (!apiBase || !clientId) return initialState;
      return this.api.get<ClientDetail>(`/reconciliation/clients/${encodeURIComponent(clientId)}`, undefined, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    if (!this.clientId) return renderEmpty('No client selected');
    return this.detailTask.render({
      initial: () => renderPending(),
      pending: () => renderPending('Loading client…'),
      error: (error) =>
        error instanceof ApiError && error.status === 404
          ? renderEmpty('Client not found', html`<span class="muted">This organization is not in the latest reconciliation.</span>`)
          : renderError(error, () => this.reload()),
      complete: (detail) => this.renderDetail(detail),
    }) as TemplateResult;
  }

  private renderDetail(detail: ClientDetail): TemplateResult {
    const tone = varianceTone(detail.variance);
    return html`<article aria-labelledby="client-name">
      <header class="head">
        <h2 id="client-name">${detail.name}</h2>
        <span class="status ${detail.status}">${statusLabels[detail.status] ?? detail.status}</span>
      </header>
      <div class="figures">
        <div class="figure"><span class="label">Billable devices</span><span class="value">${formatCount(detail.devices)}</span></div>
        <div class="figure"><span class="label">Licences</span><span class="value">${formatCount(detail.licenses)}</span></div>
        <div class="figure"><span class="label">Variance</span><span class="value tone-${tone}">${formatVariance(detail.variance)}</span></div>
        <div class="figure"><span class="label">Monthly impact</span><span class="value tone-${tone}">${formatMoney(detail.monthlyImpact, true)}</span></div>
      </div>
      ${detail.recommendedAction ? html`<p class="action" part="action"><strong>Recommended action:</strong> ${detail.recommendedAction}</p>` : nothing}
      <div class="grid">
        ${this.renderLines(detail)} ${this.renderSubscriptions(detail)}
        <section class="panel" part="section"><h3>Trend</h3>${renderTrendChart(detail.trend ?? [])}</section>
        ${this.renderBreakdown(detail)} ${this.renderContacts(detail)}
      </div>
    </article>`;
  }

  private renderLines(detail: ClientDetail): TemplateResult | typeof nothing {
    if (!detail.lines?.length) return nothing;
    return html`<section class="panel wide" part="section"><h3>Product lines</h3>
      <div class="scroll"><table>
        <thead><tr><th scope="col">Product</th><th scope="col" class="num">Devices</th><th scope="col" class="num">Licensed</th>
          <th scope="col" class="num">Variance</th><th scope="col" class="num">Unit / month</th><th scope="col" class="num">Impact / month</th></tr></thead>
        <tbody>${detail.lines.map((line) => html`<tr>
          <td>${line.productName}</td><td class="num">${line.devices}</td><td class="num">${line.licensedQuantity}</td>
          <td class="num tone-${varianceTone(line.variance)}"><strong>${formatVariance(line.variance)}</strong></td>
          <td class="num">${formatMoney(line.unitPriceMonthly)}</td><td class="num">${formatMoney(line.monthlyImpact, true)}</td></tr>`)}
        </tbody></table></div></section>`;
  }

  private renderSubscriptions(detail: ClientDetail): TemplateResult {
    const pax8 = detail.links?.pax8Subscriptions;
    return html`<section class="panel wide" part="section">
      <h3>Pax8 subscriptions</h3>
      ${detail.subscriptions?.length
        ? html`<div class="scroll"><table>
            <thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col">Status</th>
              <th scope="col">Term</th><th scope="col" class="num">Price</th><th scope="col">Counts as licence</th></tr></thead>
            <tbody>${detail.subscriptions.map((subscription) => html`<tr>
              <td>${subscription.productName}</td><td class="num">${subscription.quantity}</td><td>${subscription.status}</td>
              <td>${subscription.billingTerm}</td><td class="num">${formatPrice(subscription)}</td>
              <td>${subscription.countsAsLicence ? 'Yes' : 'No'}</td></tr>`)}</tbody></table></div>`
        : html`<p class="muted">No subscriptions for this client's Pax8 company.</p>`}
      <p class="links">
        ${pax8 ? html`<a href=${safeUrl(pax8)} target="_blank" rel="noopener noreferrer">Open subscriptions in Pax8</a>` : nothing}
        ${detail.links?.billingSnapshot ? html`<a href=${safeUrl(detail.links.billingSnapshot)} target="_blank" rel="noopener noreferrer">Billing snapshot</a>` : nothing}
      </p>
    </section>`;
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
