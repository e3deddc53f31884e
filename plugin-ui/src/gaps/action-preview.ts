// An action item's preview as a short table (subscription, quantity, cost and price per month,
// warnings), shared by the "Fix in Pax8" dialog and the approval queue.
import { html, nothing, type TemplateResult } from 'lit';
import type { ActionItem } from '../shared/types.js';
import { moneyChange, quantityChange } from './gap-labels.js';

const CAP_WARNINGS = new Set(['above-seat-cap', 'above-money-cap']);

/** Approval of this item needs `confirmLarge` (its change is above a cap in the settings). */
export function needsConfirmLarge(item: Pick<ActionItem, 'preview'>): boolean {
  return item.preview.warnings.some((warning) => CAP_WARNINGS.has(warning.code));
}

export function renderPreview(item: Pick<ActionItem, 'clientName' | 'productName' | 'preview'>, subscriptionName = item.productName): TemplateResult {
  const preview = item.preview;
  return html`<dl class="preview">
    <dt>Client</dt><dd>${item.clientName}</dd>
    <dt>Subscription</dt><dd>${subscriptionName}${preview.subscriptionId ? html` <span class="muted id">(${preview.subscriptionId})</span>` : nothing}</dd>
    <dt>Quantity</dt><dd class="quantity"><strong>${quantityChange(preview)}</strong></dd>
    <dt>Your Pax8 cost</dt><dd class="cost">${moneyChange(preview.monthlyCostChange)}</dd>
    <dt>Client price</dt><dd class="price">${moneyChange(preview.monthlyPriceChange)}</dd>
  </dl>
  ${preview.warnings.length ? html`<ul class="warnings" aria-label="Warnings">${preview.warnings.map((warning) => html`<li data-code=${warning.code}>${warning.message}</li>`)}</ul>` : nothing}`;
}
