// The gaps of one reconciliation version: its lines with a gap (under- or over-licensed), with
// the client's name; and the line a change of exception is about, in the latest version.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';
import type { GapState } from '../reconciliation/reconcile.js';
import type { LineRecord } from '../reconciliation/reconciliation.repository.js';

export interface GapFilter {
  state?: GapState;
  clientId?: string;
  productId?: string;
}

export type GapRecord = LineRecord & { client_name: string };

@Injectable()
export class GapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async count(tenantId: string, ref: { snapshotId: string; version: number }, filter: GapFilter): Promise<number> {
    const { where, params } = gapQuery(tenantId, ref, filter);
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM reconciliation_line l WHERE ${where}`, params);
    return Number(n);
  }

  page(tenantId: string, ref: { snapshotId: string; version: number }, filter: GapFilter, limit: number, offset: number): Promise<GapRecord[]> {
    const { where, params } = gapQuery(tenantId, ref, filter);
    return this.db.query(
      `SELECT l.*, c.name AS client_name FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.version = l.version AND c.organization_id = l.organization_id
        WHERE ${where}
        ORDER BY abs(l.variance) DESC, l.variance DESC, lower(c.name), l.organization_id, l.product_name, l.product_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
  }

  /** The line of (client, product) in the snapshot's version in force (inside the change's transaction). */
  async latestLine(q: Queryable, tenantId: string, snapshotId: string, clientId: string, productId: string): Promise<LineRecord | null> {
    const [row] = rowsOf<LineRecord>(await q.query(
      `SELECT l.* FROM reconciliation_line l JOIN snapshot s ON s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND l.version = s.reconciliation_version
        WHERE s.tenant_id = $1 AND s.id = $2 AND l.organization_id = $3 AND l.product_id = $4`,
      [tenantId, snapshotId, clientId, productId],
    ));
    return row ?? null;
  }
}

function gapQuery(tenantId: string, ref: { snapshotId: string; version: number }, filter: GapFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [tenantId, ref.snapshotId, ref.version];
  const where = ['l.tenant_id = $1', 'l.snapshot_id = $2', 'l.version = $3', `l.status <> 'matched'`];
  if (filter.state) where.push(`l.gap_state = $${params.push(filter.state)}`);
  if (filter.clientId) where.push(`l.organization_id = $${params.push(filter.clientId)}`);
  if (filter.productId) where.push(`l.product_id = $${params.push(filter.productId)}`);
  return { where: where.join(' AND '), params };
}
