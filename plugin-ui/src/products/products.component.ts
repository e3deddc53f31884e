import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { tableStyles } from '../shared/table.styles.js';
import { renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import { formatCount, formatMoney, formatUnpriced, formatVariance, varianceTone } from '../shared/format.js';
import type { ProductReconciliation, ProductReconciliationList } from '../shared/types.js';
import { renderHistoryBanner } from '../history/history-banner.js';

/**
 * Per product across all clients: devices vs licenses vs variance, the under and over seats
 * apart (they do not cancel out), and the money of each side.
 *
 * @csspart table - the products table. @cssproperty --b1r-color-under - under seats and revenue at risk.
 *   Also the palette listed on `billingone-reconciliation`.
 */
export class ProductsElement extends B1rElement {
  static override styles = [baseStyles, tableStyles];

  @state() private reloads = 0;

  private readonly productsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ProductReconciliationList>('/products/reconciliation', undefined, signal).catch((error) => { this.noteError(error); throw error; });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="title">
      <h2 id="title">Per product</h2>
      ${this.waitingForToken ? renderNoToken() : this.productsTask.render({
        pending: () => renderPending('Loading products…'),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list),
      })}
    </section>`;
  }

  private renderList(list: ProductReconciliationList): TemplateResult {
    if (!list.items.length) return renderEmpty('No per-device products', html`<span class="muted">Mark products as per-device in Settings.</span>`);
    const items = [...list.items].sort((a, b) => b.revenueAtRisk.amount - a.revenueAtRisk.amount || b.underSeats - a.underSeats);
    return html`${renderHistoryBanner({ snapshot: list.snapshot, version: list.version, latest: list.latest ?? true })}
      <ul class="headlines">${items.map((item) => html`<li class="headline"><strong>${item.productName}:</strong>
        <span class="tone-${varianceTone(item.variance)}">${formatVariance(item.variance)} seats</span></li>`)}</ul>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Products">
      <table part="table">
        <thead><tr><th scope="col">Product</th><th scope="col" class="num">Clients</th><th scope="col" class="num">Devices</th>
          <th scope="col" class="num">Licenses</th><th scope="col" class="num">Variance</th><th scope="col" class="num">Under seats</th>
          <th scope="col" class="num">Over seats</th><th scope="col" class="num">Revenue at risk</th><th scope="col" class="num">Overspend</th></tr></thead>
        <tbody>${items.map((item) => this.renderItem(item))}</tbody>
      </table></div>`;
  }

  private renderItem(item: ProductReconciliation): TemplateResult {
    return html`<tr class="product" data-product-id=${item.productId}>
      <th scope="row">${item.productName}</th>
      <td data-label="Clients" class="num">${formatCount(item.clients)}</td>
      <td data-label="Devices" class="num devices">${formatCount(item.devices)}</td>
      <td data-label="Licenses" class="num licenses">${formatCount(item.licenses)}</td>
      <td data-label="Variance" class="num variance tone-${varianceTone(item.variance)}"><strong>${formatVariance(item.variance)}</strong></td>
      <td data-label="Under seats" class="num under tone-under">${formatCount(item.underSeats)}</td>
      <td data-label="Over seats" class="num over tone-over">${formatCount(item.overSeats)}</td>
      <td data-label="Revenue at risk" class="num risk"><span class="tone-under">${formatMoney(item.revenueAtRisk)}</span>
        ${item.unpricedSeats ? html`<span class="unpriced sub">+ ${formatUnpriced(item.unpricedSeats)}</span>` : nothing}</td>
      <td data-label="Overspend" class="num overspend"><span class="tone-over">${formatMoney(item.overspend)}</span></td>
    </tr>`;
  }
}
