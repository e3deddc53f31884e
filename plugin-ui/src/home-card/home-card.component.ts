import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderError, renderNoToken, renderPending } from '../shared/states.js';
import { formatCount, formatDateTime, formatMoney, formatUnpriced } from '../shared/format.js';
import type { ReconciliationSummary } from '../shared/types.js';
import { homeCardStyles } from './home-card.styles.js';

/**
 * Compact Home-screen card: how many clients are under-licensed and the revenue at risk. It
 * follows every reconciliation finished on the page (b1r-reconciliation-changed).
 *
 * @cssproperty --b1r-color-under - accent of the count and money. Also the palette listed on
 *   `billingone-reconciliation`.
 * @csspart card - the card. @csspart link - the link to the full view.
 */
export class HomeCardElement extends B1rElement {
  static override styles = [baseStyles, homeCardStyles];

  /** URL of the full reconciliation view; the count links to it with `?status=under-licensed`. */
  @property() href = '';

  @state() private reloads = 0;

  private readonly summaryTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<ReconciliationSummary>('/reconciliation/summary', undefined, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<article class="panel" part="card" aria-labelledby="title">
      <h2 id="title">License reconciliation</h2>
      ${this.waitingForToken ? renderNoToken() : this.summaryTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: (summary) => this.renderSummary(summary),
      })}
      ${this.href ? html`<a part="link" class="more" href=${this.href}>View all clients</a>` : nothing}
    </article>`;
  }

  private renderSummary(summary: ReconciliationSummary): TemplateResult {
    if (!summary.snapshot) {
      return html`<p class="muted">No snapshot yet. Configure the integrations, then run Sync All.</p>`;
    }
    const under = html`<span class="value">${formatCount(summary.underLicensed)}</span>
      <span class="label">Under-licensed ${summary.underLicensed === 1 ? 'client' : 'clients'}</span>`;
    return html`<div class="figures">
        <p class="figure">${this.href ? html`<a class="figure-link" part="link" href=${this.filtered('under-licensed')}>${under}</a>` : under}</p>
        <p class="figure"><span class="value">${formatMoney(summary.revenueAtRisk)}</span>
          <span class="label">Revenue at risk / month</span>
          ${summary.unpricedUnderSeats ? html`<span class="unpriced">+ ${formatUnpriced(summary.unpricedUnderSeats)}</span>` : nothing}</p>
      </div>
      <p class="muted small snapshot">Snapshot <time datetime=${summary.snapshot.takenAt}>${formatDateTime(summary.snapshot.takenAt)}</time></p>`;
  }

  private filtered(status: string): string {
    return `${this.href}${this.href.includes('?') ? '&' : '?'}status=${status}`;
  }
}
