// An action item's preview as a short table (subscription or PanelOne addition, quantity, cost and
// price per month, warnings), shared by the "Fix in Pax8" dialog and the approval queue.
import { html, nothing, type TemplateResult } from 'lit';
import type { ActionItem } from '../shared/types.js';
import { formatMoney } from '../shared/format.js';
import { moneyChange, quantityChange } from './gap-labels.js';

const CAP_WARNINGS = new Set(['above-seat-cap', 'above-money-cap']);

/** Approval of this item needs `confirmLarge` (its change is above a cap in the settings). */
export function needsConfirmLarge(item: Pick<ActionItem, 'preview'>): boolean {
  return item.preview.warnings.some((warning) => CAP_WARNINGS.has(warning.code));
}

export function renderPreview(item: Pick<ActionItem, 'clientName' | 'productName' | 'preview'>, subscriptionName = item.productName): TemplateResult {
  const preview = item.preview;
  if (preview.additionId) return renderBillingPreview(item);
  return html`<dl class="preview">
    <dt>Client</dt><dd>${item.clientName}</dd>
    <dt>Subscription</dt><dd>${subscriptionName}${preview.subscriptionId ? html` <span class="muted id">(${preview.subscriptionId})</span>` : nothing}</dd>
    <dt>Quantity</dt><dd class="quantity"><strong>${quantityChange(preview)}</strong></dd>
    <dt>Your Pax8 cost</dt><dd class="cost">${moneyChange(preview.monthlyCostChange)}</dd>
    <dt>Client price</dt><dd class="price">${moneyChange(preview.monthlyPriceChange)}</dd>
  </dl>
  ${preview.warnings.length ? html`<ul class="warnings" aria-label="Warnings">${preview.warnings.map((warning) => html`<li data-code=${warning.code}>${warning.message}</li>`)}</ul>` : nothing}`;
}

/** psa-quantity: "PanelOne billing: addition X, 3 → 5 seats, +$20.00 / month billed", then the table. */
function renderBillingPreview(item: Pick<ActionItem, 'clientName' | 'productName' | 'preview'>): TemplateResult {
  const preview = item.preview;
  const billed = preview.monthlyPriceChange ? `${formatMoney(preview.monthlyPriceChange, true)} / month billed` : 'billing change unknown (no unit price in PanelOne)';
  return html`<p class="billing-summary">PanelOne billing: addition ${preview.additionId}, ${quantityChange(preview)}, ${billed}</p>
  <dl class="preview billing">
    <dt>Client</dt><dd>${item.clientName}</dd>
    <dt>Agreement</dt><dd>${preview.agreementName ?? preview.agreementId}</dd>
    <dt>Addition</dt><dd>${preview.additionDescription ?? item.productName} <span class="muted id">(${preview.additionId})</span></dd>
    <dt>Billed seats</dt><dd class="quantity"><strong>${quantityChange(preview)}</strong></dd>
    <dt>Billed to the client</dt><dd class="price">${preview.monthlyPriceChange ? `${formatMoney(preview.monthlyPriceChange, true)} / month` : 'unknown (no unit price in PanelOne)'}</dd>
    <dt>Your Pax8 cost</dt><dd class="cost">No change</dd>
  </dl>
  ${preview.warnings.length ? html`<ul class="warnings" aria-label="Warnings">${preview.warnings.map((warning) => html`<li data-code=${warning.code}>${warning.message}</li>`)}</ul>` : nothing}`;
}
