// The client list: one row per client with its headline line (named), both money columns,
// every product line on demand, and a totals row over the whole filtered list. With PSA billing
// (the rows carry billed figures) a Billed column follows Licenses: the seats billed, how many in
// use are not billed, and that money; without it the column is not there at all.
import { html, nothing, type TemplateResult } from 'lit';
import { formatCount, formatMoney, formatUnpriced, formatVariance, statusLabels, varianceTone } from '../shared/format.js';
import type { ClientList, ClientRow, Money, ProductLine } from '../shared/types.js';

export type SortKey = 'name' | 'devices' | 'licenses' | 'variance' | 'revenueAtRisk' | 'overspend' | 'unpricedSeats' | 'underBilled' | 'billedVariance';

export const SORT_LABELS: Record<SortKey, string> = {
  name: 'Client', devices: 'Devices', licenses: 'Licenses', variance: 'Variance',
  revenueAtRisk: 'Revenue at risk', overspend: 'Overspend', unpricedSeats: 'Seats with no price',
  underBilled: 'Under-billed', billedVariance: 'Billed',
};
/** The sorts that exist only with PSA billing. */
export const BILLING_SORTS: SortKey[] = ['underBilled', 'billedVariance'];

/** Whether the list carries the third column (PSA billing on for its version). */
/** null: no PSA data, so no billing column. */
export const hasBilling = (list: ClientList) => list.totals.underBilled !== null;

export interface TableOptions {
  sort: SortKey;
  order: 'asc' | 'desc';
  loading: boolean;
  expanded: Set<string>;
  clientHref: (clientId: string) => string;
  onSort: (key: SortKey) => void;
  onToggle: (clientId: string) => void;
  onSelect: (clientId: string) => void;
  /** A line's gap state and actions (Accept, Fix in Pax8) in its expanded row. */
  gapCell: (row: ClientRow, line: ProductLine) => unknown;
  /** The user may fix or accept gaps (technician or admin): a single line's toggle says so. */
  canAct: boolean;
}

export function renderClientTable(list: ClientList, options: TableOptions): TemplateResult {
  const header = (key: SortKey, numeric = true) => {
    const active = options.sort === key;
    return html`<th scope="col" class=${numeric ? 'num' : ''} aria-sort=${active ? (options.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button class="sort" @click=${() => options.onSort(key)}>${SORT_LABELS[key]}<span class="sort-mark" aria-hidden="true">${active ? (options.order === 'asc' ? '▲' : '▼') : '↕'}</span></button>
    </th>`;
  };
  const { totals } = list;
  const billing = hasBilling(list);
  return html`<div class="table-wrap" aria-busy=${options.loading ? 'true' : 'false'} tabindex="0" role="region" aria-label="Client list">
    <table part="table">
      <caption class="visually-hidden">Clients with devices, licenses and variance of their headline product line, and the money of all their lines. Open a client for its detail.</caption>
      <thead><tr>
        ${header('name', false)} ${header('devices')} ${header('licenses')} ${billing ? header('billedVariance') : nothing} ${header('variance')}
        <th scope="col">Status</th> ${header('revenueAtRisk')} ${header('overspend')}
      </tr></thead>
      ${list.items.map((row) => renderClient(row, options, billing))}
      <tfoot><tr class="totals" part="totals">
        <th scope="row" class="name" data-label="Total">Total · ${formatCount(list.total)} ${list.total === 1 ? 'client' : 'clients'}
          ${totals.unpricedSeats ? html`<span class="unpriced">${formatUnpriced(totals.unpricedSeats)}</span>` : nothing}</th>
        <td data-label="Devices" class="num total-devices">${formatCount(totals.devices)}</td>
        <td class="num blank" aria-hidden="true"></td>
        ${billing ? html`<td data-label="Under-billed" class="num money total-under-billed tone-under">${formatMoney(totals.underBilled ?? null)}</td>` : nothing}
        <td class="num blank" aria-hidden="true"></td><td class="blank" aria-hidden="true"></td>
        <td data-label="Revenue at risk" class="num money total-risk tone-under">${formatMoney(totals.revenueAtRisk)}</td>
        <td data-label="Overspend" class="num money total-overspend tone-over">${formatMoney(totals.overspend)}</td>
      </tr></tfoot>
    </table>
  </div>`;
}

