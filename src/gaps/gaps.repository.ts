// The gaps of one reconciliation version: its lines with a gap (under- or over-licensed, or
// under- or over-billed with PSA billing), with
// the client's name; and the line a change of exception is about, in the latest version.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';
import type { LineRecord } from '../reconciliation/reconciliation.repository.js';
import type { GapListState } from './dto/gaps.dto.js';

export interface GapFilter {
  state?: GapListState;
  clientId?: string;
  clientIds?: string[];
  productId?: string;
}

/** A line with a gap, its client's name and its state in the list (the line's own, or its latest action's). */
export type GapRecord = LineRecord & { client_name: string; list_state: GapListState };

type Ref = { snapshotId: string; version: number; takenAt: string };

/**
 * The list state of a line `l` (SQL): accepted; else action-pending while its latest action item
 * waits or runs, action-applied when that item was applied after the snapshot was taken (no
 * later snapshot has looked yet); else open.
 */
const LIST_STATE = `CASE WHEN l.gap_state = 'accepted' THEN 'accepted'
  WHEN ai.state IN ('proposed','approved','applying','scheduled') THEN 'action-pending'
  WHEN ai.state = 'applied' AND ai.applied_at > $4::timestamptz THEN 'action-applied'
  ELSE 'open' END`;
const LATEST_ITEM = `LEFT JOIN LATERAL (
    SELECT i.state, i.applied_at FROM action_item i JOIN action a ON a.tenant_id = i.tenant_id AND a.id = i.action_id
     WHERE i.tenant_id = l.tenant_id AND i.organization_id = l.organization_id AND i.product_id = l.product_id
     ORDER BY a.created_at DESC, i.position LIMIT 1) ai ON true`;

@Injectable()
export class GapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async count(tenantId: string, ref: Ref, filter: GapFilter): Promise<number> {
    const { where, params } = gapQuery(tenantId, ref, filter);
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM (SELECT ${LIST_STATE} AS list_state, l.* FROM reconciliation_line l ${LATEST_ITEM}) l WHERE ${where}`, params);
    return Number(n);
  }

  page(tenantId: string, ref: Ref, filter: GapFilter, limit: number, offset: number): Promise<GapRecord[]> {
    const { where, params } = gapQuery(tenantId, ref, filter);
    return this.db.query(
      `SELECT l.*, c.name AS client_name FROM (SELECT ${LIST_STATE} AS list_state, l.* FROM reconciliation_line l ${LATEST_ITEM}) l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.version = l.version AND c.organization_id = l.organization_id
        WHERE ${where}
        ORDER BY abs(l.variance) DESC, l.variance DESC, abs(coalesce(l.billed_variance, 0)) DESC, lower(c.name), l.organization_id, l.product_name, l.product_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
  }

  /**
   * Closed gaps: lines with a gap in the previous complete snapshot's reconciliation that the
   * given one shows no more (matched or gone), with the previous figures.
   */
  async closed(tenantId: string, ref: Ref, filter: GapFilter, limit: number, offset: number): Promise<{ rows: Omit<GapRecord, 'list_state'>[]; total: number }> {
    const params: unknown[] = [tenantId, ref.snapshotId, ref.version, ref.takenAt];
    const where = [`p.status <> 'matched'`, `NOT EXISTS (SELECT 1 FROM reconciliation_line n WHERE n.tenant_id = p.tenant_id AND n.snapshot_id = $2 AND n.version = $3
        AND n.organization_id = p.organization_id AND n.product_id = p.product_id AND n.status <> 'matched')`];
    if (filter.clientId) where.push(`p.organization_id = $${params.push(filter.clientId)}`);
    if (filter.productId) where.push(`p.product_id = $${params.push(filter.productId)}`);
    const rows = await this.db.query(
      `WITH prev AS (SELECT s.id, s.reconciliation_version AS version FROM snapshot s
                      WHERE s.tenant_id = $1 AND s.status = 'complete' AND s.reconciliation_version IS NOT NULL AND s.taken_at < $4::timestamptz
                      ORDER BY s.taken_at DESC LIMIT 1)
       SELECT p.*, c.name AS client_name, count(*) OVER () AS total FROM prev
         JOIN reconciliation_line p ON p.tenant_id = $1 AND p.snapshot_id = prev.id AND p.version = prev.version
         JOIN reconciliation_client c ON c.tenant_id = p.tenant_id AND c.snapshot_id = p.snapshot_id AND c.version = p.version AND c.organization_id = p.organization_id
        WHERE ${where.join(' AND ')}
        ORDER BY abs(p.variance) DESC, lower(c.name), p.organization_id, p.product_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
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

function gapQuery(tenantId: string, ref: Ref, filter: GapFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [tenantId, ref.snapshotId, ref.version, ref.takenAt];
  // A gap: licences other than devices, or (with PSA billing) billed seats other than devices.
  const where = ['l.tenant_id = $1', 'l.snapshot_id = $2', 'l.version = $3', `(l.status <> 'matched' OR coalesce(l.billed_variance, 0) <> 0)`];
  if (filter.state) where.push(`l.list_state = $${params.push(filter.state)}`);
  if (filter.clientId) where.push(`l.organization_id = $${params.push(filter.clientId)}`);
  if (filter.clientIds) where.push(`l.organization_id = ANY($${params.push(filter.clientIds)}::text[])`);
  if (filter.productId) where.push(`l.product_id = $${params.push(filter.productId)}`);
  return { where: where.join(' AND '), params };
}
