// What an alert says and how a webhook receiver can trust it (DESIGN.md "Changes, alerts"):
// the JSON body of a `gaps.changed` event, its email text, and the signature header
// `X-B1R-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the channel secret>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GapChangeKind, GapChangeRecord, GapTotalsRecord } from '../reconciliation/gap-changes.repository.js';
import { usd, usdOrNull, type Money } from '../reconciliation/money.js';

/** Largest number of gaps of one kind a message lists (the counts are always whole). */
export const MAX_LISTED = 100;

export interface AlertGap {
  clientId: string;
  clientName: string;
  productId: string;
  productName: string;
  devices: number | null;
  licenses: number | null;
  variance: number | null;
  previousVariance: number | null;
  revenueAtRisk: Money | null;
  overspend: Money | null;
}

export interface GapsChangedPayload {
  event: 'gaps.changed';
  tenantId: string;
  snapshot: { id: string; takenAt: string };
  version: number;
  reason: string;
  counts: Record<GapChangeKind, number>;
  new: AlertGap[];
  worsened: AlertGap[];
  closed: AlertGap[];
  /** true when a list holds only the first MAX_LISTED of its kind. */
  truncated: boolean;
  totals: { underLicensedClients: number; overLicensedClients: number; revenueAtRisk: Money; overspend: Money };
}

export interface TestPayload {
  event: 'test';
  tenantId: string;
  message: string;
  sentAt: string;
}

export type AlertPayload = GapsChangedPayload | TestPayload;

const num = (v: string | number | null) => (v === null ? null : Number(v));

export function gapsChangedPayload(
  meta: { tenantId: string; snapshotId: string; version: number; reason: string },
  changes: GapChangeRecord[],
  totals: GapTotalsRecord,
): GapsChangedPayload {
  const of = (kind: GapChangeKind) => changes.filter((c) => c.kind === kind);
  const list = (kind: GapChangeKind): AlertGap[] => of(kind).slice(0, MAX_LISTED).map((c) => ({
    clientId: c.organization_id, clientName: c.client_name, productId: c.product_id, productName: c.product_name,
    devices: c.devices, licenses: num(c.licensed_quantity), variance: num(c.variance), previousVariance: num(c.previous_variance),
    revenueAtRisk: usdOrNull(num(c.revenue_at_risk)), overspend: usdOrNull(num(c.overspend)),
  }));
  const counts = { new: of('new').length, worsened: of('worsened').length, closed: of('closed').length };
  return {
    event: 'gaps.changed', tenantId: meta.tenantId, snapshot: { id: meta.snapshotId, takenAt: new Date(totals.taken_at).toISOString() },
    version: meta.version, reason: meta.reason, counts,
    new: list('new'), worsened: list('worsened'), closed: list('closed'),
    truncated: Object.values(counts).some((n) => n > MAX_LISTED),
    totals: { underLicensedClients: totals.under, overLicensedClients: totals.over, revenueAtRisk: usd(Number(totals.risk)), overspend: usd(Number(totals.overspend)) },
  };
}

/** The X-B1R-Signature value for a body sent at `unixSeconds`. */
export function signature(secret: string, unixSeconds: number, body: string): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (also the docs' example): recompute the HMAC over "t.body", compare in
 * constant time, and refuse a timestamp older than `toleranceSeconds` (a replayed message).
 */
export function verifySignature(secret: string, header: string, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, t, body).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const money = (m: Money | null) => (m ? `$${m.amount.toFixed(2)}` : 'no price');

/** Subject and plain text of an alert email. */
export function emailMessage(payload: AlertPayload): { subject: string; text: string } {
  if (payload.event === 'test') return { subject: 'BillingOne Reconcile: test alert', text: `${payload.message}\n\nSent ${payload.sentAt}.` };
  const { counts, totals } = payload;
  const subject = `BillingOne Reconcile: ${counts.new} new, ${counts.worsened} worsened, ${counts.closed} closed licence gaps`;
  const line = (g: AlertGap) => `  - ${g.clientName}: ${g.productName}, ${g.devices ?? 0} devices vs ${g.licenses ?? 0} licences (variance ${g.variance ?? 0}`
    + `${g.previousVariance !== null && g.variance !== null ? `, was ${g.previousVariance}` : ''})`
    + (g.revenueAtRisk ? `, ${money(g.revenueAtRisk)}/month at risk` : g.overspend ? `, ${money(g.overspend)}/month overspend` : '');
  const closedLine = (g: AlertGap) => `  - ${g.clientName}: ${g.productName} (was ${g.previousVariance ?? 0})`;
  const sections = [
    counts.new ? [`New gaps (${counts.new}):`, ...payload.new.map(line)] : [],
    counts.worsened ? [`Worsened gaps (${counts.worsened}):`, ...payload.worsened.map(line)] : [],
    counts.closed ? [`Closed gaps (${counts.closed}):`, ...payload.closed.map(closedLine)] : [],
  ].filter((s) => s.length).map((s) => s.join('\n'));
  const text = [
    `The reconciliation of the snapshot taken ${payload.snapshot.takenAt} (version ${payload.version}: ${payload.reason}) changed these gaps.`,
    ...sections,
    payload.truncated ? `Only the first ${MAX_LISTED} of each kind are listed.` : '',
    `Totals now: ${totals.underLicensedClients} under-licensed and ${totals.overLicensedClients} over-licensed clients, `
      + `${money(totals.revenueAtRisk)}/month revenue at risk, ${money(totals.overspend)}/month overspend.`,
  ].filter(Boolean).join('\n\n');
  return { subject, text };
}
