// Missed billing: the under-licensed product lines of a snapshot, largest money first, each
// with what to do and since when the gap has been open (the consecutive run of complete
// snapshots, up to this one, in which the same client and product were under-licensed).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { loadCountingRules } from '../settings/rules.js';
import { lineAction } from './client-detail.service.js';
import { usdOrNull, type Money } from './money.js';
import { ReconciliationService, type SnapshotRef } from './reconciliation.service.js';

export interface MissedBillingDto {
  clientId: string;
  clientName: string;
  productId: string;
  productName: string;
  devices: number;
  licensed: number;
  gap: number;
  unitPriceMonthly: Money | null;
  monthlyAmount: Money | null;
  action: string;
  since: string;
  snapshots: number;
}

/** How far back the "since" run is followed. */
const HISTORY_SNAPSHOTS = 120;

@Injectable()
export class MissedBillingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async list(tenantId: string, query: { snapshotId?: string; limit: number; offset: number }): Promise<{ snapshot: SnapshotRef | null; items: MissedBillingDto[]; total: number }> {
    const snapshot = await this.reconciliation.resolveSnapshot(tenantId, query.snapshotId);
    if (!snapshot) return { snapshot: null, items: [], total: 0 };
    const { matchedTolerance } = await loadCountingRules(this.db, tenantId);
    const [{ n }] = await this.db.query(
      `SELECT count(*) AS n FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND variance > $3`,
      [tenantId, snapshot.id, matchedTolerance],
    );
    const open = await this.db.query(
      `SELECT l.*, c.name AS client_name FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.organization_id = l.organization_id
        WHERE l.tenant_id = $1 AND l.snapshot_id = $2 AND l.variance > $3
        ORDER BY l.monthly_impact DESC NULLS LAST, l.variance DESC, lower(c.name), l.organization_id, l.product_id
        LIMIT $4 OFFSET $5`,
      [tenantId, snapshot.id, matchedTolerance, query.limit, query.offset],
    );
    if (!open.length) return { snapshot, items: [], total: Number(n) };

    // The same line in the snapshots up to this one, newest first: the run stops at the first snapshot without the gap.
    const history: Array<{ organization_id: string; product_id: string; rn: string; taken_at: Date; gap: boolean }> = await this.db.query(
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
      [tenantId, snapshot.takenAt, open.map((l: any) => l.organization_id), open.map((l: any) => l.product_id), matchedTolerance],
    );
    const runs = new Map<string, { since: string; snapshots: number; broken: boolean }>();
    for (const h of history) {
      const key = `${h.organization_id}\u0000${h.product_id}`;
      const run = runs.get(key) ?? { since: snapshot.takenAt, snapshots: 0, broken: false };
      if (!run.broken && h.gap) {
        run.since = new Date(h.taken_at).toISOString();
        run.snapshots++;
      } else run.broken = true;
      runs.set(key, run);
    }

    const items = open.map((l: Record<string, any>): MissedBillingDto => {
      const devices = Number(l.devices);
      const licensed = Number(l.licensed_quantity);
      const run = runs.get(`${l.organization_id}\u0000${l.product_id}`) ?? { since: snapshot.takenAt, snapshots: 1 };
      return {
        clientId: l.organization_id, clientName: l.client_name, productId: l.product_id, productName: l.product_name,
        devices, licensed, gap: Number(l.variance),
        unitPriceMonthly: usdOrNull(l.unit_price_monthly === null ? null : Number(l.unit_price_monthly)),
        monthlyAmount: usdOrNull(l.monthly_impact === null ? null : Number(l.monthly_impact)),
        action: lineAction(l.product_name, licensed, devices),
        since: run.since, snapshots: run.snapshots,
      };
    });
    return { snapshot, items, total: Number(n) };
  }
}
