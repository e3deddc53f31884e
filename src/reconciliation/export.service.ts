// CSV exports, streamed: rows come from a server-side cursor in batches and go through
// csv-stringify to the response, so memory stays flat however many rows there are.
// Text cells that a spreadsheet could run as a formula are prefixed with ' (csv-guard.ts); numbers stay numbers.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify, type Stringifier } from 'csv-stringify';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { startDownload } from '../common/download.js';
import { safeText } from './csv-guard.js';
import { notFound } from '../common/errors.js';
import { roundCents } from './money.js';
import { ReconciliationService, type ClientFilter } from './reconciliation.service.js';
import { withPgClient } from './transaction.js';

const CURSOR_BATCH = 500;
export { safeText };

const money = (value: string | null): number | '' => (value === null ? '' : roundCents(Number(value)));
const day = (iso: string) => iso.slice(0, 10);

@Injectable()
export class ExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async clientsCsv(tenantId: string, filter: ClientFilter, reply: FastifyReply): Promise<void> {
    const snapshot = await this.reconciliation.resolveSnapshot(tenantId, filter.snapshotId);
    const date = day(snapshot?.takenAt ?? new Date().toISOString());
    const { csv, out } = startCsv(reply, `billingone-reconciliation-${date}.csv`);
    const sent = pipeline(csv, out);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    csv.write(['Client', 'Devices', 'Licenses', 'Variance', 'Status', 'Monthly impact (USD)', 'Snapshot date']);
    if (snapshot) {
      const { where, order, params } = this.reconciliation.clientQuery(tenantId, snapshot.id, filter);
      await this.cursor(`SELECT name, devices, licenses, variance, status, monthly_impact FROM reconciliation_client WHERE ${where} ORDER BY ${order}`, params, csv,
        (r) => [safeText(r.name), r.devices, Number(r.licenses), Number(r.variance), safeText(r.status), money(r.monthly_impact), date]);
    }
    csv.end();
    await sent;
  }

  /** A client's billing snapshot for a QBR: the client row, every product line, every device and why it counted or not. */
  async clientCsv(tenantId: string, clientId: string, snapshotId: string | undefined, reply: FastifyReply): Promise<void> {
    const snapshot = await this.reconciliation.resolveSnapshot(tenantId, snapshotId);
    if (!snapshot) throw notFound('Client');
    const [client] = await this.db.query(
      `SELECT * FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3`, [tenantId, snapshot.id, clientId],
    );
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
    await this.cursor(
      `SELECT * FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3 ORDER BY abs(variance) DESC, product_name`,
      [tenantId, snapshot.id, clientId], csv,
      (l) => [safeText(l.product_name), l.devices, Number(l.licensed_quantity), Number(l.variance), money(l.unit_price_monthly), money(l.monthly_impact)],
    );
    csv.write([]);
    csv.write(['Hostname', 'Serial number', 'Device class', 'Last contact', 'Counted', 'Reason']);
    await this.cursor(
      `SELECT hostname, serial_number, device_class, last_contact, counted, reason FROM snapshot_device
        WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3 ORDER BY hostname, device_id`,
      [tenantId, snapshot.id, clientId], csv,
      (d) => [safeText(d.hostname), safeText(d.serial_number), safeText(d.device_class), d.last_contact ? new Date(d.last_contact).toISOString() : '', d.counted ? 'yes' : 'no', safeText(d.reason)],
    );
    csv.end();
    await sent;
  }

  private cursor(sql: string, params: unknown[], csv: Stringifier, toRecord: (row: Record<string, any>) => unknown[]): Promise<void> {
    return cursorToCsv(this.db, sql, params, csv, toRecord);
  }
}

/** Starts a CSV download: the response to write to, and the stringifier to pipe into it. */
export function startCsv(reply: FastifyReply, filename: string): { csv: Stringifier; out: ServerResponse } {
  const out = startDownload(reply, 'text/csv; charset=utf-8', filename);
  // The BOM makes spreadsheet programs read the file as UTF-8.
  // Any CR or LF inside a field is quoted, not only the CRLF record delimiter.
  return { csv: stringify({ bom: true, record_delimiter: '\r\n', quoted_match: /[\r\n]/ }), out };
}

/** Runs `sql` through a read-only cursor, writing each row to `csv` and honouring back-pressure. */
export async function cursorToCsv(
  db: DataSource, sql: string, params: unknown[], csv: Stringifier, toRecord: (row: Record<string, any>) => unknown[],
): Promise<void> {
  await withPgClient(db, async (client: PoolClient) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
      for (;;) {
        const { rows } = await client.query(`FETCH ${CURSOR_BATCH} FROM export_rows`);
        for (const row of rows) {
          if (!csv.write(toRecord(row))) await once(csv, 'drain');
        }
        if (rows.length < CURSOR_BATCH) break;
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
