import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { announceReconciliationChanged } from '../shared/events.js';
import { errorMessage } from '../shared/states.js';
import type { AcceptGap, Action, ActionPreviewResponse, ExceptionReason, ProposeAction, Subscription } from '../shared/types.js';
import { REASON_LABELS, gapStateText, type GapView } from './gap-labels.js';
import { renderPreview, needsConfirmLarge } from './action-preview.js';
import { gapActionsStyles } from './gap-actions.styles.js';

type FixStep = 'edit' | 'preview' | 'proposed' | 'approved';

/**
 * Where one gap stands, and what the signed-in user may do about it (internal to the drill-down
 * and the list): "Accept" with a reason (admins), "Remove exception" (admins), "Fix in Pax8"
 * and, on a billing gap, "Bill N more seats" in PanelOne (technicians see the preview, then
 * propose on Confirm; admins may approve at once; the proposer may cancel a proposal until it is
 * approved; both kinds go through the same dialog). Each opens a modal dialog; closing one after
 * a change announces `b1r-reconciliation-changed` so every widget on the page reloads.
 */
export class GapActionsElement extends B1rElement {
  static override styles = [baseStyles, gapActionsStyles];

  /** The gap to show (state, since, exception, latest action). */
  @property({ attribute: false }) gap?: GapView;

  /** The client's subscriptions of the gap's product, when the host has them (the drill-down). */
  @property({ attribute: false }) subscriptions: Subscription[] = [];

  @state() private busy = false;
  @state() private message = '';
  @state() private reason: ExceptionReason = 'client-owned-licence';
  @state() private fixStep: FixStep = 'edit';
  /** Which change the fix dialog proposes. */
  @state() private kind: 'pax8-quantity' | 'psa-quantity' = 'pax8-quantity';
  @state() private action?: Action;
  /** What "Preview change" answered, and the body it was asked with (proposed as is on Confirm). */
  @state() private previewed?: { body: ProposeAction; answer: ActionPreviewResponse };
  @state() private confirmLarge = false;
  @query('dialog.accept') private acceptDialog?: HTMLDialogElement;
  @query('dialog.fix') private fixDialog?: HTMLDialogElement;
  private changed = false;
  private refocus = false;

