// Computes and reads the stored reconciliation. Writes replace a snapshot's rows atomically;
// reads are tenant-scoped, indexed reads of reconciliation_client / reconciliation_line for
// one complete snapshot (the latest by default). summary() and list() answer from memory while
// nothing changed (ReconciliationCacheService); their results are shared and frozen.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { loadCountingRules, rowsOf, type CountingRules, type Queryable } from '../settings/rules.js';
import { usd, usdOrNull, type Money } from './money.js';
import { loadMapping, writeReconciliation, type ClientStatus } from './reconcile.js';
import { ReconciliationCacheService } from './reconciliation-cache.service.js';
import { inTransaction } from './transaction.js';

export const CLIENT_SORTS = ['name', 'devices', 'licenses', 'variance', 'monthlyImpact'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];
const SORT_COLUMNS: Record<ClientSort, string> = {
  name: 'lower(name)', devices: 'devices', licenses: 'licenses', variance: 'variance', monthlyImpact: 'monthly_impact',
};

/** The snapshot a read is about, as SQL with $1 = tenant and $2 = the snapshot asked for (null: the latest complete one). */
const SNAPSHOT_SQL = `SELECT id, taken_at FROM snapshot
  WHERE tenant_id = $1 AND status = 'complete' AND ($2::uuid IS NULL OR id = $2::uuid)
  ORDER BY taken_at DESC, id DESC LIMIT 1`;

export interface ClientFilter {
  status?: ClientStatus;
  search?: string;
  sort?: ClientSort;
  order?: 'asc' | 'desc';
  snapshotId?: string;
}

export interface SnapshotRef {
  id: string;
  takenAt: string;
}

export interface ClientRowDto {
  clientId: string;
  name: string;
  pax8CompanyId: string | null;
  devices: number;
  licenses: number;
  variance: number;
  status: ClientStatus;
  monthlyImpact: Money | null;
  lineCount: number;
}

export interface ClientListDto {
  snapshot: SnapshotRef | null;
  items: ClientRowDto[];
  total: number;
}

export interface SummaryDto {
  snapshot: SnapshotRef | null;
  underLicensed: number;
  overLicensed: number;
  matched: number;
  unmapped: number;
  revenueAtRisk: Money;
  overspend: Money;
}

