// The label every view shows when it reads an earlier snapshot or version, with the way back.
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime } from '../shared/format.js';
import type { HistoryMark } from '../shared/types.js';

export function renderHistoryBanner(mark: HistoryMark | undefined, backToLatest?: () => void): TemplateResult | typeof nothing {
  if (!mark || mark.latest !== false || !mark.snapshot) return nothing;
  return html`<div class="history" part="history" role="status">
    <strong>History:</strong>
    <span>Showing the snapshot of <time datetime=${mark.snapshot.takenAt}>${formatDateTime(mark.snapshot.takenAt)}</time>${mark.version ? `, version ${mark.version}` : ''} — not the latest.</span>
    ${backToLatest ? html`<button class="btn" part="button" @click=${backToLatest}>Back to latest</button>` : nothing}
  </div>`;
}
