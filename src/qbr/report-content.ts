// What the QBR report says, in words and table rows, built once from the gathered report so the
// HTML page and the PDF carry the same text and figures (each renderer only lays it out).
import type { AuditEntryDto } from '../audit/dto/audit.dto.js';
import type { MoneyDto } from '../reconciliation/dto/reconciliation.dto.js';
import { REASON_LABELS, STATUS_LABELS } from '../reconciliation/export.service.js';
import type { ClientStatus, ExceptionReason } from '../reconciliation/reconcile.js';
import { productChart, type ChartLayout } from './report-chart.js';
import { billedOf, type QbrReport } from './report.service.js';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns holding numbers (right-aligned). */
  numeric: number[];
}

export interface ReportContent {
  title: string;
  clientName: string;
  period: string;
  preparedBy: string;
  produced: string;
  asOf: string;
  totals: Array<[string, string]>;
  products: Table;
  charts: Array<{ productId: string; productName: string; layout: ChartLayout; description: string }>;
  gaps: Table;
  changes: { summary: string; table: Table | null };
  activity: { table: Table; note: string | null };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** "2 Sep 2026" (UTC): unambiguous on either side of the Atlantic. */
export function day(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
const dateTime = (iso: string) => `${day(iso)} ${iso.slice(11, 16)} UTC`;
export const money = (m: MoneyDto | null) => (m === null ? 'no price' : USD.format(m.amount));
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : '0');
const status = (s: string) => STATUS_LABELS[s as ClientStatus] ?? s;
const reason = (r: unknown) => (typeof r === 'string' ? REASON_LABELS[r as ExceptionReason] ?? r : null);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function gapText(variance: number): string {
  return variance > 0 ? `${plural(variance, 'seat')} short` : `${plural(-variance, 'seat')} unused`;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);

/**
 * A sentence for any audit entry about the client. Known fields (product, reason, note, until,
 * quantities, Pax8 company, state) are named when the entry has them; a type nobody taught this
 * function still reads as "Thing: what happened", so the actions' and other new entries show.
 */
export function auditSentence(e: AuditEntryDto): string {
  const [thing, ...what] = e.type.split('.');
  const head = `${thing.charAt(0).toUpperCase()}${thing.slice(1)} ${what.join(' ') || 'changed'}`.replace(/-/g, ' ');
  const state = e.after ?? e.before ?? {};
  const details: string[] = [];
  const product = str(state.productName) ?? str(state.product);
  if (product) details.push(product);
  if (e.type === 'mapping.changed') {
    const company = str(e.after?.pax8CompanyName) ?? str(e.after?.pax8CompanyId);
    const state = str(e.after?.mappingState);
    details.push(`${company ? `mapped to Pax8 company ${company}` : 'mapped to no Pax8 company'}${state ? ` (${state})` : ''}`);
  }
  const why = reason(state.reason);
  if (why) details.push(`reason: ${why}`);
  if (str(state.note)) details.push(`note: ${str(state.note)}`);
  if ('until' in state) details.push(str(state.until) ? `until ${str(state.until)}` : 'no end date');
  const from = str(state.fromQuantity);
  const to = str(state.toQuantity);
  if (from !== null && to !== null) details.push(`quantity ${from} \u2192 ${to}`);
  if (str(state.state) && e.type !== 'mapping.changed') details.push(`state: ${str(state.state)}`);
  return details.length ? `${head}: ${details.join(', ')}` : head;
}

export function reportContent(r: QbrReport): ReportContent {
  const c = r.client;
  const showBilled = c.lines.some((l) => billedOf(l) !== null);
  const period = `${day(r.period.from)} \u2013 ${day(r.period.to)}`;

  const totals: Array<[string, string]> = [
    ['Status', status(c.status)],
    ['Billable devices', String(c.devices)],
    ['Licences (main product)', c.licenses === null ? 'not mapped' : String(c.licenses)],
    ['Variance (devices \u2212 licences)', c.variance === null ? 'not mapped' : signed(c.variance)],
    ['Revenue at risk per month', money(c.revenueAtRisk)],
    ['Overspend per month', money(c.overspend)],
    ['Seats with no price', String(c.unpricedSeats)],
  ];
  if (c.acceptedRevenueAtRisk.amount || c.acceptedOverspend.amount || c.acceptedUnpricedSeats) {
    totals.push(['Accepted (not in the totals)', `${money(c.acceptedRevenueAtRisk)} at risk, ${money(c.acceptedOverspend)} overspend, ${c.acceptedUnpricedSeats} unpriced seats`]);
  }

  const products: Table = {
    headers: ['Product', 'Devices', 'Licences', ...(showBilled ? ['Billed'] : []), 'Variance', 'Status', 'Revenue at risk', 'Overspend'],
    numeric: showBilled ? [1, 2, 3, 4, 6, 7] : [1, 2, 3, 5, 6],
    rows: c.lines.map((l) => [
      l.productName, String(l.devices), String(l.licenses), ...(showBilled ? [billedOf(l) === null ? '\u2013' : String(billedOf(l))] : []),
      signed(l.variance), l.gapState === 'accepted' ? 'Accepted' : status(l.status), money(l.revenueAtRisk), money(l.overspend),
    ]),
  };

  const charts = c.lines.map((l) => {
    const layout = productChart(r.trend, l.productId, r.period);
    const first = r.trend[0];
    const last = r.trend[r.trend.length - 1];
    const description = r.trend.length === 1
      ? `${l.productName}: one snapshot in the period, on ${day(first.takenAt)}: billable devices ${first.devices}, licences ${first.lines.get(l.productId)?.licenses ?? 'none'}.`
      : r.trend.length
      ? `${l.productName}: ${plural(r.trend.length, 'snapshot')} in the period. Billable devices ${first.devices} on ${day(first.takenAt)}, ${last.devices} on ${day(last.takenAt)}; `
        + `licences ${first.lines.get(l.productId)?.licenses ?? 'none'} then ${last.lines.get(l.productId)?.licenses ?? 'none'}.`
      : `${l.productName}: no snapshot was taken in the period.`;
    return { productId: l.productId, productName: l.productName, layout, description };
  });

  const gaps: Table = {
    headers: ['Product', 'Gap', 'State', 'Open since', 'Exception'],
    numeric: [],
    rows: r.gaps.map((g) => [
      g.productName, gapText(g.variance), g.state === 'accepted' ? 'Accepted' : 'Open', day(g.since),
      g.exception
        ? `${reason(g.exception.reason)}${g.exception.note ? `: ${g.exception.note}` : ''}; ${g.exception.until ? `until ${day(g.exception.until)}` : 'no end date'} (accepted by ${g.exception.by} on ${day(g.exception.at)})`
        : '\u2013',
    ]),
  };

  let changes: ReportContent['changes'];
  if (!r.changes) {
    changes = { summary: r.trend.length === 1 ? `One snapshot in the period (${day(r.trend[0].takenAt)}): nothing to compare.` : 'No snapshot was taken in the period.', table: null };
  } else {
    const { first, last } = r.changes;
    changes = {
      summary: `From the snapshot of ${day(first.takenAt)} to that of ${day(last.takenAt)}: billable devices ${first.devices} \u2192 ${last.devices} (${signed(last.devices - first.devices)}).`,
      table: {
        headers: ['Product', `Licences ${day(first.takenAt)}`, `Licences ${day(last.takenAt)}`, 'Change'],
        numeric: [1, 2, 3],
        rows: r.changes.products.map((p) => [
          p.productName, p.licensesFirst === null ? 'no line' : String(p.licensesFirst), p.licensesLast === null ? 'no line' : String(p.licensesLast),
          signed((p.licensesLast ?? 0) - (p.licensesFirst ?? 0)),
        ]),
      },
    };
  }

  const activity = {
    table: { headers: ['When', 'What', 'By'], numeric: [], rows: r.activity.items.map((e) => [dateTime(e.at), auditSentence(e), e.actor]) },
    note: r.activity.total > r.activity.items.length ? `The ${r.activity.items.length} latest of ${r.activity.total} entries are listed; the audit log has them all.` : null,
  };

  return {
    title: `Quarterly business review: ${c.name}`,
    clientName: c.name,
    period,
    preparedBy: r.tenantName,
    produced: dateTime(r.producedAt),
    asOf: `Figures from the snapshot of ${day(c.snapshot.takenAt)} (reconciliation version ${c.version}), the last taken on or before ${day(r.period.to)}.`,
    totals, products, charts, gaps, changes, activity,
  };
}
