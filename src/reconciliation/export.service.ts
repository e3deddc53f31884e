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
import { ReconciliationRepository, type ClientFilter } from './reconciliation.repository.js';

const money = (value: string | null): number | '' => (value === null ? '' : roundCents(Number(value)));
const day = (iso: string) => iso.slice(0, 10);

@Injectable()
export class ExportService {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly snapshots: SnapshotRepository,
  ) {}

  async clientsCsv(tenantId: string, filter: ClientFilter, reply: FastifyReply): Promise<void> {
    const snapshot = await this.snapshots.resolveSnapshot(tenantId, filter.snapshotId);
    const date = day(snapshot?.takenAt ?? new Date().toISOString());
    const { csv, out } = startCsv(reply, `billingone-reconciliation-${date}.csv`);
    const sent = pipeline(csv, out);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    csv.write(['Client', 'Devices', 'Licenses', 'Variance', 'Status', 'Monthly impact (USD)', 'Snapshot date']);
    if (snapshot) {
      await this.reconciliations.eachClient(tenantId, snapshot.id, filter, csvRows(csv,
        (r) => [safeText(r.name), r.devices, Number(r.licenses), Number(r.variance), safeText(r.status), money(r.monthly_impact), date]));
    }
    csv.end();
    await sent;
  }

  /** A client's billing snapshot for a QBR: the client row, every product line, every device and why it counted or not. */
  async clientCsv(tenantId: string, clientId: string, snapshotId: string | undefined, reply: FastifyReply): Promise<void> {
    const snapshot = await this.snapshots.resolveSnapshot(tenantId, snapshotId);
    if (!snapshot) throw notFound('Client');
    const client = await this.reconciliations.client(tenantId, snapshot.id, clientId);
    if (!client) throw notFound('Client');
    const date = day(snapshot.takenAt);
    const slug = String(client.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'client';
    const { csv, out } = startCsv(reply, `billingone-${slug}-${date}.csv`);
    const sent = pipeline(csv, out);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    csv.write(['Client', safeText(client.name)]);
    csv.write(['Snapshot date', date]);
    csv.write(['Status', safeText(client.status)]);
    csv.write(['Billable devices', client.devices]);
    csv.write(['Monthly impact (USD)', money(client.monthly_impact)]);
    csv.write([]);
    csv.write(['Product', 'Devices', 'Licensed', 'Variance', 'Unit price monthly (USD)', 'Monthly impact (USD)']);
    await this.reconciliations.eachClientLine(tenantId, snapshot.id, clientId, csvRows(csv,
      (l) => [safeText(l.product_name), l.devices, Number(l.licensed_quantity), Number(l.variance), money(l.unit_price_monthly), money(l.monthly_impact)]));
    csv.write([]);
    csv.write(['Hostname', 'Serial number', 'Device class', 'Last contact', 'Counted', 'Reason']);
    await this.snapshots.eachClientDevice(tenantId, snapshot.id, clientId, csvRows(csv,
      (d) => [safeText(d.hostname), safeText(d.serial_number), safeText(d.device_class), d.last_contact ? new Date(d.last_contact).toISOString() : '', d.counted ? 'yes' : 'no', safeText(d.reason)]));
    csv.end();
    await sent;
  }
}
