import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderEmpty, renderError, renderPending } from '../shared/states.js';
import { RunTracker } from '../shared/run-tracker.js';
import { describeResult, renderRunProgress } from '../shared/run-progress.js';
import { ROLE_REASONS } from '../shared/roles.js';
import { formatDateTime, humanize } from '../shared/format.js';
import type { SyncRun, SyncTool } from '../shared/types.js';
import { syncToolsStyles } from './sync-tools.styles.js';

const TOOLS: { tool: SyncTool; label: string; description: string }[] = [
  { tool: 'device-snapshot', label: 'Device snapshot', description: 'Count billable devices per client from PanelOne now.' },
  { tool: 'catalog-sync', label: 'Catalog sync', description: 'Refresh Pax8 products and which ones are per-device.' },
  { tool: 'contacts-sync', label: 'Contacts sync', description: 'Refresh Pax8 company contacts and the client mapping.' },
  { tool: 'full-reconcile', label: 'Full reconcile', description: 'Companies, catalog, subscriptions, devices, then reconcile.' },
  { tool: 'sync-all', label: 'Sync All', description: 'Everything the Home screen’s Sync All runs, with a fresh snapshot.' },
];
const ROLE_MESSAGES = { 403: 'You need the technician role to run syncs.' };

/**
 * Sync hub: one button per sync tool with a live progress bar, and the recent runs.
 *
 * @cssproperty --b1r-color-accent - buttons and progress bars. Also the palette listed on
 *   `billingone-reconciliation`.
 * @csspart tool - one tool panel. @csspart button - a run button. @csspart progress - a progress bar.
 * @csspart runs - the recent runs table.
 */
export class SyncToolsElement extends B1rElement {
  static override styles = [baseStyles, syncToolsStyles];

  @state() private reloads = 0;

  // A success is announced page-wide (and reloads this list through it); a failure only here.
  private readonly tracker = new RunTracker(this, this.api, (_key, run) => { if (run.status !== 'succeeded') this.reload(); });

  private readonly runsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<{ items: SyncRun[] }>('/sync/runs', undefined, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section aria-labelledby="title">
      <h2 id="title">Sync tools</h2>
      ${this.may('technician') ? nothing : html`<p class="muted role-note">${ROLE_REASONS.technician} to run syncs; you can see the recent runs.</p>`}
      <div class="tools">
        ${TOOLS.map(({ tool, label, description }) => {
          const running = this.tracker.isActive(tool);
          return html`<div class="tool panel" part="tool">
            <h3>${label}</h3>
            <p class="muted">${description}</p>
            <button class="btn primary" part="button" ?disabled=${running || !this.may('technician')}
              title=${this.may('technician') ? '' : ROLE_REASONS.technician} @click=${() => void this.tracker.start(tool, `/sync/${tool}`)}>
              ${running ? `${label} running…` : `Run ${label.toLowerCase()}`}
            </button>
            ${renderRunProgress(label, this.tracker.runs.get(tool), ROLE_MESSAGES)}
          </div>`;
        })}
      </div>
      <h3>Recent runs</h3>
      ${this.runsTask.render({
        pending: () => (this.runsTask.value ? this.renderRuns(this.runsTask.value.items) : renderPending('Loading runs…')),
        error: (error) => renderError(error, () => this.reload()),
        complete: (runs) => this.renderRuns(runs.items),
      })}
    </section>`;
  }

  private renderRuns(runs: SyncRun[]): TemplateResult {
    if (!runs.length) return renderEmpty('No runs yet', html`<span class="muted">Start a sync above.</span>`);
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Recent runs"><table part="runs">
      <thead><tr><th scope="col">Tool</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Outcome</th></tr></thead>
      <tbody>${runs.map((run) => html`<tr>
        <td>${humanize(run.tool)}</td>
        <td><span class="run-status ${run.status}">${humanize(run.status)}</span></td>
        <td>${formatDateTime(run.startedAt)}</td>
        <td>${formatDateTime(run.finishedAt)}</td>
        <td>${run.status === 'failed' ? html`<span class="run-error">${run.error ?? 'failed'}</span>`
          : run.status === 'succeeded' ? describeResult(run.result) || 'Done'
          : run.progress?.total ? `${run.progress.done} of ${run.progress.total}` : nothing}</td>
      </tr>`)}</tbody></table></div>`;
  }
}
