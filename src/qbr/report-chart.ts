// The report's line chart, laid out once and drawn twice: as inline SVG for report.html and with
// PDFKit's vector calls for report.pdf, so both show the same lines. Each series has its own dash
// pattern and marker as well as its colour, so the chart reads in black and white.
import type { ReportPeriod, TrendPoint } from './report.service.js';

export interface SeriesStyle {
  label: string;
  color: string;
  /** Stroke dash pattern (empty: solid). */
  dash: number[];
  width: number;
  marker: 'circle' | 'square' | 'triangle';
}

export const SERIES: Record<'devices' | 'licenses' | 'billed', SeriesStyle> = {
  devices: { label: 'Billable devices', color: '#1d4e89', dash: [], width: 2.5, marker: 'circle' },
  licenses: { label: 'Pax8 licences', color: '#9a3412', dash: [7, 4], width: 2, marker: 'square' },
  billed: { label: 'Billed in PSA', color: '#166534', dash: [2, 3], width: 2, marker: 'triangle' },
};

export interface ChartSeries {
  style: SeriesStyle;
  points: Array<{ x: number; y: number; value: number }>;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
  series: ChartSeries[];
}

const DAY_MS = 86_400_000;
const MONTH = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A round step giving about five intervals up to `max`. */
function step(max: number): number {
  const raw = Math.max(1, max / 5);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
}

/** One product's devices, licences and (where the lines carry it) billed quantity across the period. */
export function productChart(trend: TrendPoint[], productId: string, period: ReportPeriod, size = { width: 520, height: 170 }): ChartLayout {
  const plot = { left: 40, top: 12, right: size.width - 12, bottom: size.height - 28 };
  const start = Date.parse(`${period.from}T00:00:00Z`);
  const end = Date.parse(`${period.to}T00:00:00Z`) + DAY_MS;
  const x = (t: number) => plot.left + ((t - start) / (end - start)) * (plot.right - plot.left);

  const values = {
    devices: trend.map((p) => ({ t: Date.parse(p.takenAt), value: p.devices as number | null })),
    licenses: trend.map((p) => ({ t: Date.parse(p.takenAt), value: p.lines.get(productId)?.licenses ?? null })),
    billed: trend.map((p) => ({ t: Date.parse(p.takenAt), value: p.lines.get(productId)?.billed ?? null })),
  };
  const shown = (['devices', 'licenses', 'billed'] as const).filter((k) => values[k].some((v) => v.value !== null));
  const max = Math.max(1, ...shown.flatMap((k) => values[k].map((v) => v.value ?? 0)));
  const yStep = step(max);
  const yMax = Math.ceil(max / yStep) * yStep;
  const y = (v: number) => plot.bottom - (v / yMax) * (plot.bottom - plot.top);

  const xTicks: ChartLayout['xTicks'] = [];
  const month = new Date(start);
  month.setUTCDate(1);
  if (month.getTime() < start) month.setUTCMonth(month.getUTCMonth() + 1);
  const months: number[] = [];
  for (; month.getTime() < end; month.setUTCMonth(month.getUTCMonth() + 1)) months.push(month.getTime());
  // At most about six labels, so they never overlap on a page's width.
  const every = Math.ceil(months.length / 6) || 1;
  months.forEach((t, i) => { if (i % every === 0) xTicks.push({ x: x(t), label: MONTH.format(t) }); });

  const yTicks: ChartLayout['yTicks'] = [];
  for (let v = 0; v <= yMax; v += yStep) yTicks.push({ y: y(v), label: String(v) });

  return {
    width: size.width, height: size.height, plot, xTicks, yTicks,
    series: shown.map((k) => ({
      style: SERIES[k],
      points: values[k].filter((v): v is { t: number; value: number } => v.value !== null).map((v) => ({ x: x(v.t), y: y(v.value), value: v.value })),
    })),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function svgMarker(style: SeriesStyle, px: number, py: number): string {
  const [cx, cy] = [round(px), round(py)];
  if (style.marker === 'circle') return `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${style.color}"/>`;
  if (style.marker === 'square') return `<rect x="${cx - 3.5}" y="${cy - 3.5}" width="7" height="7" fill="#fff" stroke="${style.color}" stroke-width="1.5"/>`;
  return `<path d="M${cx} ${cy - 4.5}L${cx + 4} ${cy + 3}L${cx - 4} ${cy + 3}Z" fill="${style.color}"/>`;
}

/** The chart as inline SVG: no script, no external reference; `title` and `description` are for screen readers. */
export function chartSvg(layout: ChartLayout, id: string, title: string, description: string): string {
  const { plot } = layout;
  const parts: string[] = [];
  for (const t of layout.yTicks) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${round(t.y)}" y2="${round(t.y)}" stroke="#d4d4d4" stroke-width="0.75"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${round(t.y) + 3.5}" text-anchor="end" font-size="10" fill="#333">${t.label}</text>`);
  }
  for (const t of layout.xTicks) {
    parts.push(`<line x1="${round(t.x)}" x2="${round(t.x)}" y1="${plot.bottom}" y2="${plot.bottom + 4}" stroke="#333" stroke-width="0.75"/>`);
    // A label near an edge is anchored to stay inside the chart.
    const anchor = t.x > layout.width - 30 ? 'end' : t.x < plot.left + 20 ? 'start' : 'middle';
    parts.push(`<text x="${round(t.x)}" y="${plot.bottom + 16}" text-anchor="${anchor}" font-size="10" fill="#333">${esc(t.label)}</text>`);
  }
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333" stroke-width="1"/>`);
  for (const s of layout.series) {
    if (s.points.length > 1) {
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${round(p.x)} ${round(p.y)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.style.color}" stroke-width="${s.style.width}"${s.style.dash.length ? ` stroke-dasharray="${s.style.dash.join(' ')}"` : ''}/>`);
    }
    for (const p of s.points) parts.push(svgMarker(s.style, p.x, p.y));
  }
  return `<svg class="chart" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`
    + `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(description)}</desc>${parts.join('')}</svg>`;
}