function renderClient(row: ClientRow, options: TableOptions, billing: boolean): TemplateResult {
  const unmapped = row.status === 'unmapped';
  const expanded = options.expanded.has(row.clientId);
  const linesId = `lines-${row.clientId}`;
  const unpricedUnder = row.lines.length ? sumUnpriced(row.lines, 1) : row.unpricedSeats;
  const unpricedOver = sumUnpriced(row.lines, -1);
  const onRowClick = (event: MouseEvent) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    options.onSelect(row.clientId);
  };
  const onLinkClick = (event: MouseEvent) => {
    // Modified or middle clicks keep the browser's own behaviour (open in a new tab).
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    options.onSelect(row.clientId);
  };
  // A single line with a gap expands too: its expanded row carries the gap's actions.
  const expandable = row.lineCount > 1 || (row.lineCount === 1 && Boolean(row.lines[0]?.gapState));
  const toggleText = row.lineCount > 1 ? `${row.lineCount} product lines` : options.canAct ? 'gap actions' : 'gap state';
  return html`<tbody class="client ${expanded ? 'open' : ''}">
    <tr part="row" class="client-row" data-client-id=${row.clientId} @click=${onRowClick}>
      <td data-label="Client" class="name">
        <a class="client-name" href=${options.clientHref(row.clientId)} @click=${onLinkClick}>${row.name}</a>
        ${statusChange(row)}
        ${expandable ? html`<button class="lines-toggle" aria-expanded=${expanded ? 'true' : 'false'} aria-controls=${row.lines.map((_, index) => `${linesId}-${index}`).join(' ')}
            @click=${() => options.onToggle(row.clientId)}>${expanded ? 'Hide' : 'Show'} ${toggleText}</button>` : nothing}
      </td>
      <td data-label="Devices" class="num devices">${formatCount(row.devices)}</td>
      <td data-label="Licenses" class="num licenses">${unmapped ? html`<span class="muted">not mapped</span>`
        : html`${formatCount(row.licenses ?? 0)}<span class="headline muted">${row.headlineProductName ?? 'no per-device subscription'}</span>`}</td>
      ${billing ? html`<td data-label="Billed" class="num billed">${renderBilled(row.billed, row.billedVariance, row.underBilled, row.unpricedUnderBilledSeats)}</td>` : nothing}
      <td data-label="Variance" class="num variance ${unmapped || row.variance === null ? '' : `tone-${varianceTone(row.variance)}`}">${unmapped || row.variance === null ? html`<span class="muted">not counted</span>` : formatVariance(row.variance)}</td>
      <td data-label="Status"><span class="status ${row.status}">${statusLabels[row.status] ?? row.status}</span></td>
      <td data-label="Revenue at risk" class="num money risk">${unmapped ? html`<span class="muted">not mapped</span>` : renderMoney(row.revenueAtRisk, unpricedUnder, 'under')}</td>
      <td data-label="Overspend" class="num money overspend">${unmapped ? html`<span class="muted">not mapped</span>` : renderMoney(row.overspend, unpricedOver, 'over')}</td>
    </tr>
    ${expandable && expanded ? row.lines.map((line, index) => renderLine(line, `${linesId}-${index}`, billing, options.gapCell(row, line))) : nothing}
  </tbody>`;
}

/** Marks a client whose status differs from the previous snapshot's (a client new since then is not marked). */
function statusChange(row: ClientRow): TemplateResult | typeof nothing {
  const previous = row.previousStatus;
  if (!previous || previous === row.status) return nothing;
  return html`<span class="status-changed" part="status-changed">Status changed · was ${statusLabels[previous] ?? previous}</span>`;
}

