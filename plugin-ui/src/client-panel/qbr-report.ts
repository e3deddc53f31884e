// The drill-down's "QBR report" box: a period (default: the last calendar quarter) and two
// buttons, one opening the printable page in a new tab, one downloading the PDF. Both fetch
// with the bearer token (a bare link would be a 401), like the CSV download.
import { html, type TemplateResult } from 'lit';

/** A type, not an interface, so it passes as a query (an index signature). */
export type QbrPeriod = { from: string; to: string };

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The calendar quarter before the one `today` is in (UTC): on 2 Dec 2026, 1 Jul – 30 Sep 2026. */
export function lastQuarter(today = new Date()): QbrPeriod {
  const firstMonth = Math.floor(today.getUTCMonth() / 3) * 3;
  const start = new Date(Date.UTC(today.getUTCFullYear(), firstMonth - 3, 1));
  const end = new Date(Date.UTC(today.getUTCFullYear(), firstMonth, 0));
  return { from: iso(start), to: iso(end) };
}

export interface QbrControls {
  period: QbrPeriod;
  allowed: boolean;
  reason: string;
  busy: boolean;
  message: string;
  onPeriod(period: QbrPeriod): void;
  onOpen(): void;
  onDownload(): void;
}

export function renderQbrReport(c: QbrControls): TemplateResult {
  const change = (key: keyof QbrPeriod) => (event: Event) => c.onPeriod({ ...c.period, [key]: (event.target as HTMLInputElement).value });
  const valid = Boolean(c.period.from && c.period.to && c.period.from <= c.period.to);
  const disabled = !c.allowed || c.busy || !valid;
  return html`<section class="panel wide qbr" part="section" aria-labelledby="qbr-title">
    <h3 id="qbr-title">QBR report</h3>
    <p class="muted">Devices against licences over the period, the current gaps, what changed and what was done, for the client's quarterly review.</p>
    <div class="qbr-row">
      <label>From <input type="date" .value=${c.period.from} max=${c.period.to} @change=${change('from')} /></label>
      <label>To <input type="date" .value=${c.period.to} min=${c.period.from} @change=${change('to')} /></label>
      <button class="btn primary" part="button" ?disabled=${disabled} title=${c.allowed ? '' : c.reason} @click=${c.onOpen}>Open printable report</button>
      <button class="btn" part="button" ?disabled=${disabled} title=${c.allowed ? '' : c.reason} @click=${c.onDownload}>Download PDF</button>
    </div>
    <p class="muted" role="status">${valid ? c.message : 'Choose a start date on or before the end date.'}</p>
  </section>`;
}
