// reconciliation_client and reconciliation_line: every statement on them, with typed rows.
// A snapshot's rows are replaced as a whole inside the caller's transaction; reads are
// tenant-scoped, indexed reads for one complete snapshot, which they find in the same round
// trip through the snapshots feature's COMPLETE_SNAPSHOT_SQL.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { forEachRow } from '../database/cursor.js';
import type { Queryable } from '../database/queryable.js';
import { COMPLETE_SNAPSHOT_SQL } from '../snapshots/snapshot.repository.js';
import type { ClientRow, ClientStatus, LineRow } from './reconcile.js';

export const CLIENT_SORTS = ['name', 'devices', 'licenses', 'variance', 'monthlyImpact'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];
const SORT_COLUMNS: Record<ClientSort, string> = {
  name: 'lower(name)', devices: 'devices', licenses: 'licenses', variance: 'variance', monthlyImpact: 'monthly_impact',
};

export interface ClientFilter {
  status?: ClientStatus;
  search?: string;
  sort?: ClientSort;
  order?: 'asc' | 'desc';
  snapshotId?: string;
}

/** numeric columns come back as strings (pg keeps their precision); counts as int. */
export interface ClientRowRecord {
  organization_id: string;
  name: string;
  pax8_company_id: string | null;
  devices: number;
  licenses: string;
  variance: string;
  status: ClientStatus;
  monthly_impact: string | null;
  line_count: number;
}

export interface LineRecord {
  organization_id: string;
  product_id: string;
  product_name: string;
  pax8_company_id: string;
  devices: number;
  licensed_quantity: string;
  variance: string;
  unit_price_monthly: string | null;
  monthly_impact: string | null;
}

export interface SummaryRecord {
  id: string;
  taken_at: Date;
  under: string;
  over: string;
  matched: string;
  unmapped: string;
  risk: string;
  overspend: string;
}

export interface TrendRecord {
  id: string;
  taken_at: Date;
  devices: number;
  licenses: string;
  variance: string;
}

export interface GapHistoryRecord {
  organization_id: string;
  product_id: string;
  rn: string;
  taken_at: Date;
  gap: boolean;
}

/** A page of the client list and the snapshot it is of (null: no complete snapshot matched). */
export interface ClientPage {
  snapshot: { id: string; taken_at: Date } | null;
  rows: ClientRowRecord[];
  total: number;
}

/** How far back the "since" run of a missed-billing gap is followed. */
const HISTORY_SNAPSHOTS = 120;
const TREND_POINTS = 12;

