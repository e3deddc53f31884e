// CSV exports, streamed: rows come from a server-side cursor in batches and go through
// csv-stringify to the response, so memory stays flat however many rows there are.
// Text cells that a spreadsheet could run as a formula are prefixed with ' (src/common/csv-guard.ts); numbers stay numbers.
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { pipeline } from 'node:stream/promises';
import { csvRows, safeText, startCsv } from '../common/csv.js';
import { notFound } from '../common/errors.js';
import { SnapshotRepository } from '../snapshots/snapshot.repository.js';
import { roundCents } from './money.js';
import type { BillingStatus, ClientStatus, ExceptionReason, LineException } from './reconcile.js';
import { ReconciliationReader, type ReconciliationSelect } from './reconciliation-reader.service.js';
import { ReconciliationRepository, type ClientFilter } from './reconciliation.repository.js';

const money = (value: string | null): number | '' => (value === null ? '' : roundCents(Number(value)));
const count = (value: string | null): number | '' => (value === null ? '' : Number(value));
const day = (iso: string) => iso.slice(0, 10);

/** The words the screens use for a status, so the file says what the dashboard says. */
export const STATUS_LABELS: Record<ClientStatus, string> = {
  'under-licensed': 'Under-licensed', 'over-licensed': 'Over-licensed', matched: 'Properly licensed', unmapped: 'Unmapped', accepted: 'Accepted',
};
/** The words the screens use for an exception's reason. */
export const REASON_LABELS: Record<ExceptionReason, string> = {
  'client-owned-licence': 'Client owns the licence', 'spare-on-purpose': 'Spare on purpose', 'device-retiring': 'Device retiring',
  'not-billable': 'Not billable', other: 'Other',
};
export const BILLING_LABELS: Record<BillingStatus, string> = { 'under-billed': 'Under-billed', 'over-billed': 'Over-billed', billed: 'Billed' };
const BILLING_HEADERS = ['Billed (product shown)', 'Billed variance (product shown)', 'Unbilled licences (product shown)', 'Billing status', 'Under-billed (USD)'];
const reasonText = (e: LineException | null) => (e ? `${REASON_LABELS[e.reason] ?? e.reason}${e.note ? `: ${e.note}` : ''}` : null);
const label = (status: string) => STATUS_LABELS[status as ClientStatus] ?? status;

/** "billingone-reconciliation-under-licensed-acme-2026-12-01-v2.csv": the filter and the version are in the name. */
function listFileName(filter: ClientFilter, date: string, version: number | null, latest: boolean): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const parts = ['billingone-reconciliation', filter.status ?? '', filter.search ? slug(filter.search) : '', date, version && !latest ? `v${version}` : ''];
  return `${parts.filter(Boolean).join('-')}.csv`;
}

