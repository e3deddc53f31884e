// Every device of a snapshot as CSV, streamed from a server-side cursor through csv-stringify,
// so a 250,000-device export keeps memory flat. Text cells go through the same formula-injection
// guard as the reconciliation exports.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { cursorToCsv, safeText, startCsv } from '../reconciliation/export.service.js';
import { SnapshotsService } from './snapshots.service.js';

export const DEVICE_CSV_HEADER = ['Client', 'Organization id', 'Device id', 'Hostname', 'Serial number', 'Device class', 'Last contact', 'Offline', 'Approval', 'Counted', 'Reason'];

@Injectable()
export class DeviceExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly snapshots: SnapshotsService,
  ) {}

  async devicesCsv(tenantId: string, snapshotId: string, res: Response): Promise<void> {
    const snapshot = await this.snapshots.get(tenantId, snapshotId); // 404 before any byte is sent
    const csv = startCsv(res, `billingone-devices-${snapshot.takenAt.slice(0, 10)}.csv`);
    const sent = pipeline(csv, res);
    sent.catch(() => undefined); // awaited below; a client hanging up early must not be an unhandled rejection
    csv.write(DEVICE_CSV_HEADER);
    await cursorToCsv(
      this.db,
      `SELECT COALESCE(c.organization_name, d.organization_id) AS client, d.organization_id, d.device_id, d.hostname, d.serial_number,
              d.device_class, d.last_contact, d.offline, d.approval_status, d.counted, d.reason
         FROM snapshot_device d
         LEFT JOIN snapshot_client c ON c.tenant_id = d.tenant_id AND c.snapshot_id = d.snapshot_id AND c.organization_id = d.organization_id
        WHERE d.tenant_id = $1 AND d.snapshot_id = $2
        ORDER BY d.organization_id, d.device_id`,
      [tenantId, snapshot.id], csv,
      (d) => [
        safeText(d.client), safeText(d.organization_id), safeText(d.device_id), safeText(d.hostname), safeText(d.serial_number),
        safeText(d.device_class), d.last_contact ? new Date(d.last_contact).toISOString() : '',
        d.offline === null ? '' : d.offline ? 'yes' : 'no', safeText(d.approval_status), d.counted ? 'yes' : 'no', d.reason ?? '',
      ],
    );
    csv.end();
    await sent;
  }
}
