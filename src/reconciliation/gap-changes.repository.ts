// How a new reconciliation version differs, gap by gap, from the one in force before it (the
// previous version of the same snapshot, or the latest version of the tenant's complete snapshot
// before it): gaps that opened, worsened (|variance| grew) or closed. Accepted gaps are aside:
// an accepted line is neither open nor closed. What alerts send (DESIGN.md "Changes, alerts").
import { Injectable } from '@nestjs/common';
import { rowsOf, type Queryable } from '../database/queryable.js';

export type GapChangeKind = 'new' | 'worsened' | 'closed';

export interface GapChangeRecord {
  kind: GapChangeKind;
  organization_id: string;
  client_name: string;
  product_id: string;
  product_name: string;
  devices: number | null;
  licensed_quantity: string | null;
  variance: string | null;
  previous_variance: string | null;
  revenue_at_risk: string | null;
  overspend: string | null;
}

export interface GapTotalsRecord {
  taken_at: Date;
  under: number;
  over: number;
  risk: string;
  overspend: string;
}

// $1 tenant, $2 snapshot, $3 version.
const CHANGES_SQL = `
  WITH cur AS (SELECT id, taken_at FROM snapshot WHERE tenant_id = $1 AND id = $2),
  prev AS (
    SELECT $2::uuid AS id, $3::int - 1 AS version WHERE $3::int > 1
    UNION ALL
    (SELECT p.id, p.reconciliation_version FROM snapshot p, cur
      WHERE $3::int = 1 AND p.tenant_id = $1 AND p.status = 'complete' AND p.id <> $2 AND (p.taken_at, p.id) < (cur.taken_at, cur.id)
      ORDER BY p.taken_at DESC, p.id DESC LIMIT 1)
  ),
  now_lines AS (SELECT * FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3),
  old_lines AS (SELECT l.* FROM prev JOIN reconciliation_line l ON l.tenant_id = $1 AND l.snapshot_id = prev.id AND l.version = prev.version),
  diff AS (
    SELECT COALESCE(n.organization_id, o.organization_id) AS organization_id, COALESCE(n.product_id, o.product_id) AS product_id,
           COALESCE(n.product_name, o.product_name) AS product_name, n.devices, n.licensed_quantity, n.variance, o.variance AS previous_variance,
           n.revenue_at_risk, n.overspend,
           CASE WHEN n.gap_state = 'open' AND (o.gap_state IS DISTINCT FROM 'open' OR sign(n.variance) <> sign(o.variance)) THEN 'new'
                WHEN n.gap_state = 'open' AND abs(n.variance) > abs(o.variance) THEN 'worsened'
                WHEN o.gap_state = 'open' AND (n.organization_id IS NULL OR n.status = 'matched') THEN 'closed' END AS kind
      FROM now_lines n FULL JOIN old_lines o ON o.organization_id = n.organization_id AND o.product_id = n.product_id
  )
  SELECT d.*, COALESCE(c.name, d.organization_id) AS client_name FROM diff d
    LEFT JOIN reconciliation_client c ON c.tenant_id = $1 AND c.snapshot_id = $2 AND c.version = $3 AND c.organization_id = d.organization_id
   WHERE d.kind IS NOT NULL
   ORDER BY d.kind, abs(COALESCE(d.variance, d.previous_variance)) DESC, lower(COALESCE(c.name, d.organization_id)), d.product_id`;

@Injectable()
export class GapChangesRepository {
  /** The gaps that opened, worsened or closed with this version (see the header). */
  changes(q: Queryable, tenantId: string, snapshotId: string, version: number): Promise<GapChangeRecord[]> {
    return q.query(CHANGES_SQL, [tenantId, snapshotId, version]).then((r) => rowsOf<GapChangeRecord>(r));
  }

  /** The version's totals over its mapped clients (accepted gaps apart, as the summary counts them). */
  async totals(q: Queryable, tenantId: string, snapshotId: string, version: number): Promise<GapTotalsRecord> {
    const [row] = rowsOf<GapTotalsRecord>(await q.query(
      `SELECT s.taken_at, count(*) FILTER (WHERE c.status = 'under-licensed')::int AS under, count(*) FILTER (WHERE c.status = 'over-licensed')::int AS over,
              COALESCE(sum(c.revenue_at_risk), 0)::text AS risk, COALESCE(sum(c.overspend), 0)::text AS overspend
         FROM snapshot s LEFT JOIN reconciliation_client c ON c.tenant_id = s.tenant_id AND c.snapshot_id = s.id AND c.version = $3
        WHERE s.tenant_id = $1 AND s.id = $2 GROUP BY s.taken_at`,
      [tenantId, snapshotId, version],
    ));
    return row;
  }

  /** Whether the snapshot is what the dashboard shows (the latest complete one, or one being taken now). */
  async isCurrent(q: Queryable, tenantId: string, snapshotId: string): Promise<boolean> {
    const [row] = rowsOf<{ current: boolean }>(await q.query(
      `SELECT s.status = 'building' OR NOT EXISTS (
                SELECT 1 FROM snapshot p WHERE p.tenant_id = s.tenant_id AND p.status = 'complete' AND (p.taken_at, p.id) > (s.taken_at, s.id)) AS current
         FROM snapshot s WHERE s.tenant_id = $1 AND s.id = $2`,
      [tenantId, snapshotId],
    ));
    return row?.current ?? false;
  }
}
