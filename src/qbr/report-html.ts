// report.html: one self-contained printable page. Styles are inline (<style>, which the API's
// Content-Security-Policy allows: style-src 'unsafe-inline'), the charts are inline SVG, there is
// no script and nothing is loaded from elsewhere, so it prints the same offline, from a blob URL.
import { chartSvg, SERIES } from './report-chart.js';
import type { ReportContent, Table } from './report-content.js';

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(t: Table, caption: string): string {
  const cls = (i: number) => (t.numeric.includes(i) ? ' class="num"' : '');
  // On a narrow screen a wide table scrolls in its own box (focusable, so a keyboard can scroll it); on paper it fits.
  return `<div class="scroll" role="region" aria-label="${esc(caption)}" tabindex="0"><table><caption>${esc(caption)}</caption><thead><tr>${t.headers.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${t.rows.map((r) => `<tr>${r.map((cell, i) => (i === 0 ? `<th scope="row">${esc(cell)}</th>` : `<td${cls(i)}>${esc(cell)}</td>`)).join('')}</tr>`).join('')}</tbody></table></div>`;
}

function legend(labels: string[]): string {
  const swatch = (s: (typeof SERIES)[keyof typeof SERIES]) =>
    `<svg width="34" height="12" aria-hidden="true"><line x1="1" x2="33" y1="6" y2="6" stroke="${s.color}" stroke-width="${s.width}"${s.dash.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/></svg>`;
  return `<ul class="legend">${Object.values(SERIES).filter((s) => labels.includes(s.label)).map((s) => `<li>${swatch(s)} ${esc(s.label)}</li>`).join('')}</ul>`;
}

const STYLE = `
@page { margin: 16mm 14mm; } /* no size: the printer's paper, A4 or Letter; the content fits the narrower (A4) */
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 12mm 8mm; }
header { border-bottom: 2px solid #111; padding-bottom: 6pt; margin-bottom: 10pt; }
h1 { font-size: 19pt; margin: 0 0 2pt; line-height: 1.2; overflow-wrap: anywhere; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; border-bottom: 1px solid #999; padding-bottom: 2pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 2pt; break-after: avoid; overflow-wrap: anywhere; }
.meta { margin: 0; color: #333; }
.meta div { display: inline; margin-right: 14pt; }
.meta dt { display: inline; font-weight: 600; }
.meta dd { display: inline; margin: 0 0 0 3pt; }
.note { color: #333; margin: 4pt 0; }
dl.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(44mm, 1fr)); gap: 6pt; margin: 0; }
dl.totals div { border: 1px solid #999; border-radius: 3pt; padding: 4pt 6pt; break-inside: avoid; }
dl.totals dt { font-size: 8.5pt; color: #333; }
dl.totals dd { margin: 0; font-size: 13pt; font-weight: 700; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 9.5pt; }
caption { text-align: left; font-weight: 600; padding-bottom: 2pt; }
th, td { border-bottom: 1px solid #bbb; padding: 3pt 4pt; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { border-bottom: 1.5px solid #111; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
figure { margin: 4pt 0 10pt; break-inside: avoid; }
figcaption { font-size: 9pt; color: #333; }
svg.chart { width: 100%; height: auto; max-height: 70mm; display: block; }
ul.legend { list-style: none; padding: 0; margin: 2pt 0; display: flex; gap: 14pt; font-size: 9pt; }
ul.legend li { display: flex; align-items: center; gap: 4pt; }
footer { margin-top: 16pt; font-size: 8.5pt; color: #333; border-top: 1px solid #999; padding-top: 4pt; }
.scroll { overflow-x: auto; }
@media screen and (max-width: 600px) { main { padding: 4mm 3mm; } table { font-size: 8.5pt; } th, td { padding: 2pt 3pt; } }
@media print { main { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;

export function reportHtml(c: ReportContent): string {
  const labels = [...new Set(c.charts.flatMap((ch) => ch.layout.series.map((s) => s.style.label)))];
  const charts = c.charts.length
    ? `${legend(labels)}${c.charts.map((ch, i) => `<figure><h3>${esc(ch.productName)}</h3>${chartSvg(ch.layout, `chart-${i}`, `${ch.productName}: devices and licences over the period`, ch.description)}<figcaption>${esc(ch.description)}</figcaption></figure>`).join('')}`
    : '<p class="note">This client has no per-device product line.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.title)} (${esc(c.period)})</title><style>${STYLE}</style></head>
<body><main>
<header><h1>${esc(c.title)}</h1>
<dl class="meta"><div><dt>Period</dt><dd>${esc(c.period)}</dd></div><div><dt>Prepared by</dt><dd>${esc(c.preparedBy)}</dd></div><div><dt>Produced</dt><dd>${esc(c.produced)}</dd></div></dl>
<p class="note">${esc(c.asOf)}</p></header>
<section aria-labelledby="s-totals"><h2 id="s-totals">Totals</h2>
<dl class="totals">${c.totals.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl></section>
<section aria-labelledby="s-products"><h2 id="s-products">Products</h2>${c.products.rows.length ? table(c.products, 'Devices, licences and money per product') : '<p class="note">No per-device product line.</p>'}</section>
<section aria-labelledby="s-trend"><h2 id="s-trend">Devices and licences over the period</h2>${charts}</section>
<section aria-labelledby="s-gaps"><h2 id="s-gaps">Current gaps</h2>${c.gaps.rows.length ? table(c.gaps, 'Gaps and their state') : '<p class="note">No gaps: licences match billable devices.</p>'}</section>
<section aria-labelledby="s-changes"><h2 id="s-changes">What changed in the period</h2><p>${esc(c.changes.summary)}</p>${c.changes.table ? table(c.changes.table, 'Licences per product, first and last snapshot') : ''}</section>
<section aria-labelledby="s-activity"><h2 id="s-activity">Actions and exceptions in the period</h2>${c.activity.table.rows.length ? table(c.activity.table, 'Audit log entries about this client') : '<p class="note">Nothing was changed for this client in the period.</p>'}${c.activity.note ? `<p class="note">${esc(c.activity.note)}</p>` : ''}</section>
<footer>BillingOne Reconcile. Devices are PanelOne devices that pass the counting rules; licences are Pax8 subscriptions of per-device products in a licensed status. Money is per month, in USD.</footer>
</main></body></html>`;
}