@Injectable()
export class ExportService {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly reader: ReconciliationReader,
    private readonly snapshots: SnapshotRepository,
  ) {}

  async clientsCsv(tenantId: string, filter: ClientFilter, reply: FastifyReply): Promise<void> {
    const ref = await this.reader.resolve(tenantId, filter);
    const date = day(ref ? new Date(ref.taken_at).toISOString() : new Date().toISOString());
    const { csv, out } = startCsv(reply, listFileName(filter, date, ref?.version ?? null, ref?.latest ?? true));
    const sent = pipeline(csv, out);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    // The first seven columns are the ones older files had, in their order; new ones follow.
    // The third column's cells follow, only for a version made with PSA billing.
    const billing = ref ? await this.reconciliations.hasBilling(tenantId, { snapshotId: ref.id, version: ref.version }) : false;
    csv.write(['Client', 'Devices', 'Licenses', 'Variance', 'Status', 'Monthly impact (USD)', 'Snapshot date',
      'Product shown', 'Product lines', 'Revenue at risk (USD)', 'Overspend (USD)', 'Seats with no price', 'Version',
      'Accepted revenue at risk (USD)', 'Accepted overspend (USD)', 'Accepted seats with no price', 'Accepted gaps',
      ...(billing ? BILLING_HEADERS : [])]);
    if (ref) {
      await this.reconciliations.eachClient(tenantId, { snapshotId: ref.id, version: ref.version }, filter, csvRows(csv,
        (r) => [safeText(r.name), r.devices, count(r.licenses), count(r.variance), label(r.status), money(r.monthly_impact), date,
          safeText(r.headline_product_name), r.line_count, money(r.revenue_at_risk), money(r.overspend), r.unpriced_seats, ref.version,
          money(r.accepted_revenue_at_risk), money(r.accepted_overspend), r.accepted_unpriced_seats,
          safeText(r.accepted_gaps?.map((g) => `${g.product_name}: ${reasonText(g.exception)}`).join('; ') ?? null),
          ...(billing ? [count(r.billed), count(r.billed_variance), count(r.unbilled_licences), r.billing_status ? BILLING_LABELS[r.billing_status] : '', money(r.under_billed)] : [])]));
    }
    csv.end();
    await sent;
  }

  /** A client's billing snapshot for a QBR: the client row, every product line, every device and why it counted or not. */
  async clientCsv(tenantId: string, clientId: string, select: ReconciliationSelect, reply: FastifyReply): Promise<void> {
    const ref = await this.reader.resolve(tenantId, select);
    if (!ref) throw notFound('Client');
    const at = { snapshotId: ref.id, version: ref.version };
    const client = await this.reconciliations.client(tenantId, at, clientId);
    if (!client) throw notFound('Client');
    const date = day(new Date(ref.taken_at).toISOString());
    const slug = String(client.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'client';
    const { csv, out } = startCsv(reply, `billingone-${slug}-${date}${ref.latest ? '' : `-v${ref.version}`}.csv`);
    const sent = pipeline(csv, out);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    csv.write(['Client', safeText(client.name)]);
    csv.write(['Snapshot date', date]);
    csv.write(['Status', label(client.status)]);
    csv.write(['Billable devices', client.devices]);
    csv.write(['Monthly impact (USD)', money(client.monthly_impact)]);
    csv.write(['Revenue at risk (USD)', money(client.revenue_at_risk)]);
    csv.write(['Overspend (USD)', money(client.overspend)]);
    csv.write(['Seats with no price', client.unpriced_seats]);
    csv.write(['Version', ref.version]);
    csv.write(['Accepted revenue at risk (USD)', money(client.accepted_revenue_at_risk)]);
    csv.write(['Accepted overspend (USD)', money(client.accepted_overspend)]);
    csv.write(['Accepted seats with no price', client.accepted_unpriced_seats]);
    const billing = client.under_billed !== null;
    if (billing) csv.write(['Under-billed (USD)', money(client.under_billed)]);
    csv.write([]);
    csv.write(['Product', 'Devices', 'Licensed', 'Variance', 'Unit price monthly (USD)', 'Monthly impact (USD)',
      'Status', 'Revenue at risk (USD)', 'Overspend (USD)', 'Seats with no price', 'Gap state', 'Exception', 'Exception until',
      ...(billing ? ['Billed', 'Billed variance', 'Unbilled licences', 'Billing status', 'Billed unit price monthly (USD)', 'Under-billed (USD)'] : [])]);
    await this.reconciliations.eachClientLine(tenantId, at, clientId, csvRows(csv,
      (l) => [safeText(l.product_name), l.devices, Number(l.licensed_quantity), Number(l.variance), money(l.unit_price_monthly), money(l.monthly_impact),
        label(l.status), money(l.revenue_at_risk), money(l.overspend), l.unpriced_seats,
        l.gap_state === 'accepted' ? 'Accepted' : l.gap_state === 'open' ? 'Open' : '', safeText(reasonText(l.exception)), l.exception?.until ?? '',
        ...(billing ? [count(l.billed), count(l.billed_variance), count(l.unbilled_licences), l.billing_status ? BILLING_LABELS[l.billing_status] : '',
          money(l.billed_unit_price_monthly), money(l.under_billed)] : [])]));
    csv.write([]);
    if (!(await this.snapshots.deviceRowsRetained(tenantId, ref.id))) {
      csv.write(['Device rows of this snapshot were deleted by the retention setting (counts above are kept)']);
    } else {
      csv.write(['Hostname', 'Serial number', 'Device class', 'Last contact', 'Counted', 'Reason']);
    }
    await this.snapshots.eachClientDevice(tenantId, { id: ref.id, takenAt: ref.taken_at }, clientId, csvRows(csv,
      (d) => [safeText(d.hostname), safeText(d.serial_number), safeText(d.device_class), d.last_contact ? new Date(d.last_contact).toISOString() : '', d.counted ? 'yes' : 'no', safeText(d.reason)]));
    csv.end();
    await sent;
  }
}
