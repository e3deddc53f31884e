// The live progress bar, phase and outcome of one sync run. The bar follows progress.done /
// progress.total of the current phase, and is indeterminate (moving, no value) while the total
// is unknown, so it never sits at 0 % and jumps to done.
import { html, nothing, type TemplateResult } from 'lit';
import { errorMessage, type StatusMessages } from './states.js';
import { formatCount, humanize } from './format.js';
import type { TrackedRun } from './run-tracker.js';

export function renderRunProgress(label: string, tracked: TrackedRun | undefined, messages: StatusMessages = {}): TemplateResult | typeof nothing {
  if (!tracked) return nothing;
  const { run, error, pollError } = tracked;
  if (error) return html`<p class="run-error" role="alert">${errorMessage(error, messages)}</p>`;
  if (!run) return html`<div class="run" part="run">${progressBar(label, null)}<p class="muted run-phase" role="status">Starting…</p></div>`;
  const total = run.progress?.total ?? 0;
  const done = Math.min(run.progress?.done ?? 0, total);
  const active = run.status === 'queued' || run.status === 'running';
  const percent = run.status === 'succeeded' ? 100 : active && total > 0 ? Math.round((done / total) * 100) : null;
  return html`<div class="run" part="run">
    ${active || run.status === 'succeeded' ? progressBar(label, percent) : nothing}
    <p class="muted run-phase" role="status" aria-live="polite">
      ${active ? html`${humanize(run.status)}${run.phase ? html` · ${humanize(run.phase)}` : nothing}${total ? html` · ${done} of ${total}` : nothing}` : nothing}
      ${run.status === 'succeeded' ? `Finished. ${describeResult(run.result)}`.trim() : nothing}
      ${pollError ? html`<span class="tone-over"> · Lost contact with the service; still following the run…</span>` : nothing}
    </p>
    ${run.status === 'failed' ? html`<p class="run-error" role="alert">Failed: ${run.error || 'the run stopped without saying why'}</p>` : nothing}
  </div>`;
}

function progressBar(label: string, percent: number | null): TemplateResult {
  return html`<div class="progress ${percent === null ? 'indeterminate' : ''}" part="progress" role="progressbar"
    aria-label="${label} progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent ?? nothing}
    aria-valuetext=${percent === null ? 'In progress' : `${percent}%`}>
    <div class="progress-fill" style=${percent === null ? '' : `width:${percent}%`}></div>
  </div>`;
}

/** How each counted thing reads in a sentence; ids and step lists are left out. */
const PHRASES: Record<string, [string, string]> = {
  deviceCount: ['device read', 'devices read'],
  devicesRead: ['device read', 'devices read'],
  billableCount: ['billable device', 'billable devices'],
  clients: ['client reconciled', 'clients reconciled'],
  companies: ['Pax8 company synced', 'Pax8 companies synced'],
  contacts: ['contact synced', 'contacts synced'],
  products: ['product synced', 'products synced'],
  subscriptions: ['subscription synced', 'subscriptions synced'],
  organizations: ['organization synced', 'organizations synced'],
  suggested: ['mapping suggested', 'mappings suggested'],
  prices: ['price synced', 'prices synced'],
};

/** "3,000 devices read, 36 mappings suggested." from a run's result counts. */
export function describeResult(result: unknown): string {
  if (!result || typeof result !== 'object') return '';
  const parts = Object.entries(result as Record<string, unknown>)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .slice(0, 4)
    .map(([key, value]) => {
      const [one, many] = PHRASES[key] ?? [humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2')).toLowerCase(), humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2')).toLowerCase()];
      return `${formatCount(value)} ${value === 1 ? one : many}`;
    });
  if (!parts.length) return '';
  const sentence = parts.join(', ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