@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Replaces a snapshot's rows. Run inside a transaction. */
  async replace(q: Queryable, tenantId: string, snapshotId: string, clients: ClientRow[], lines: LineRow[]): Promise<void> {
    await q.query(`DELETE FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2`, [tenantId, snapshotId]);
    await q.query(`DELETE FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2`, [tenantId, snapshotId]);
    if (lines.length) {
      await q.query(
        `INSERT INTO reconciliation_line (tenant_id, snapshot_id, organization_id, product_id, product_name, pax8_company_id, devices, licensed_quantity, variance, unit_price_monthly, monthly_impact)
         SELECT $1, $2, x."organizationId", x."productId", x."productName", x."pax8CompanyId", x.devices, x."licensedQuantity", x.variance, x."unitPriceMonthly", x."monthlyImpact"
           FROM jsonb_to_recordset($3::jsonb) AS x("organizationId" text, "productId" text, "productName" text, "pax8CompanyId" text, devices int, "licensedQuantity" numeric, variance numeric, "unitPriceMonthly" numeric, "monthlyImpact" numeric)`,
        [tenantId, snapshotId, JSON.stringify(lines)],
      );
    }
    if (clients.length) {
      await q.query(
        `INSERT INTO reconciliation_client (tenant_id, snapshot_id, organization_id, name, pax8_company_id, devices, licenses, variance, status, monthly_impact, line_count, shown_product_id)
         SELECT $1, $2, x."organizationId", x.name, x."pax8CompanyId", x.devices, x.licenses, x.variance, x.status, x."monthlyImpact", x."lineCount", x."shownProductId"
           FROM jsonb_to_recordset($3::jsonb) AS x("organizationId" text, name text, "pax8CompanyId" text, devices int, licenses numeric, variance numeric, status text, "monthlyImpact" numeric, "lineCount" int, "shownProductId" text)`,
        [tenantId, snapshotId, JSON.stringify(clients)],
      );
    }
  }

  /**
   * One round trip: the snapshot (asked for, else the latest complete one), its client counts by
   * status and its money. Under load the API is bound by database round trips, not by the scans.
   */
  async summary(tenantId: string, snapshotId: string | null): Promise<SummaryRecord | null> {
    const [row]: SummaryRecord[] = await this.db.query(
      `WITH s AS (${COMPLETE_SNAPSHOT_SQL})
       SELECT s.id, s.taken_at, c.under, c.over, c.matched, c.unmapped, m.risk, m.overspend
         FROM s
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status = 'under-licensed') AS under, count(*) FILTER (WHERE status = 'over-licensed') AS over,
                  count(*) FILTER (WHERE status = 'matched') AS matched, count(*) FILTER (WHERE status = 'unmapped') AS unmapped
             FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = s.id) c
         -- Positive lines are revenue at risk, negative lines overspend (per line: a client under on
         -- one product and over on another contributes to both).
         CROSS JOIN LATERAL (
           SELECT COALESCE(sum(monthly_impact) FILTER (WHERE monthly_impact > 0), 0) AS risk,
                  COALESCE(-sum(monthly_impact) FILTER (WHERE monthly_impact < 0), 0) AS overspend
             FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = s.id) m`,
      [tenantId, snapshotId],
    );
    return row ?? null;
  }

  /** One round trip for the usual page: the snapshot, the page and the total (a window count). */
  async clientPage(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientPage> {
    const { where, order, params } = clientQuery(tenantId, filter.snapshotId ?? null, filter, '(SELECT id FROM s)');
    const rows: Array<Partial<ClientRowRecord> & { snapshot_ref: string; snapshot_taken_at: Date; total: string | null }> = await this.db.query(
      `WITH s AS (${COMPLETE_SNAPSHOT_SQL}),
            page AS (SELECT *, count(*) OVER () AS total FROM reconciliation_client WHERE ${where}
                      ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2})
       SELECT s.id AS snapshot_ref, s.taken_at AS snapshot_taken_at, page.* FROM s LEFT JOIN page ON true`,
      [...params, filter.limit, filter.offset],
    );
    if (!rows.length) return { snapshot: null, rows: [], total: 0 };
    const snapshot = { id: rows[0].snapshot_ref, taken_at: rows[0].snapshot_taken_at };
    const items = rows.filter((r): r is ClientRowRecord & { total: string } & typeof r => r.organization_id != null);
    // Past the last page the window count is gone with the rows: count separately (rare).
    const total = items.length ? Number(items[0].total) : await this.countClients(tenantId, snapshot.id, filter);
    return { snapshot, rows: items, total };
  }

  private async countClients(tenantId: string, snapshotId: string, filter: ClientFilter): Promise<number> {
    const { where, params } = clientQuery(tenantId, snapshotId, filter);
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM reconciliation_client WHERE ${where}`, params);
    return Number(n);
  }

  /** The client list of a snapshot in the list's order, through a cursor (the CSV export). */
  eachClient(tenantId: string, snapshotId: string, filter: ClientFilter, onRow: (row: ClientRowRecord) => void | Promise<void>): Promise<void> {
    const { where, order, params } = clientQuery(tenantId, snapshotId, filter);
    return forEachRow(this.db, `SELECT * FROM reconciliation_client WHERE ${where} ORDER BY ${order}`, params, onRow);
  }

  async client(tenantId: string, snapshotId: string, organizationId: string): Promise<ClientRowRecord | null> {
    const [row]: ClientRowRecord[] = await this.db.query(
      `SELECT * FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3`, [tenantId, snapshotId, organizationId],
    );
    return row ?? null;
  }

  /** A client's product lines, largest gap first (under-licensed before over on a tie). */
  clientLines(tenantId: string, snapshotId: string, organizationId: string): Promise<LineRecord[]> {
    return this.db.query(
      `SELECT * FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3 ORDER BY abs(variance) DESC, variance DESC, product_name`,
      [tenantId, snapshotId, organizationId],
    );
  }

  /** A client's product lines through a cursor (the per-client CSV). */
  eachClientLine(tenantId: string, snapshotId: string, organizationId: string, onRow: (row: LineRecord) => void | Promise<void>): Promise<void> {
    return forEachRow(this.db,
      `SELECT * FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3 ORDER BY abs(variance) DESC, product_name`,
      [tenantId, snapshotId, organizationId], onRow);
  }

  /** The client's row in the complete snapshots up to `takenAt`, newest first, up to 12. */
  trend(tenantId: string, organizationId: string, takenAt: string): Promise<TrendRecord[]> {
    return this.db.query(
      `SELECT s.id, s.taken_at, c.devices, c.licenses, c.variance
         FROM snapshot s JOIN reconciliation_client c ON c.tenant_id = s.tenant_id AND c.snapshot_id = s.id AND c.organization_id = $2
        WHERE s.tenant_id = $1 AND s.status = 'complete' AND s.taken_at <= $3
        ORDER BY s.taken_at DESC, s.id DESC LIMIT ${TREND_POINTS}`,
      [tenantId, organizationId, takenAt],
    );
  }

  async countGaps(tenantId: string, snapshotId: string, tolerance: number): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*) AS n FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND variance > $3`,
      [tenantId, snapshotId, tolerance],
    );
    return Number(n);
  }

  /** Under-licensed lines (beyond the tolerance) of a snapshot, largest money first, with the client's name. */
  gaps(tenantId: string, snapshotId: string, tolerance: number, limit: number, offset: number): Promise<Array<LineRecord & { client_name: string }>> {
    return this.db.query(
      `SELECT l.*, c.name AS client_name FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.organization_id = l.organization_id
        WHERE l.tenant_id = $1 AND l.snapshot_id = $2 AND l.variance > $3
        ORDER BY l.monthly_impact DESC NULLS LAST, l.variance DESC, lower(c.name), l.organization_id, l.product_id
        LIMIT $4 OFFSET $5`,
      [tenantId, snapshotId, tolerance, limit, offset],
    );
  }

  /** The same lines in the snapshots up to `takenAt`, newest first: whether each still had the gap. */
  gapHistory(tenantId: string, takenAt: string, lines: Array<{ organization_id: string; product_id: string }>, tolerance: number): Promise<GapHistoryRecord[]> {
    return this.db.query(
      `WITH snaps AS (
         SELECT id, taken_at, row_number() OVER (ORDER BY taken_at DESC, id DESC) AS rn FROM snapshot
          WHERE tenant_id = $1 AND status = 'complete' AND taken_at <= $2
          ORDER BY taken_at DESC, id DESC LIMIT ${HISTORY_SNAPSHOTS}
       ), pairs AS (
         SELECT * FROM unnest($3::text[], $4::text[]) AS p(organization_id, product_id)
       )
       SELECT p.organization_id, p.product_id, s.rn, s.taken_at, COALESCE(l.variance > $5, false) AS gap
         FROM snaps s CROSS JOIN pairs p
         LEFT JOIN reconciliation_line l ON l.tenant_id = $1 AND l.snapshot_id = s.id AND l.organization_id = p.organization_id AND l.product_id = p.product_id
        ORDER BY p.organization_id, p.product_id, s.rn`,
      [tenantId, takenAt, lines.map((l) => l.organization_id), lines.map((l) => l.product_id), tolerance],
    );
  }
}

/** WHERE and ORDER BY of the client list, shared by the list and the CSV export. */
function clientQuery(tenantId: string, snapshotId: string | null, filter: ClientFilter, snapshotExpr = '$2'): { where: string; order: string; params: unknown[] } {
  const params: unknown[] = [tenantId, snapshotId];
  const where = ['tenant_id = $1', `snapshot_id = ${snapshotExpr}`];
  if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  if (filter.search) where.push(`name ILIKE $${params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`);
  const sort = filter.sort ?? 'variance';
  const direction = (filter.order ?? (filter.sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
  const order = `${SORT_COLUMNS[sort]} ${direction} NULLS LAST, lower(name) ASC, organization_id ASC`;
  return { where: where.join(' AND '), order, params };
}
