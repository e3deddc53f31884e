// A small SVG line chart of devices vs licences over the snapshots, with axis labels, a
// legend and a text alternative (an SVG title/description plus a visually hidden table).
import { html, svg, type TemplateResult } from 'lit';
import { formatDate } from '../shared/format.js';
import type { TrendPoint } from '../shared/types.js';

const WIDTH = 480;
const HEIGHT = 200;
const PAD = { top: 12, right: 16, bottom: 28, left: 36 };

/** Until the chart draws one series per product: the licences of the first product line (the same product at every point). */
type Point = TrendPoint & { licenses: number };
const withLicenses = (point: TrendPoint): Point => ({ ...point, licenses: point.lines[0]?.licenses ?? 0 });

export function renderTrendChart(trend: TrendPoint[]): TemplateResult {
  if (trend.length === 0) return html`<p class="muted">No snapshots yet.</p>`;
  const points = [...trend].sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt)).map(withLicenses);
  const maxValue = Math.max(1, ...points.flatMap((point) => [point.devices, point.licenses]));
  const yMax = niceCeiling(maxValue);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length === 1 ? plotWidth / 2 : (index / (points.length - 1)) * plotWidth);
  const y = (value: number) => PAD.top + plotHeight - (value / yMax) * plotHeight;
  const line = (pick: (point: Point) => number) => points.map((point, index) => `${x(index)},${y(pick(point))}`).join(' ');
  const ticks = [0, yMax / 2, yMax];
  const last = points[points.length - 1];
  const description = `${points.length} snapshot${points.length === 1 ? '' : 's'} from ${formatDate(points[0].takenAt)} to ${formatDate(last.takenAt)}. Latest: ${last.devices} devices, ${last.licenses} licences.`;
  const labelEvery = Math.ceil(points.length / 6);

  return html`<figure class="trend" part="trend">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="trend-title trend-desc">
      <title id="trend-title">Devices and licences over time</title>
      <desc id="trend-desc">${description}</desc>
      ${ticks.map((tick) => svg`<line class="gridline" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(tick)} y2=${y(tick)}></line>
        <text class="axis" x=${PAD.left - 6} y=${y(tick) + 4} text-anchor="end">${Math.round(tick)}</text>`)}
      ${points.map((point, index) => (index % labelEvery === 0 || index === points.length - 1)
        ? svg`<text class="axis" x=${x(index)} y=${HEIGHT - 8} text-anchor="middle">${formatDate(point.takenAt)}</text>` : null)}
      <polyline class="series devices" points=${line((point) => point.devices)}></polyline>
      <polyline class="series licenses" points=${line((point) => point.licenses)}></polyline>
      ${points.map((point, index) => svg`<circle class="dot devices" cx=${x(index)} cy=${y(point.devices)} r="3"></circle>
        <circle class="dot licenses" cx=${x(index)} cy=${y(point.licenses)} r="3"></circle>`)}
    </svg>
    <figcaption class="legend">
      <span><span class="swatch devices" aria-hidden="true"></span>Devices</span>
      <span><span class="swatch licenses" aria-hidden="true"></span>Licences</span>
    </figcaption>
    <table class="visually-hidden">
      <caption>Devices and licences per snapshot</caption>
      <thead><tr><th scope="col">Snapshot</th><th scope="col">Devices</th><th scope="col">Licences</th></tr></thead>
      <tbody>${points.map((point) => html`<tr><td>${formatDate(point.takenAt)}</td><td>${point.devices}</td><td>${point.licenses}</td></tr>`)}</tbody>
    </table>
  </figure>`;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  return (steps.find((step) => step * magnitude >= value) ?? 10) * magnitude;
}
