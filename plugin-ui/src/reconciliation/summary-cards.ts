// The dashboard's summary cards (each filters the list) and the line about unmapped and
// unconfirmed organizations. Money is never netted: revenue at risk and overspend stand apart,
// and seats whose gap has no price are counted, not shown as $0.
import { html, nothing, type TemplateResult } from 'lit';
import { formatCount, formatMoney, formatUnpriced } from '../shared/format.js';
import type { ClientStatus, Money, ReconciliationSummary } from '../shared/types.js';

interface Card {
  status: ClientStatus;
  label: string;
  count: number;
  unit?: string;
  money?: Money;
  unpriced?: number;
  note: string;
}

/**
 * @param showUnderBilled with PSA billing (summary.underBilled present): the "Under-billed" card,
 *   its money the summary's underBilled; clicking it asks for the list sorted by it.
 */
export function renderCards(summary: ReconciliationSummary, active: ClientStatus | '', select: (status: ClientStatus | '') => void, showUnderBilled?: () => void): TemplateResult {
  const cards: Card[] = [
    { status: 'under-licensed', label: 'Under-licensed', count: summary.underLicensed, money: summary.revenueAtRisk, unpriced: summary.unpricedUnderSeats, note: 'revenue at risk / month' },
    { status: 'over-licensed', label: 'Over-licensed', count: summary.overLicensed, money: summary.overspend, unpriced: summary.unpricedOverSeats, note: 'client overspend / month' },
    { status: 'matched', label: 'Properly licensed', count: summary.matched, note: 'devices match licenses' },
    { status: 'unmapped', label: 'Unmapped', count: summary.unmapped, unit: summary.unmapped === 1 ? 'organization' : 'organizations',
      note: `${formatCount(summary.unmappedDeviceCount)} device${summary.unmappedDeviceCount === 1 ? '' : 's'} not counted until mapped` },
  ];
  return html`<div class="cards">
    ${cards.map((card) => html`<button class="card ${card.status}" part="card" aria-pressed=${active === card.status ? 'true' : 'false'}
        @click=${() => select(active === card.status ? '' : card.status)}>
        <span class="card-label">${card.label}</span>
        <span class="card-count">${formatCount(card.count)} <span class="card-unit">${card.unit ?? (card.count === 1 ? 'client' : 'clients')}</span></span>
        ${card.money ? html`<span class="card-money">${formatMoney(card.money)}</span>` : nothing}
        ${card.unpriced ? html`<span class="card-unpriced unpriced">+ ${formatUnpriced(card.unpriced)}</span>` : nothing}
        <span class="card-note muted">${card.note}</span>
      </button>`)}
    ${summary.underBilled && showUnderBilled ? html`<button class="card under-billed" part="card" aria-pressed="false" @click=${showUnderBilled}>
        <span class="card-label">Under-billed</span>
        <span class="card-count">${formatCount(summary.underBilledClients ?? 0)} <span class="card-unit">${summary.underBilledClients === 1 ? 'client' : 'clients'}</span></span>
        <span class="card-money">${formatMoney(summary.underBilled)}</span>
        ${summary.unpricedUnderBilledSeats ? html`<span class="card-unpriced unpriced">+ ${formatUnpriced(summary.unpricedUnderBilledSeats)}</span>` : nothing}
        <span class="card-note muted">seats in use not billed / month</span>
      </button>` : nothing}
  </div>`;
}

export function renderMappingNote(summary: ReconciliationSummary, settingsHref: string): TemplateResult | typeof nothing {
  const settings = (text: string) => (settingsHref ? html`<a href=${settingsHref}>${text}</a>` : html`${text} in Settings`);
  if (!summary.unmapped && !summary.unconfirmedMappings) return nothing;
  return html`<p class="muted unmapped">
    ${summary.unmapped
      ? html`${formatCount(summary.unmapped)} organization${summary.unmapped === 1 ? ' is' : 's are'} not mapped to a Pax8 company
        (${formatCount(summary.unmappedDeviceCount)} devices, not counted): ${settings('map them')}.`
      : nothing}
    ${summary.unconfirmedMappings
      ? html`${formatCount(summary.unconfirmedMappings)} mapping${summary.unconfirmedMappings === 1 ? ' is' : 's are'} still an unconfirmed suggestion:
        ${settings('confirm them')}.`
      : nothing}
  </p>`;
}
