import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { announceReconciliationChanged } from '../shared/events.js';
import { errorMessage, renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import { ROLE_REASONS } from '../shared/roles.js';
import { formatDateTime } from '../shared/format.js';
import type { Action, ActionItem, ActionList } from '../shared/types.js';
import { needsConfirmLarge, renderPreview } from '../gaps/action-preview.js';
import { renderActionBadge } from '../gaps/gap-labels.js';
import { dialogStyles } from '../gaps/gap-actions.styles.js';
import { actionQueueStyles } from './action-queue.styles.js';

/** While an action is queued or running, the list reads again this often. */
export const QUEUE_REFRESH_MS = 2000;
const RUNNING = new Set(['approved', 'applying']);

interface Outcome { ok: boolean; message: string }

/**
 * Approval queue (dashboard): proposed Pax8 quantity changes with their previews, approved in
 * bulk by admins (one outcome per action), cancelled, and the recent ones with their states:
 * applying, applied, scheduled (with its date), failed (Pax8's words), conflict (what moved).
 * Reads again every two seconds while any action is approved or applying.
 *
 * @csspart button - action buttons. @csspart action - one action card.
 */
export class ActionQueueElement extends B1rElement {
  static override styles = [baseStyles, dialogStyles, actionQueueStyles];

  @state() private reloads = 0;
  @state() private selected = new Set<string>();
  @state() private outcomes = new Map<string, Outcome>();
  @state() private confirmLarge = false;
  @state() private busy = false;
  private refreshTimer?: ReturnType<typeof setTimeout>;

  private readonly listTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      const list = await this.api.get<ActionList>('/actions', { limit: 50 }, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
      clearTimeout(this.refreshTimer);
      if (list.items.some((action) => RUNNING.has(action.state) || action.items.some((item) => RUNNING.has(item.state)))) {
        this.refreshTimer = setTimeout(() => this.reload(), QUEUE_REFRESH_MS);
      }
      return list;
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.refreshTimer);
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="queue-title">
      <header class="toolbar"><h2 id="queue-title">Pax8 changes</h2>
        <button class="btn" part="button" @click=${() => this.reload()}>Refresh</button></header>
      ${this.waitingForToken ? renderNoToken() : this.listTask.render({
        initial: () => renderPending(),
        pending: () => (this.listTask.value ? this.renderList(this.listTask.value) : renderPending('Loading changes…')),
        error: (error) => renderError(error, () => this.reload()),
        complete: (list) => this.renderList(list),
      })}
    </section>`;
  }

  private renderList(list: ActionList): TemplateResult {
    const proposed = list.items.filter((action) => action.state === 'proposed');
    const others = list.items.filter((action) => action.state !== 'proposed');
    const admin = this.may('admin');
    const chosen = proposed.filter((action) => this.selected.has(action.id));
    const large = chosen.some((action) => action.items.some(needsConfirmLarge));
    return html`<h3>Waiting for approval <span class="count">${proposed.length}</span></h3>
      ${!admin ? html`<p class="muted reason">${ROLE_REASONS.admin} to approve or cancel changes.</p>` : nothing}
      ${proposed.length ? html`
        ${admin ? html`<div class="bulk" role="group" aria-label="Approve or cancel selected changes">
          <label class="check"><input type="checkbox" .checked=${chosen.length === proposed.length}
            .indeterminate=${chosen.length > 0 && chosen.length < proposed.length} @change=${(event: Event) => this.selectAll(proposed, (event.target as HTMLInputElement).checked)} /> Select all</label>
          ${large ? html`<label class="check large"><input type="checkbox" .checked=${this.confirmLarge}
            @change=${(event: Event) => (this.confirmLarge = (event.target as HTMLInputElement).checked)} /> Confirm large changes (above the caps)</label>` : nothing}
          <button class="btn primary" part="button" ?disabled=${!chosen.length || this.busy || (large && !this.confirmLarge)}
            @click=${() => this.bulk(chosen, 'approve')}>${this.busy ? 'Working…' : `Approve selected (${chosen.length})`}</button>
          <button class="btn" part="button" ?disabled=${!chosen.length || this.busy} @click=${() => this.bulk(chosen, 'cancel')}>Cancel selected</button>
        </div>` : nothing}
        <ul class="actions">${proposed.map((action) => this.renderAction(action, admin))}</ul>`
      : renderEmpty('Nothing waiting', html`<span class="muted">"Fix in Pax8" on a gap proposes a change; it shows here until an admin approves it.</span>`)}
      <h3>Recent</h3>
      ${others.length ? html`<ul class="actions">${others.map((action) => this.renderAction(action, false))}</ul>`
        : html`<p class="muted">No approved, applied or failed changes yet.</p>`}
      <p class="visually-hidden" role="status">${[...this.outcomes.values()].map((outcome) => outcome.message).join('. ')}</p>`;
  }

  private renderAction(action: Action, selectable: boolean): TemplateResult {
    const outcome = this.outcomes.get(action.id);
    const title = action.items.length === 1 ? `${action.items[0].productName} for ${action.items[0].clientName}` : `${action.items.length} Pax8 changes`;
    const titleId = `action-${action.id}`;
    return html`<li class="action" part="action" data-action-id=${action.id} data-state=${action.state}>
      <div class="action-head">
        ${selectable ? html`<input type="checkbox" class="select" aria-labelledby=${titleId} .checked=${this.selected.has(action.id)}
          @change=${(event: Event) => this.select(action.id, (event.target as HTMLInputElement).checked)} />` : nothing}
        <span class="title"><strong id=${titleId}>${title}</strong>
          ${renderActionBadge(action.items.length === 1 ? action.items[0] : { state: action.state, scheduledFor: null, outcome: null })}</span>
      </div>
      ${action.items.map((item) => this.renderItem(item, action.items.length > 1))}
      <p class="muted meta">Proposed by ${action.proposedBy} on ${formatDateTime(action.createdAt)}${action.approvedBy ? ` · approved by ${action.approvedBy}` : ''}</p>
      ${outcome ? html`<p class="outcome ${outcome.ok ? 'ok' : 'error'}">${outcome.message}</p>` : nothing}
    </li>`;
  }

  private renderItem(item: ActionItem, showState: boolean): TemplateResult {
    return html`<div class="item" data-item-id=${item.id}>
      ${showState ? html`<p>${item.productName} · ${item.clientName} ${renderActionBadge(item)}</p>` : nothing}
      ${renderPreview(item)}
      ${item.verification ? html`<p class="verification">${item.verification.message}</p>` : nothing}
    </div>`;
  }

  private select(id: string, checked: boolean): void {
    const selected = new Set(this.selected);
    if (checked) selected.add(id);
    else selected.delete(id);
    this.selected = selected;
  }

  private selectAll(actions: Action[], checked: boolean): void {
    this.selected = checked ? new Set(actions.map((action) => action.id)) : new Set();
  }

  /** One request per action; one refusal does not stop the others. Each gets its outcome. */
  private async bulk(actions: Action[], verb: 'approve' | 'cancel'): Promise<void> {
    this.busy = true;
    const outcomes = new Map(this.outcomes);
    await Promise.all(actions.map(async (action) => {
      const body = verb === 'approve' && this.confirmLarge ? { confirmLarge: true } : {};
      try {
        await this.api.post(`/actions/${encodeURIComponent(action.id)}/${verb}`, body);
        outcomes.set(action.id, { ok: true, message: `${verb === 'approve' ? 'Approved' : 'Cancelled'}: ${describe(action)}` });
      } catch (error) {
        this.noteError(error);
        outcomes.set(action.id, { ok: false, message: `Not ${verb === 'approve' ? 'approved' : 'cancelled'}: ${describe(action)}: ${errorMessage(error)}` });
      }
    }));
    this.outcomes = outcomes;
    this.selected = new Set([...this.selected].filter((id) => !outcomes.get(id)?.ok));
    this.confirmLarge = false;
    this.busy = false;
    this.reload();
    announceReconciliationChanged({ tool: 'actions', runId: actions.map((action) => action.id).join(',') });
  }
}

function describe(action: Action): string {
  return action.items.map((item) => `${item.productName} for ${item.clientName}`).join(', ');
}
