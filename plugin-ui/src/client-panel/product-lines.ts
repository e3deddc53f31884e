// A client's product lines: devices, licenses, variance, unit price and money per line, with
// how each amount multiplies out. On a narrow screen each line becomes a labelled card, so no
// column is cut off. With PSA billing the lines also carry what the client is billed (a Billed
// column beside Licenses: devices | licences | billed); without it the column is not there.
import { html, nothing, type TemplateResult } from 'lit';
import { renderBilled } from '../reconciliation/client-table.js';
import { formatCount, formatMoney, formatUnpriced, formatVariance, statusLabels, varianceTone } from '../shared/format.js';
import type { ClientDetail, ProductLine } from '../shared/types.js';

/** Renders a line's gap state and its actions (Accept, Fix in Pax8). */
export type GapCell = (line: ProductLine) => unknown;

export function renderProductLines(detail: ClientDetail, gapCell: GapCell): TemplateResult {
  if (!detail.lines.length) {
    return html`<section class="panel wide" part="section"><h3>Product lines</h3>
      <p class="muted">${detail.status === 'unmapped'
        ? 'Not mapped to a Pax8 company: its devices are not compared with licenses until it is mapped.'
        : html`No per-device subscription: all ${formatCount(detail.devices)} billable devices are unlicensed (${formatUnpriced(detail.unpricedSeats)}).`}</p></section>`;
  }
  const billing = detail.underBilled !== null; // null: no PSA data
  return html`<section class="panel wide" part="section"><h3>Product lines</h3>
    <div class="scroll lines-wrap" tabindex="0" role="region" aria-label="Product lines">
      <table class="lines">
        <thead><tr><th scope="col">Product</th><th scope="col" class="num">Devices</th><th scope="col" class="num">Licenses</th>
          ${billing ? html`<th scope="col" class="num">Billed</th>` : nothing}
          <th scope="col" class="num">Variance</th><th scope="col" class="num">Unit / month</th>
          <th scope="col" class="num">Revenue at risk</th><th scope="col" class="num">Overspend</th><th scope="col">Gap</th></tr></thead>
        <tbody>${detail.lines.map((line) => renderLine(line, billing, gapCell))}</tbody>
        ${detail.lines.length > 1 ? html`<tfoot><tr class="totals">
          <th scope="row">All lines</th><td data-label="Devices" class="num">${formatCount(detail.devices)}</td>
          <td class="blank" aria-hidden="true"></td>
          ${billing ? html`<td data-label="Under-billed" class="num total-under-billed tone-under">${formatMoney(detail.underBilled ?? null)}</td>` : nothing}
          <td class="blank" aria-hidden="true"></td><td class="blank" aria-hidden="true"></td>
          <td data-label="Revenue at risk" class="num risk">${formatMoney(detail.revenueAtRisk)}</td>
          <td data-label="Overspend" class="num overspend">${formatMoney(detail.overspend)}</td><td class="blank" aria-hidden="true"></td></tr></tfoot>` : nothing}
      </table>
    </div></section>`;
}

function renderLine(line: ProductLine, billing: boolean, gapCell: GapCell): TemplateResult {
  const money = (amount: ProductLine['revenueAtRisk'], seats: number, side: 'under' | 'over') => {
    if (seats <= 0) return html`<span class="muted">${formatMoney(amount ?? { amount: 0, currency: 'USD' })}</span>`;
    if (!amount) return html`<span class="unpriced">${formatUnpriced(line.unpricedSeats || seats)}</span>`;
    return html`<span class="tone-${side}">${formatMoney(amount)}</span>`;
  };
  // An accepted gap's money is in no total: shown muted, beside its reason in the Gap column.
  return html`<tr data-product-id=${line.productId} class=${line.gapState === 'accepted' ? 'accepted' : ''}>
    <th scope="row" class="product" data-label="Product">${line.productName}
      <span class="status ${line.status}">${statusLabels[line.status]}</span></th>
    <td data-label="Devices" class="num devices">${formatCount(line.devices)}</td>
    <td data-label="Licenses" class="num licenses">${formatCount(line.licenses)}</td>
    ${billing ? html`<td data-label="Billed" class="num billed">${renderBilled(line.billed, line.billedVariance, line.underBilled, line.unpricedUnderBilledSeats, line.billedUnitPriceMonthly)}</td>` : nothing}
    <td data-label="Variance" class="num variance tone-${varianceTone(line.variance)}"><strong>${formatVariance(line.variance)}</strong></td>
    <td data-label="Unit / month" class="num unit">${formatMoney(line.unitPriceMonthly)}</td>
    <td data-label="Revenue at risk" class="num risk">${money(line.revenueAtRisk, line.variance, 'under')}</td>
    <td data-label="Overspend" class="num overspend">${money(line.overspend, -line.variance, 'over')}</td>
    <td data-label="Gap" class="gap-cell">${gapCell(line)}</td>
  </tr>`;
}
