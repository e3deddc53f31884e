// The live progress bar, phase and outcome of one sync run.
import { html, nothing, type TemplateResult } from 'lit';
import { errorMessage, type StatusMessages } from './states.js';
import { humanize } from './format.js';
import type { TrackedRun } from './run-tracker.js';

export function renderRunProgress(label: string, tracked: TrackedRun | undefined, messages: StatusMessages = {}): TemplateResult | typeof nothing {
  if (!tracked) return nothing;
  const { run, error } = tracked;
  if (error) return html`<p class="run-error" role="alert">${errorMessage(error, messages)}</p>`;
  if (!run) return html`<p class="muted" role="status">Starting…</p>`;
  const total = run.progress?.total ?? 0;
  const done = Math.min(run.progress?.done ?? 0, total);
  const percent = total > 0 ? Math.round((done / total) * 100) : run.status === 'succeeded' ? 100 : 0;
  const active = run.status === 'queued' || run.status === 'running';
  return html`<div class="run" part="run">
    ${active || run.status === 'succeeded'
      ? html`<div class="progress" part="progress" role="progressbar" aria-label="${label} progress"
          aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent}>
          <div class="progress-fill" style="width:${percent}%"></div>
        </div>`
      : nothing}
    <p class="muted run-phase" role="status" aria-live="polite">
      ${active ? html`${humanize(run.status)}${run.phase ? html` · ${humanize(run.phase)}` : nothing}${total ? html` · ${done} of ${total}` : nothing}` : nothing}
      ${run.status === 'succeeded' ? html`Finished${summarizeResult(run.result)}` : nothing}
    </p>
    ${run.status === 'failed' ? html`<p class="run-error" role="alert">Failed: ${run.error || 'unknown error'}</p>` : nothing}
  </div>`;
}

/** A short, text-only summary of a run's result object (its scalar fields). */
export function summarizeResult(result: unknown): string {
  if (!result || typeof result !== 'object') return '';
  const parts = Object.entries(result as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    .slice(0, 4)
    .map(([key, value]) => `${humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2')).toLowerCase()}: ${String(value)}`);
  return parts.length ? `: ${parts.join(', ')}` : '';
}