  protected override followsReconciliation = false;
  protected reload(): void {}

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('gap') && this.refocus) {
      this.refocus = false;
      this.renderRoot.querySelector<HTMLElement>('.gap-state')?.focus();
    }
  }

  protected override render(): TemplateResult | typeof nothing {
    const gap = this.gap;
    if (!gap) return nothing;
    const text = gapStateText(gap);
    const admin = this.may('admin');
    const technician = this.may('technician');
    const open = gap.state === 'open';
    // A billing gap (PSA billing): devices - billed seats, other than zero.
    const billed = gap.billedVariance ?? 0;
    return html`<div class="gap">
      ${text ? html`<span class="gap-state state-${gap.state}" tabindex="-1">${text}</span>` : nothing}
      ${open && (admin || technician) ? html`<span class="buttons">
        ${technician && gap.variance !== 0 ? html`<button class="btn small" part="button" @click=${() => this.openFix('pax8-quantity')} aria-label="Fix in Pax8: ${gap.productName}">Fix in Pax8</button>` : nothing}
        ${technician && billed ? html`<button class="btn small bill" part="button" @click=${() => this.openFix('psa-quantity')}
          aria-label="${billText(billed)}: ${gap.productName}">${billText(billed)}</button>` : nothing}
        ${admin ? html`<button class="btn small" part="button" @click=${this.openAccept} aria-label="Accept: ${gap.productName}">Accept</button>` : nothing}
      </span>` : nothing}
      ${gap.state === 'accepted' && admin ? html`<button class="btn small" part="button" ?disabled=${this.busy} @click=${this.removeException}
        aria-label="Remove exception: ${gap.productName}">Remove exception</button>` : nothing}
      ${this.message && !this.dialogOpen ? html`<span class="error" role="alert">${this.message}</span>` : nothing}
      ${open && admin ? this.renderAcceptDialog(gap) : nothing}
      ${open && technician ? this.renderFixDialog(gap) : nothing}
    </div>`;
  }

  private get dialogOpen(): boolean {
    return Boolean(this.acceptDialog?.open || this.fixDialog?.open);
  }

  private renderAcceptDialog(gap: GapView): TemplateResult {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    return html`<dialog class="accept" aria-labelledby="accept-title" @close=${this.onClose}>
      <form @submit=${this.submitAccept}>
        <h3 id="accept-title">Accept the ${gap.productName} gap</h3>
        <p class="muted">${seatsText(gap.variance)}. An accepted gap leaves the cards and totals and is listed apart with its reason.
          It reopens by itself if the gap grows, changes sign or the end date passes.</p>
        <label>Reason
          <select name="reason" required @change=${(event: Event) => (this.reason = (event.target as HTMLSelectElement).value as ExceptionReason)}>
            ${(Object.keys(REASON_LABELS) as ExceptionReason[]).map((reason) => html`<option value=${reason} ?selected=${reason === this.reason}>${REASON_LABELS[reason]}</option>`)}
          </select></label>
        <label>Note${this.reason === 'other' ? ' (required)' : ' (optional)'}
          <textarea name="note" rows="2" maxlength="500" ?required=${this.reason === 'other'}></textarea></label>
        <label>Until (optional; empty = no end date)
          <input type="date" name="until" min=${tomorrow} /></label>
        ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
        <div class="dialog-buttons">
          <button type="button" class="btn" @click=${() => this.acceptDialog?.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this.busy}>${this.busy ? 'Accepting…' : 'Accept gap'}</button>
        </div>
      </form>
    </dialog>`;
  }

  private renderFixDialog(gap: GapView): TemplateResult {
    const counted = this.subscriptions.filter((subscription) => subscription.productId === gap.productId && subscription.countsAsLicence);
    const admin = this.may('admin');
    const action = this.action;
    const item = this.fixStep === 'preview' ? this.previewed?.answer.items[0] : action?.items[0];
    const psa = this.kind === 'psa-quantity';
    const billed = gap.billedVariance ?? 0;
    return html`<dialog class="fix" aria-labelledby="fix-title" @close=${this.onClose}>
      <form @submit=${this.submitFix}>
        <h3 id="fix-title">${psa ? `${billText(billed)} of ${gap.productName} in PanelOne` : `Fix ${gap.productName} in Pax8`}</h3>
        ${this.fixStep === 'edit' && psa ? html`
          <p class="muted">${billedSeatsText(billed)}. Preview the change of the client's PanelOne agreement addition first; proposing records it, and nothing is written to PanelOne until an admin approves it.</p>
          <label>New billed quantity (optional)
            <input type="number" name="toQuantity" min="0" max="100000" step="1" inputmode="numeric" placeholder=${`current ${billed >= 0 ? '+' : '−'} ${Math.abs(billed)}`} /></label>
          <p class="hint muted">Empty: the addition's current quantity ${billed >= 0 ? 'plus' : 'minus'} ${Math.abs(billed)} (its largest addition of this product).</p>`
        : this.fixStep === 'edit' ? html`
          <p class="muted">${seatsText(gap.variance)}. Preview the change first; proposing records it, and nothing is written to Pax8 until an admin approves it.</p>
          ${counted.length > 1 ? html`<label>Subscription
            <select name="subscriptionId">${counted.map((subscription) => html`<option value=${subscription.id}>${subscription.productName} · ${subscription.quantity} seats · ${subscription.billingTerm ?? 'term unknown'}</option>`)}</select></label>` : nothing}
          <label>New Pax8 quantity (optional)
            <input type="number" name="toQuantity" min="0" max="100000" step="1" inputmode="numeric"
              placeholder=${counted.length === 1 ? String(counted[0].quantity + gap.variance) : `current ${gap.variance >= 0 ? '+' : '−'} ${Math.abs(gap.variance)}`} /></label>
          <p class="hint muted">Empty: the subscription's current quantity ${gap.variance >= 0 ? 'plus' : 'minus'} ${Math.abs(gap.variance)}.</p>`
        : item ? html`${renderPreview(item)}
          ${this.fixStep === 'preview' ? html`<p class="muted">Nothing is recorded yet. Confirm to propose this change${admin ? '' : ' for an admin to approve'}.</p>`
          : this.fixStep === 'approved' ? html`<p class="done" role="status">Approved. The worker re-reads the ${psa ? 'PanelOne addition' : 'subscription'} and writes the new quantity; the line shows when it is applied.</p>`
          : admin ? html`<p class="muted">Proposed. Approve it now, or leave it in the approval queue.</p>
              ${needsConfirmLarge(item) ? html`<label class="check"><input type="checkbox" .checked=${this.confirmLarge}
                @change=${(event: Event) => (this.confirmLarge = (event.target as HTMLInputElement).checked)} /> Confirm large change (above the caps in the settings)</label>` : nothing}`
          : html`<p class="done" role="status">Proposed. An admin approves it in the approval queue; nothing is written to ${psa ? 'PanelOne' : 'Pax8'} before that. You may cancel it until then.</p>`}` : nothing}
        ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
        <div class="dialog-buttons">
          ${this.fixStep === 'edit' ? html`
            <button type="button" class="btn" @click=${() => this.fixDialog?.close()}>Cancel</button>
            <button type="submit" class="btn primary" ?disabled=${this.busy}>${this.busy ? 'Previewing…' : 'Preview change'}</button>`
          : this.fixStep === 'preview' ? html`
            <button type="button" class="btn" ?disabled=${this.busy} @click=${() => { this.fixStep = 'edit'; this.message = ''; }}>Back</button>
            <button type="submit" class="btn primary" ?disabled=${this.busy}>${this.busy ? 'Proposing…' : 'Confirm and propose'}</button>`
          : this.fixStep === 'proposed' && admin ? html`
            <button type="button" class="btn" ?disabled=${this.busy} @click=${this.cancelAction}>Cancel proposal</button>
            <button type="button" class="btn" @click=${() => this.fixDialog?.close()}>Leave for approval</button>
            <button type="submit" class="btn primary" ?disabled=${this.busy || (needsConfirmLarge(item!) && !this.confirmLarge)}>${this.busy ? 'Approving…' : 'Approve and apply'}</button>`
          : this.fixStep === 'proposed' ? html`
            <button type="button" class="btn" ?disabled=${this.busy} @click=${this.cancelAction}>Cancel proposal</button>
            <button type="button" class="btn primary" @click=${() => this.fixDialog?.close()}>Close</button>`
          : html`<button type="button" class="btn primary" @click=${() => this.fixDialog?.close()}>Close</button>`}
        </div>
      </form>
    </dialog>`;
  }

  private path(): string {
    return `/gaps/${encodeURIComponent(this.gap!.clientId)}/${encodeURIComponent(this.gap!.productId)}/exception`;
  }

  private openAccept(): void {
    this.message = '';
    this.reason = 'client-owned-licence';
    this.acceptDialog?.querySelector('form')?.reset();
    this.acceptDialog?.showModal();
  }

  private openFix(kind: 'pax8-quantity' | 'psa-quantity'): void {
    this.kind = kind;
    this.message = '';
    this.fixStep = 'edit';
    this.action = undefined;
    this.previewed = undefined;
    this.confirmLarge = false;
    this.fixDialog?.querySelector('form')?.reset();
    this.fixDialog?.showModal();
  }

  private async submitAccept(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const note = String(form.get('note') ?? '').trim();
    const until = String(form.get('until') ?? '');
    const body: AcceptGap = { reason: this.reason, ...(note ? { note } : {}), ...(until ? { until } : {}) };
    if (await this.call(() => this.api.post(this.path(), body))) this.acceptDialog?.close();
  }

  private async removeException(): Promise<void> {
    if (await this.call(() => this.api.delete(this.path()))) this.onClose();
  }

  private async submitFix(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.fixStep === 'edit') {
      const form = new FormData(event.target as HTMLFormElement);
      const to = String(form.get('toQuantity') ?? '');
      const subscriptionId = this.kind === 'pax8-quantity' ? String(form.get('subscriptionId') ?? '') : '';
      const gap = { clientId: this.gap!.clientId, productId: this.gap!.productId, ...(subscriptionId ? { subscriptionId } : {}), ...(to ? { toQuantity: Number(to) } : {}) };
      const body: ProposeAction = { type: this.kind, gaps: [gap] };
      // The preview stores nothing, so it does not count as a change to announce on close.
      const changed = this.changed;
      const answer = await this.call(() => this.api.post<ActionPreviewResponse>('/actions/preview', body));
      this.changed = changed;
      if (answer) {
        this.previewed = { body, answer };
        this.fixStep = 'preview';
      }
    } else if (this.fixStep === 'preview' && this.previewed) {
      const body = this.previewed.body;
      const action = await this.call(() => this.api.post<Action>('/actions', body));
      if (action) {
        this.action = action;
        this.fixStep = 'proposed';
      }
    } else if (this.fixStep === 'proposed' && this.action) {
      const approved = await this.call(() => this.api.post<Action>(`/actions/${encodeURIComponent(this.action!.id)}/approve`, this.confirmLarge ? { confirmLarge: true } : {}));
      if (approved) {
        this.action = approved;
        this.fixStep = 'approved';
      }
    }
  }

  private async cancelAction(): Promise<void> {
    if (this.action && (await this.call(() => this.api.post(`/actions/${encodeURIComponent(this.action!.id)}/cancel`, {})))) this.fixDialog?.close();
  }

  /** Runs one API change; remembers that something changed, or shows the API's message. */
  private async call<T>(send: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.message = '';
    try {
      const result = await send();
      this.changed = true;
      return result ?? (true as T);
    } catch (error) {
      this.noteError(error);
      this.message = errorMessage(error, { 403: 'Your role may not do this.' });
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  private onClose(): void {
    if (!this.changed) return;
    this.changed = false;
    this.refocus = true;
    announceReconciliationChanged({ tool: 'gap-action', runId: this.action?.id ?? '' });
  }
}

/** "3 more devices than licenses" / "2 more licenses than devices". */
function seatsText(variance: number): string {
  const seats = Math.abs(variance);
  return variance > 0 ? `${seats} more device${seats === 1 ? '' : 's'} than licenses` : `${seats} more license${seats === 1 ? '' : 's'} than devices`;
}

/** "Bill 2 more seats" / "Bill 1 fewer seat". */
function billText(billedVariance: number): string {
  const seats = Math.abs(billedVariance);
  return `Bill ${seats} ${billedVariance > 0 ? 'more' : 'fewer'} seat${seats === 1 ? '' : 's'}`;
}

/** "2 devices in use are not billed" / "billed for 1 seat more than devices in use". */
function billedSeatsText(billedVariance: number): string {
  const seats = Math.abs(billedVariance);
  return billedVariance > 0 ? `${seats} device${seats === 1 ? '' : 's'} in use ${seats === 1 ? 'is' : 'are'} not billed to the client` : `The client is billed for ${seats} seat${seats === 1 ? '' : 's'} more than devices in use`;
}
