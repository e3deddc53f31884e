// An SVG line chart of a client's devices and each product line's licenses over the snapshots,
// on a time axis (placed by date; several snapshots on one day share one label), with a
// billed series per product when PSA billing was on (dashed, in the product's colour), a
// marker where the counting rules changed, a legend and a text alternative. It is drawn at the
// container's real pixel width, so its labels keep their size on a phone.
import { html, nothing, svg, type TemplateResult } from 'lit';
import { formatDate, formatDay } from '../shared/format.js';
import type { TrendPoint } from '../shared/types.js';

const HEIGHT = 220;
const PAD = { top: 16, right: 28, bottom: 30, left: 40 };
/** Minimum room between two date labels, in pixels. */
const LABEL_GAP = 64;
export const SERIES_COUNT = 5;

interface Series { productId: string; productName: string; index: number }

export function trendSeries(points: TrendPoint[]): Series[] {
  const byId = new Map<string, Series>();
  for (const point of points) {
    for (const line of point.lines) {
      if (!byId.has(line.productId)) byId.set(line.productId, { productId: line.productId, productName: line.productName, index: byId.size % SERIES_COUNT });
    }
  }
  return [...byId.values()];
}

export function renderTrendChart(trend: TrendPoint[], width: number): TemplateResult {
  if (trend.length === 0) return html`<p class="muted">No snapshots yet.</p>`;
  const points = [...trend].sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt));
  const series = trendSeries(points);
  const licenses = (point: TrendPoint, productId: string) => point.lines.find((line) => line.productId === productId)?.licenses;
  const billed = (point: TrendPoint, productId: string) => point.lines.find((line) => line.productId === productId)?.billed ?? undefined; // null: no PSA data at that point
  const billedSeries = series.filter((s) => points.some((point) => billed(point, s.productId) !== undefined));
  const values = points.flatMap((point) => [point.devices, ...point.lines.flatMap((line) => [line.licenses, line.billed ?? 0])]);
  const yMax = niceCeiling(Math.max(1, ...values));
  const w = Math.max(260, Math.round(width));
  const plotWidth = w - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const t0 = Date.parse(points[0].takenAt);
  const span = Date.parse(points[points.length - 1].takenAt) - t0;
  const x = (point: TrendPoint) => PAD.left + (span === 0 ? plotWidth / 2 : ((Date.parse(point.takenAt) - t0) / span) * plotWidth);
  const y = (value: number) => PAD.top + plotHeight - (value / yMax) * plotHeight;
  const path = (pick: (point: TrendPoint) => number | undefined) =>
    points.filter((point) => pick(point) !== undefined).map((point) => `${x(point).toFixed(1)},${y(pick(point)!).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  const latestLines = last.lines.map((line) => `${line.productName} ${line.licenses} licenses`).join(', ');
  const description = `${points.length} snapshot${points.length === 1 ? '' : 's'} from ${formatDay(points[0].takenAt)} to ${formatDay(last.takenAt)}. Latest: ${last.devices} devices${latestLines ? `; ${latestLines}` : ''}.`;

  return html`<figure class="trend" part="trend">
    <svg width=${w} height=${HEIGHT} viewBox="0 0 ${w} ${HEIGHT}" role="img" aria-labelledby="trend-title trend-desc">
      <title id="trend-title">Devices and licenses per product over time</title>
      <desc id="trend-desc">${description}</desc>
      ${[0, yMax / 2, yMax].map((tick) => svg`<line class="gridline" x1=${PAD.left} x2=${w - PAD.right} y1=${y(tick)} y2=${y(tick)}></line>
        <text class="axis" x=${PAD.left - 6} y=${y(tick) + 4} text-anchor="end">${Math.round(tick)}</text>`)}
      ${dateLabels(points, x).map(({ at, label }) => svg`<text class="axis date" x=${at} y=${HEIGHT - 8} text-anchor="middle">${label}</text>`)}
      ${points.filter((point) => point.rulesChanged).map((point) => svg`<line class="rules-mark" x1=${x(point)} x2=${x(point)} y1=${PAD.top} y2=${PAD.top + plotHeight}>
        <title>${point.reason ?? 'Counting rules changed'} (${formatDay(point.takenAt)})</title></line>
        <text class="axis rules-label" x=${x(point) + 3} y=${PAD.top + 10}>rules</text>`)}
      <polyline class="series devices" points=${path((point) => point.devices)}></polyline>
      ${series.map((s) => svg`<polyline class="series licenses s${s.index}" data-product-id=${s.productId} points=${path((point) => licenses(point, s.productId))}></polyline>`)}
      ${billedSeries.map((s) => svg`<polyline class="series billed s${s.index}" data-product-id=${s.productId} points=${path((point) => billed(point, s.productId))}></polyline>`)}
      ${points.map((point) => svg`<circle class="dot devices" cx=${x(point)} cy=${y(point.devices)} r="3"></circle>
        ${point.lines.map((line) => svg`<circle class="dot licenses s${series.find((s) => s.productId === line.productId)!.index}" cx=${x(point)} cy=${y(line.licenses)} r="3"></circle>`)}`)}
    </svg>
    <figcaption class="legend">
      <span><span class="swatch devices" aria-hidden="true"></span>Devices</span>
      ${series.map((s) => html`<span class="legend-product"><span class="swatch licenses s${s.index}" aria-hidden="true"></span>${s.productName} licenses</span>`)}
      ${billedSeries.map((s) => html`<span class="legend-product"><span class="swatch billed s${s.index}" aria-hidden="true"></span>${s.productName} billed</span>`)}
      ${points.some((point) => point.rulesChanged) ? html`<span><span class="swatch rules" aria-hidden="true"></span>Counting rules changed</span>` : nothing}
    </figcaption>
    <div class="visually-hidden"><table>
        <caption>Devices and licenses per snapshot</caption>
        <thead><tr><th scope="col">Snapshot</th><th scope="col">Devices</th>${series.map((s) => html`<th scope="col">${s.productName} licenses</th><th scope="col">${s.productName} variance</th>${billedSeries.includes(s) ? html`<th scope="col">${s.productName} billed</th>` : nothing}`)}<th scope="col">Note</th></tr></thead>
        <tbody>${points.map((point) => html`<tr><td>${new Date(point.takenAt).toLocaleString()}</td><td>${point.devices}</td>
          ${series.map((s) => { const line = point.lines.find((candidate) => candidate.productId === s.productId); return html`<td>${line?.licenses ?? ''}</td><td>${line?.variance ?? ''}</td>${billedSeries.includes(s) ? html`<td>${line?.billed ?? ''}</td>` : nothing}`; })}
          <td>${point.rulesChanged ? point.reason ?? 'Counting rules changed' : ''}</td></tr>`)}</tbody>
    </table></div>
  </figure>`;
}

/** One label per calendar day, skipping days too close to the previous label. */
function dateLabels(points: TrendPoint[], x: (point: TrendPoint) => number): { at: number; label: string }[] {
  const labels: { at: number; label: string }[] = [];
  for (const point of points) {
    const label = formatDate(point.takenAt);
    const at = x(point);
    const previous = labels[labels.length - 1];
    if (previous && (previous.label === label || at - previous.at < LABEL_GAP)) continue;
    labels.push({ at, label });
  }
  return labels;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  return (steps.find((step) => step * magnitude >= value) ?? 10) * magnitude;
}
