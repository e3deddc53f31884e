import { css, html, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { tableStyles } from '../shared/table.styles.js';
import { renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import { formatCount, formatDay, formatMoney, formatUnpriced, formatVariance } from '../shared/format.js';
import type { MissedBillingItem, MissedBillingList } from '../shared/types.js';
import { gapStateText, type GapView } from '../gaps/gap-labels.js';

/**
 * Missed billing: the open under-licensed gaps (client × product), largest money first, with
 * how long each has lasted. Unpriced gaps come after the priced ones, counted in seats.
 *
 * @fires b1r-client-select - a client was chosen. @csspart table - the gaps table.
 * @cssproperty --b1r-color-under - money at risk. Also the palette listed on `billingone-reconciliation`.
 */
export class MissedBillingElement extends B1rElement {
  static override styles = [baseStyles, tableStyles, css`.fix { color: var(--_accent); font-weight: 600; }`];

  /** Link of a client's page; `{clientId}` is replaced. */
  @property({ attribute: 'client-href' }) clientHref = '#client/{clientId}';

  @state() private reloads = 0;

  private readonly gapsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<MissedBillingList>('/missed-billing', { limit: 200 }, signal).catch((error) => { this.noteError(error); throw error; });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="title">
      <h2 id="title">Missed billing</h2>
      <p class="muted">Open under-licensed gaps: devices billed to nobody. Largest money first.</p>
      ${this.waitingForToken ? renderNoToken() : this.gapsTask.render({
        pending: () => renderPending('Loading gaps…'),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list),
      })}
    </section>`;
  }

  private renderList(list: MissedBillingList): TemplateResult {
    if (!list.items.length) return renderEmpty('No open gaps', html`<span class="muted">Every client's devices are licensed.</span>`);
    const items = [...list.items].sort((a, b) => amountOf(b) - amountOf(a) || b.gap - a.gap);
    const total = items.reduce((sum, item) => sum + (money(item)?.amount ?? 0), 0);
    const unpriced = items.filter((item) => !money(item)).reduce((sum, item) => sum + item.gap, 0);
    return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Missed billing">
      <table part="table">
        <thead><tr><th scope="col">Client · product</th><th scope="col" class="num">Gap</th><th scope="col" class="num">Revenue at risk / month</th>
          <th scope="col">Open since</th><th scope="col">What to do</th></tr></thead>
        <tbody>${items.map((item) => this.renderItem(item))}</tbody>
        <tfoot><tr><th scope="row">Total · ${formatCount(items.length)} open gap${items.length === 1 ? '' : 's'}</th>
          <td data-label="Gap" class="num">${formatVariance(items.reduce((sum, item) => sum + item.gap, 0))}</td>
          <td data-label="Revenue at risk / month" class="num tone-under total-risk">${formatMoney({ amount: round(total), currency: 'USD' })}
            ${unpriced ? html`<span class="unpriced sub">+ ${formatUnpriced(unpriced)}</span>` : ''}</td>
          <td class="blank"></td><td class="blank"></td></tr></tfoot>
      </table></div>`;
  }

  private renderItem(item: MissedBillingItem): TemplateResult {
    const amount = money(item);
    const href = this.clientHref.replace('{clientId}', encodeURIComponent(item.clientId));
    return html`<tr class="gap" data-client-id=${item.clientId} data-product-id=${item.productId}>
      <th scope="row"><a href=${href} @click=${(event: MouseEvent) => this.select(event, item.clientId)}>${item.clientName}</a>
        <span class="sub">${item.productName}</span></th>
      <td data-label="Gap" class="num tone-under">${formatVariance(item.gap)}<span class="sub">${item.devices} devices, ${item.licensed} licenses</span></td>
      <td data-label="Revenue at risk / month" class="num risk">${amount
        ? html`<span class="tone-under">${formatMoney(amount)}</span><span class="sub">${item.gap} × ${formatMoney(item.unitPriceMonthly)}</span>`
        : html`<span class="unpriced">${formatUnpriced(item.gap)}</span>`}</td>
      <td data-label="Open since" class="since">since ${formatDay(item.since)}<span class="sub">${item.snapshots} snapshot${item.snapshots === 1 ? '' : 's'}</span></td>
      <td data-label="What to do">${item.state === 'action-pending' || item.state === 'action-applied' ? html`<span class="fix state-${item.state}">${gapStateText(gapView(item))}</span>` : item.action}</td>
    </tr>`;
  }

  private select(event: MouseEvent, clientId: string): void {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.emit('b1r-client-select', { clientId });
  }
}

/** A fix pending or applied replaces the advice: the gap's state in the words of the drill-down. */
function gapView(item: MissedBillingItem): GapView {
  return { clientId: item.clientId, productId: item.productId, productName: item.productName, variance: item.gap, state: item.state, since: item.since, action: item.latestAction };
}

function money(item: MissedBillingItem) {
  return item.revenueAtRisk ?? item.monthlyAmount ?? null;
}

function amountOf(item: MissedBillingItem): number {
  return money(item)?.amount ?? -1;
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}
