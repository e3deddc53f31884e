// Every device of a snapshot as CSV. A 250,000-device snapshot is ~35 MB of CSV, so the rows
// never become JavaScript objects: PostgreSQL writes the CSV (COPY ... TO STDOUT) and the bytes
// are piped to the response with back-pressure, so memory stays flat whatever the size.
// Text cells get the same formula-injection guard as the reconciliation exports (src/common/csv-guard.ts,
// compiled to a PostgreSQL regex); record ends are CRLF like the other exports.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { safeTextSql as safe, startCsv } from '../common/csv.js';
import { withPgClient } from '../database/transaction.js';
import { takenMonth } from './snapshot.repository.js';
import { SnapshotsService } from './snapshots.service.js';

export const DEVICE_CSV_HEADER = ['Client', 'Organization id', 'Device id', 'Hostname', 'Serial number', 'Device class', 'Last contact', 'Offline', 'Approval', 'Counted', 'Reason'];


@Injectable()
export class DeviceExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly snapshots: SnapshotsService,
  ) {}

  async devicesCsv(tenantId: string, snapshotId: string, reply: FastifyReply): Promise<void> {
    const snapshot = await this.snapshots.retainedSnapshot(tenantId, snapshotId); // 404 or 410 before any byte is sent
    const { csv, out: res } = startCsv(reply, `billingone-devices-${snapshot.takenAt.slice(0, 10)}.csv`);
    // BOM + header through the same stringifier as the other exports, then the COPY bytes.
    csv.pipe(res, { end: false });
    const headerSent = new Promise<void>((resolve, reject) => csv.once('end', resolve).once('error', reject));
    csv.end(DEVICE_CSV_HEADER);
    await headerSent;
    await withPgClient(this.db, async (client) => {
      await client.query('BEGIN READ ONLY');
      try {
        // COPY cannot take parameters: the ids are a validated tenant id (quoted) and a UUID.
        const sql = `COPY (
          SELECT ${safe(`COALESCE((SELECT c.organization_name FROM snapshot_client c
                            WHERE c.tenant_id = d.tenant_id AND c.snapshot_id = d.snapshot_id AND c.organization_id = d.organization_id), d.organization_id)`)}, ${safe('d.organization_id')}, ${safe('d.device_id')},
                 ${safe('d.hostname')}, ${safe('d.serial_number')}, ${safe('d.device_class')},
                 to_char(d.last_contact AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 CASE WHEN d.offline THEN 'yes' WHEN NOT d.offline THEN 'no' END, ${safe('d.approval_status')},
                 CASE WHEN d.counted THEN 'yes' ELSE 'no' END, ${safe('d.reason')}
            FROM snapshot_device d
           WHERE d.tenant_id = ${literal(tenantId)} AND d.snapshot_id = ${literal(snapshot.id)}::uuid AND d.taken_month = ${literal(takenMonth(snapshot.takenAt))}::date
           ORDER BY d.organization_id, d.device_id
        ) TO STDOUT WITH (FORMAT csv)`;
        await pipeline(client.query(copyTo(sql)), new CrlfRecords(), res);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    });
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** COPY ends records with LF; the exports use CRLF. LFs inside quoted fields stay as they are. */
class CrlfRecords extends Transform {
  private quoted = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let out: Buffer | null = null;
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) this.quoted = !this.quoted;
      else if (b === 0x0a && !this.quoted) {
        parts.push(chunk.subarray(from, i), CRLF);
        from = i + 1;
      }
    }
    if (parts.length) {
      parts.push(chunk.subarray(from));
      out = Buffer.concat(parts);
    }
    done(null, out ?? chunk);
  }
}

const CRLF = Buffer.from('\r\n');