@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: ReconciliationCacheService,
  ) {}

  /** (Re)computes a snapshot's reconciliation (default: the latest complete one) from the current mapping, products and subscriptions. */
  async reconcile(tenantId: string, snapshotId?: string): Promise<{ snapshotId: string; clients: number }> {
    try {
      return await inTransaction(this.db, async (client) => {
        await this.lockTenant(client, tenantId);
        const snapshot = snapshotId
          ? await this.findComplete(client, tenantId, snapshotId)
          : await this.latest(client, tenantId);
        if (!snapshot) throw notFound('Complete snapshot');
        const rules = await loadCountingRules(client, tenantId);
        const clients = await writeReconciliation(client, tenantId, snapshot.id, rules);
        return { snapshotId: snapshot.id, clients };
      });
    } finally {
      this.committed(tenantId);
    }
  }

  /**
   * After a transaction that wrote a tenant's snapshot or reconciliation rows ended (COMMIT, or
   * a failure that may have followed one): drop this process's cached reads for the tenant
   * before answering, so the writer reads its own write. Other processes learn it by NOTIFY.
   */
  committed(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  /**
   * One reconcile per tenant at a time, until the transaction ends: two concurrent replacements
   * of the same rows would collide, and a reconcile queued behind a snapshot sees that snapshot.
   */
  async lockTenant(client: PoolClient, tenantId: string): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('b1r:reconcile:' || $1))`, [tenantId]);
  }

  /** After a mapping, product or settings change: re-reconcile the latest snapshot, if there is one. */
  async reconcileLatest(tenantId: string): Promise<void> {
    if (await this.latest(this.db, tenantId)) await this.reconcile(tenantId);
  }

  /** For the snapshot ingest, inside its own transaction. */
  async reconcileInTransaction(client: PoolClient, tenantId: string, snapshotId: string, rules: CountingRules): Promise<number> {
    return writeReconciliation(client, tenantId, snapshotId, rules);
  }

  async mappedOrganizations(q: Queryable, tenantId: string): Promise<Set<string>> {
    return new Set((await loadMapping(q, tenantId)).mapping.keys());
  }

  async latest(q: Queryable, tenantId: string): Promise<SnapshotRef | null> {
    const [row] = rowsOf<{ id: string; taken_at: Date }>(await q.query(
      `SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC, id DESC LIMIT 1`, [tenantId],
    ));
    return row ? { id: row.id, takenAt: new Date(row.taken_at).toISOString() } : null;
  }

  private async findComplete(q: Queryable, tenantId: string, snapshotId: string): Promise<SnapshotRef | null> {
    const [row] = rowsOf<{ id: string; taken_at: Date }>(await q.query(
      `SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND id = $2 AND status = 'complete'`, [tenantId, snapshotId],
    ));
    return row ? { id: row.id, takenAt: new Date(row.taken_at).toISOString() } : null;
  }

  /** The snapshot a read is about: the one asked for (404 unless complete), else the latest complete one (or none yet). */
  async resolveSnapshot(tenantId: string, snapshotId?: string): Promise<SnapshotRef | null> {
    if (!snapshotId) return this.latest(this.db, tenantId);
    const found = await this.findComplete(this.db, tenantId, snapshotId);
    if (!found) throw notFound('Snapshot');
    return found;
  }

  /**
   * One round trip: the snapshot (asked for, else the latest complete one), its client counts by
   * status and its money. Under load the API is bound by database round trips, not by the scans.
   */
  summary(tenantId: string, snapshotId?: string): Promise<SummaryDto> {
    return this.cache.read(tenantId, ['summary', snapshotId ?? null], () => this.loadSummary(tenantId, snapshotId));
  }

  private async loadSummary(tenantId: string, snapshotId?: string): Promise<SummaryDto> {
    const [row] = await this.db.query(
      `WITH s AS (${SNAPSHOT_SQL})
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
      [tenantId, snapshotId ?? null],
    );
    if (!row) {
      if (snapshotId) throw notFound('Snapshot');
      return { snapshot: null, underLicensed: 0, overLicensed: 0, matched: 0, unmapped: 0, revenueAtRisk: usd(0), overspend: usd(0) };
    }
    return {
      snapshot: { id: row.id, takenAt: new Date(row.taken_at).toISOString() },
      underLicensed: Number(row.under), overLicensed: Number(row.over), matched: Number(row.matched), unmapped: Number(row.unmapped),
      revenueAtRisk: usd(Number(row.risk)), overspend: usd(Number(row.overspend)),
    };
  }

  /** WHERE and ORDER BY of the client list, shared by the list and the CSV export. */
  clientQuery(tenantId: string, snapshotId: string | null, filter: ClientFilter, snapshotExpr = '$2'): { where: string; order: string; params: unknown[] } {
    const params: unknown[] = [tenantId, snapshotId];
    const where = ['tenant_id = $1', `snapshot_id = ${snapshotExpr}`];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.search) where.push(`name ILIKE $${params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`);
    const sort = filter.sort ?? 'variance';
    const direction = (filter.order ?? (filter.sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
    const order = `${SORT_COLUMNS[sort]} ${direction} NULLS LAST, lower(name) ASC, organization_id ASC`;
    return { where: where.join(' AND '), order, params };
  }

  /** One round trip for the usual page: the snapshot, the page and the total (a window count). */
  list(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListDto> {
    // Every field the answer depends on, defaults applied, so equal requests share one entry.
    const sort = filter.sort ?? 'variance';
    const order = filter.order ?? (sort === 'name' ? 'asc' : 'desc');
    const key = ['list', filter.snapshotId ?? null, filter.status ?? null, filter.search || null, sort, order, filter.limit, filter.offset];
    return this.cache.read(tenantId, key, () => this.loadList(tenantId, filter));
  }

  private async loadList(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListDto> {
    const { where, order, params } = this.clientQuery(tenantId, filter.snapshotId ?? null, filter, '(SELECT id FROM s)');
    const rows: Array<Record<string, any>> = await this.db.query(
      `WITH s AS (${SNAPSHOT_SQL}),
            page AS (SELECT *, count(*) OVER () AS total FROM reconciliation_client WHERE ${where}
                      ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2})
       SELECT s.id AS snapshot_ref, s.taken_at AS snapshot_taken_at, page.* FROM s LEFT JOIN page ON true`,
      [...params, filter.limit, filter.offset],
    );
    if (!rows.length) {
      if (filter.snapshotId) throw notFound('Snapshot');
      return { snapshot: null, items: [], total: 0 };
    }
    const snapshot = { id: rows[0].snapshot_ref as string, takenAt: new Date(rows[0].snapshot_taken_at).toISOString() };
    const items = rows.filter((r) => r.organization_id !== null);
    // Past the last page the window count is gone with the rows: count separately (rare).
    const total = items.length
      ? Number(items[0].total)
      : Number((await this.db.query(`SELECT count(*) AS n FROM reconciliation_client WHERE ${this.clientQuery(tenantId, snapshot.id, filter).where}`,
        this.clientQuery(tenantId, snapshot.id, filter).params))[0].n);
    return { snapshot, items: items.map(toClientRowDto), total };
  }
}

export function toClientRowDto(row: Record<string, any>): ClientRowDto {
  return {
    clientId: row.organization_id, name: row.name, pax8CompanyId: row.pax8_company_id, devices: row.devices,
    licenses: Number(row.licenses), variance: Number(row.variance), status: row.status,
    monthlyImpact: usdOrNull(row.monthly_impact === null ? null : Number(row.monthly_impact)), lineCount: row.line_count,
  };
}