function renderLine(line: ProductLine, id: string, billing: boolean, gap: unknown): TemplateResult {
  return html`<tr class="line" id=${id} data-product-id=${line.productId}>
    <td data-label="Product" class="name line-name">${line.productName}</td>
    <td data-label="Devices" class="num devices">${formatCount(line.devices)}</td>
    <td data-label="Licenses" class="num licenses">${formatCount(line.licenses)}</td>
    ${billing ? html`<td data-label="Billed" class="num billed">${renderBilled(line.billed, line.billedVariance, line.underBilled, line.unpricedUnderBilledSeats, line.billedUnitPriceMonthly)}</td>` : nothing}
    <td data-label="Variance" class="num variance tone-${varianceTone(line.variance)}">${formatVariance(line.variance)}</td>
    <td data-label="Status" class="line-status"><span class="status ${line.status}">${statusLabels[line.status]}</span>${gap}</td>
    <td data-label="Revenue at risk" class="num money risk">${lineMoney(line, line.variance > 0 ? line.revenueAtRisk : zero(line), 'under')}</td>
    <td data-label="Overspend" class="num money overspend">${lineMoney(line, line.variance < 0 ? line.overspend : zero(line), 'over')}</td>
  </tr>`;
}

/**
 * Billed seats, then what they leave: "2 in use not billed" (under-billed) or "2 billed not in
 * use" (over-billed), then the under-billed money: on a row the sum over all its lines (another
 * line than the headline may be the under-billed one), on a line with how it multiplies out.
 * null (no line) shows a dash, never 0.
 */
export function renderBilled(billed: number | null | undefined, billedVariance: number | null | undefined, underBilled: Money | null | undefined, unpriced: number | null | undefined,
  unitPrice?: Money | null): TemplateResult {
  const money = underBilled && underBilled.amount
    ? html`<span class="amount under-billed tone-under">${formatMoney(underBilled)}</span>
        ${unitPrice && billedVariance ? html`<span class="unit muted">${formatCount(billedVariance)} × ${formatMoney(unitPrice)}</span>` : nothing}`
    : nothing;
  const noPrice = unpriced ? html`<span class="unpriced">${underBilled && underBilled.amount ? '+ ' : ''}${formatUnpriced(unpriced)}</span>` : nothing;
  if (billed === null || billed === undefined || billedVariance === null || billedVariance === undefined) return html`<span class="muted">—</span>${money}${noPrice}`;
  const gap = billedVariance > 0 ? html`<span class="billed-gap tone-under">${formatCount(billedVariance)} in use not billed</span>`
    : billedVariance < 0 ? html`<span class="billed-gap tone-over">${formatCount(-billedVariance)} billed not in use</span>` : html`<span class="billed-gap muted">billed in full</span>`;
  return html`<span class="billed-count">${formatCount(billed)}</span>${gap}${money}${noPrice}`;
}

function zero(line: ProductLine): Money {
  return { amount: 0, currency: line.unitPriceMonthly?.currency ?? 'USD' };
}

/** A line's amount with how it multiplies out ("8 × $2.88"), or its unpriced seats. */
function lineMoney(line: ProductLine, amount: Money | null, side: 'under' | 'over'): TemplateResult {
  const seats = side === 'under' ? line.variance : -line.variance;
  if (seats <= 0) return html`<span class="muted amount">${formatMoney(amount)}</span>`;
  if (!amount || !line.unitPriceMonthly) return html`<span class="unpriced">${formatUnpriced(line.unpricedSeats || seats)}</span>`;
  return html`<span class="amount tone-${side}">${formatMoney(amount)}</span>
    <span class="unit muted" data-seats=${seats} data-unit=${line.unitPriceMonthly.amount}>${formatCount(seats)} × ${formatMoney(line.unitPriceMonthly)}</span>`;
}

function renderMoney(money: Money, unpriced: number, side: 'under' | 'over'): TemplateResult {
  if (unpriced && money.amount === 0) return html`<span class="unpriced">${formatUnpriced(unpriced)}</span>`;
  return html`<span class="amount ${money.amount ? `tone-${side}` : 'muted'}">${formatMoney(money)}</span>
    ${unpriced ? html`<span class="unpriced">+ ${formatUnpriced(unpriced)}</span>` : nothing}`;
}

function sumUnpriced(lines: ProductLine[], sign: 1 | -1): number {
  return lines.filter((line) => Math.sign(line.variance) === sign).reduce((total, line) => total + line.unpricedSeats, 0);
}
