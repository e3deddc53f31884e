// reconciliation, reconciliation_client and reconciliation_line: every statement on them, with
// typed rows. A reconciliation is written once, as a new version of its snapshot, inside the
// caller's transaction, and never changed; reads are tenant-scoped, indexed reads of one version
// (default: the latest version of the latest complete snapshot), which they find in the same
// round trip through RECONCILIATION_SQL.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { analyzeIfGrown } from '../database/analyze.js';
import { batches } from '../database/batches.js';
import { forEachRow } from '../database/cursor.js';
import { rowsOf, type Queryable } from '../database/queryable.js';
import { COMPLETE_SNAPSHOT_SQL } from '../snapshots/snapshot.repository.js';
import type { TrendPointDto } from './dto/reconciliation.dto.js';
import type { BillingStatus, ClientRow, ClientStatus, GapState, LineException, LineRow, LineStatus } from './reconcile.js';

export const CLIENT_SORTS = ['name', 'devices', 'licenses', 'variance', 'revenueAtRisk', 'overspend', 'unpricedSeats', 'monthlyImpact', 'underBilled', 'billedVariance'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];
const SORT_COLUMNS: Record<ClientSort, string> = {
  name: 'lower(name)', devices: 'devices', licenses: 'licenses', variance: 'variance', revenueAtRisk: 'revenue_at_risk', overspend: 'overspend',
  unpricedSeats: 'unpriced_seats', monthlyImpact: 'monthly_impact', underBilled: 'under_billed', billedVariance: 'billed_variance',
};

/**
 * The reconciliation a read is about, for a CTE: $1 = tenant, $2 = the snapshot asked for (null:
 * the latest complete one), $3 = the version asked for (null: the snapshot's latest). `latest`
 * says whether it is what the dashboard shows by default (else: history).
 */
const RECONCILIATION_SQL = `SELECT sn.id, sn.taken_at, v.version, v.reason, v.created_at AS version_created_at,
    (v.version = sn.reconciliation_version AND sn.id = (SELECT id FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC, id DESC LIMIT 1)) AS latest
  FROM (${COMPLETE_SNAPSHOT_SQL.replace('SELECT id, taken_at FROM', 'SELECT id, taken_at, reconciliation_version FROM')}) sn
  JOIN reconciliation v ON v.tenant_id = $1 AND v.snapshot_id = sn.id AND v.version = COALESCE($3::int, sn.reconciliation_version)`;

/** One version of a snapshot's reconciliation. */
export interface ReconciliationRef {
  id: string;
  taken_at: Date;
  version: number;
  latest: boolean;
}

/** The list's status filter: a client status, `accepted`, or `mapped` (every status but unmapped). */
export const LIST_STATUSES = ['under-licensed', 'over-licensed', 'matched', 'unmapped', 'accepted', 'mapped'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export interface ClientFilter {
  status?: ListStatus;
  search?: string;
  sort?: ClientSort;
  order?: 'asc' | 'desc';
  snapshotId?: string;
  version?: number;
}

/** numeric columns come back as strings (pg keeps their precision); counts as int. */
export interface ClientRowRecord {
  organization_id: string;
  name: string;
  pax8_company_id: string | null;
  devices: number;
  licenses: string | null;
  variance: string | null;
  status: ClientStatus;
  monthly_impact: string | null;
  revenue_at_risk: string;
  overspend: string;
  unpriced_seats: number;
  accepted_revenue_at_risk: string;
  accepted_overspend: string;
  accepted_unpriced_seats: number;
  line_count: number;
  headline_product_id: string | null;
  /** PSA billing: all null in a version made without it (under_billed is 0, not null, for every client of one made with it). */
  billed: string | null;
  billed_variance: string | null;
  unbilled_licences: string | null;
  billing_status: BillingStatus | null;
  under_billed: string | null;
  unpriced_under_billed_seats: number | null;
}

export interface LineRecord {
  organization_id: string;
  product_id: string;
  product_name: string;
  pax8_company_id: string;
  devices: number;
  licensed_quantity: string;
  variance: string;
  status: LineStatus;
  unit_price_monthly: string | null;
  monthly_impact: string | null;
  revenue_at_risk: string | null;
  overspend: string | null;
  unpriced_seats: number;
  gap_state: GapState | null;
  exception: LineException | null;
  /** PSA billing: all null in a version made without it. */
  billed: string | null;
  billed_variance: string | null;
  unbilled_licences: string | null;
  billing_status: BillingStatus | null;
  billed_unit_price_monthly: string | null;
  under_billed: string | null;
  unpriced_under_billed_seats: number | null;
  /** Since when (and over how many snapshots) the line has had this gap status / billing status; null: matched, or none. */
  open_since: Date | null;
  open_snapshots: number | null;
  billing_open_since: Date | null;
  billing_open_snapshots: number | null;
}

/** A client row with its lines (in the list's page). */
export interface ClientWithLinesRecord extends ClientRowRecord {
  lines: LineRecord[] | null;
  /** The client's status in the complete snapshot before this one (null: not in it, or none). */
  previous_status: ClientStatus | null;
}

export interface SummaryRecord extends ReconciliationRef {
  under: string;
  over: string;
  matched: string;
  unmapped: string;
  risk: string;
  overspend: string;
  unpriced: string;
  unpriced_under: string;
  accepted: string;
  accepted_risk: string;
  accepted_overspend: string;
  accepted_unpriced: string;
  billable: string;
  unmapped_devices: string;
  unconfirmed_mappings: number;
  /** PSA billing: null in a version made without it. */
  under_billed: string | null;
  under_billed_clients: string;
  over_billed_clients: string;
  unpriced_under_billed: string | null;
}

export interface ListTotalsRecord {
  total: string;
  devices: string | null;
  risk: string | null;
  overspend: string | null;
  unpriced: string | null;
  under_billed: string | null;
}

export interface TrendRecord {
  id: string;
  taken_at: Date;
  version: number;
  devices: number;
  rules: unknown;
  reason: string;
  /** `billed`: what the PSA billed for the line (null when the tenant has no PSA billing, or the version was made before it). */
  lines: Array<{ product_id: string; product_name: string; licensed_quantity: number; variance: number; billed: number | null }> | null;
}

export interface VersionRecord {
  version: number;
  created_at: Date;
  reason: string;
  created_by: string | null;
}

export interface ProductTotalsRecord {
  product_id: string;
  product_name: string;
  clients: string;
  devices: string;
  licenses: string;
  variance: string;
  under_seats: string;
  over_seats: string;
  risk: string;
  overspend: string;
  unpriced: string;
  billed: string | null;
  under_billed_seats: string | null;
  over_billed_seats: string | null;
  unbilled_licences: string | null;
  under_billed: string | null;
}

/** A page of the client list and the reconciliation it is of (null: no complete snapshot matched). */
export interface ClientPage {
  reconciliation: ReconciliationRef | null;
  rows: ClientWithLinesRecord[];
  totals: ListTotalsRecord;
}

/** What a new version records besides its rows. */
export interface VersionInput {
  reason: string;
  createdBy: string | null;
  /** The rules and other inputs it was computed with (also part of what makes it new). */
  inputs: Record<string, unknown>;
}

const LINE_JSON = `json_build_object('organization_id', l.organization_id, 'product_id', l.product_id, 'product_name', l.product_name,
  'pax8_company_id', l.pax8_company_id, 'devices', l.devices, 'licensed_quantity', l.licensed_quantity::text, 'variance', l.variance::text,
  'status', l.status, 'unit_price_monthly', l.unit_price_monthly::text, 'monthly_impact', l.monthly_impact::text,
  'revenue_at_risk', l.revenue_at_risk::text, 'overspend', l.overspend::text, 'unpriced_seats', l.unpriced_seats,
  'gap_state', l.gap_state, 'exception', l.exception, 'billed', l.billed::text, 'billed_variance', l.billed_variance::text,
  'unbilled_licences', l.unbilled_licences::text, 'billing_status', l.billing_status, 'billed_unit_price_monthly', l.billed_unit_price_monthly::text,
  'under_billed', l.under_billed::text, 'unpriced_under_billed_seats', l.unpriced_under_billed_seats)`;
const LINE_ORDER = 'abs(l.variance) DESC, l.variance DESC, l.product_name';

const TREND_POINTS = 24;

/**
 * The snapshots a client's trend shows, with its counts ($2) and each reconciliation: the complete
 * ones taken up to $3 (from $4 when given), newest first, up to $5; trend() and trendPoints() both.
 */
const TREND_SNAPSHOTS_SQL = `FROM snapshot s
         JOIN reconciliation_client c ON c.tenant_id = s.tenant_id AND c.snapshot_id = s.id AND c.version = s.reconciliation_version AND c.organization_id = $2
         JOIN reconciliation r ON r.tenant_id = s.tenant_id AND r.snapshot_id = s.id AND r.version = s.reconciliation_version
        WHERE s.tenant_id = $1 AND s.status = 'complete' AND s.taken_at <= $3 AND ($4::timestamptz IS NULL OR s.taken_at >= $4)
        ORDER BY s.taken_at DESC, s.id DESC LIMIT $5`;

/** How a version made by a change of the counting rules names its reason (ReconciliationInputs.changed). */
export const RULES_CHANGED = 'counting rules changed';

/**
 * What the reads filter, join and search on: the columns analyzeIfGrown samples (a column left out
 * keeps its last statistics), each with a statistics target of 10 (migration SnapshotKeyStatistics).
 */
const ANALYZED_RECONCILIATION_COLUMNS = 'reconciliation_line (tenant_id, snapshot_id, version, organization_id, product_id, status, gap_state, billing_status, billed_variance), '
  + 'reconciliation_client (tenant_id, snapshot_id, version, organization_id, status, billing_status, name, pax8_company_id)';

@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Writes the reconciliation as the snapshot's next version, unless it equals the latest one in
   * inputs and results (then nothing is written: the version in force already says it). Run
   * inside a transaction that holds the tenant's reconcile lock.
   */
  async insertVersion(q: Queryable, tenantId: string, snapshotId: string, clients: ClientRow[], lines: LineRow[], input: VersionInput): Promise<{ version: number; created: boolean }> {
    const hash = resultHash(input.inputs, clients, lines);
    const [current] = rowsOf<{ version: number | null; result_hash: string | null }>(await q.query(
      `SELECT s.reconciliation_version AS version, r.result_hash FROM snapshot s
         LEFT JOIN reconciliation r ON r.tenant_id = s.tenant_id AND r.snapshot_id = s.id AND r.version = s.reconciliation_version
        WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE OF s`,
      [tenantId, snapshotId],
    ));
    if (current?.version && current.result_hash === hash) return { version: current.version, created: false };
    const version = (current?.version ?? 0) + 1;
    await q.query(
      `INSERT INTO reconciliation (tenant_id, snapshot_id, version, reason, created_by, rules, result_hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [tenantId, snapshotId, version, input.reason, input.createdBy, JSON.stringify(input.inputs), hash],
    );
    for (const batch of batches(lines)) {
      await q.query(
        `INSERT INTO reconciliation_line (tenant_id, snapshot_id, version, organization_id, product_id, product_name, pax8_company_id, devices, licensed_quantity, variance,
                                          status, unit_price_monthly, monthly_impact, revenue_at_risk, overspend, unpriced_seats, gap_state, exception,
                                          billed, billed_variance, unbilled_licences, billing_status, billed_unit_price_monthly, under_billed, unpriced_under_billed_seats)
         SELECT $1, $2, $3, x."organizationId", x."productId", x."productName", x."pax8CompanyId", x.devices, x."licensedQuantity", x.variance,
                x.status, x."unitPriceMonthly", x."monthlyImpact", x."revenueAtRisk", x.overspend, x."unpricedSeats", x."gapState", x.exception,
                x.billed, x."billedVariance", x."unbilledLicences", x."billingStatus", x."billedUnitPriceMonthly", x."underBilled", x."unpricedUnderBilledSeats"
           FROM jsonb_to_recordset($4::jsonb) AS x("organizationId" text, "productId" text, "productName" text, "pax8CompanyId" text, devices int, "licensedQuantity" numeric,
                variance numeric, status text, "unitPriceMonthly" numeric, "monthlyImpact" numeric, "revenueAtRisk" numeric, overspend numeric, "unpricedSeats" int,
                "gapState" text, exception jsonb, billed numeric, "billedVariance" numeric, "unbilledLicences" numeric, "billingStatus" text,
                "billedUnitPriceMonthly" numeric, "underBilled" numeric, "unpricedUnderBilledSeats" int)`,
        [tenantId, snapshotId, version, JSON.stringify(batch)],
      );
    }
    for (const batch of batches(clients)) {
      await q.query(
        `INSERT INTO reconciliation_client (tenant_id, snapshot_id, version, organization_id, name, pax8_company_id, devices, licenses, variance, status, monthly_impact,
                                            revenue_at_risk, overspend, unpriced_seats, unpriced_under_seats, accepted_revenue_at_risk, accepted_overspend, accepted_unpriced_seats,
                                            line_count, headline_product_id, billed, billed_variance, unbilled_licences, billing_status, under_billed, unpriced_under_billed_seats)
         SELECT $1, $2, $3, x."organizationId", x.name, x."pax8CompanyId", x.devices, x.licenses, x.variance, x.status, x."monthlyImpact",
                x."revenueAtRisk", x.overspend, x."unpricedSeats", x."unpricedUnderSeats", x."acceptedRevenueAtRisk", x."acceptedOverspend", x."acceptedUnpricedSeats",
                x."lineCount", x."headlineProductId", x.billed, x."billedVariance", x."unbilledLicences", x."billingStatus", x."underBilled", x."unpricedUnderBilledSeats"
           FROM jsonb_to_recordset($4::jsonb) AS x("organizationId" text, name text, "pax8CompanyId" text, devices int, licenses numeric, variance numeric, status text,
                "monthlyImpact" numeric, "revenueAtRisk" numeric, overspend numeric, "unpricedSeats" int, "unpricedUnderSeats" int,
                "acceptedRevenueAtRisk" numeric, "acceptedOverspend" numeric, "acceptedUnpricedSeats" int, "lineCount" int, "headlineProductId" text,
                billed numeric, "billedVariance" numeric, "unbilledLicences" numeric, "billingStatus" text, "underBilled" numeric, "unpricedUnderBilledSeats" int)`,
        [tenantId, snapshotId, version, JSON.stringify(batch)],
      );
    }
    await q.query(`UPDATE snapshot SET reconciliation_version = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, snapshotId, version]);
    return { version, created: true };
  }

  /** The reconciliation a read is about (see RECONCILIATION_SQL); null when the snapshot or version does not exist. */
  async resolve(tenantId: string, snapshotId: string | null, version: number | null): Promise<ReconciliationRef | null> {
    const [row]: ReconciliationRef[] = await this.db.query(`SELECT id, taken_at, version, latest FROM (${RECONCILIATION_SQL}) r`, [tenantId, snapshotId, version]);
    return row ?? null;
  }

  /**
   * One round trip: the reconciliation (asked for, else the latest), its client counts by status
   * and its money, summed over the rows the list shows (so the two agree to the cent). Under load
   * the API is bound by database round trips, not by the scans.
   */
  async summary(tenantId: string, snapshotId: string | null, version: number | null): Promise<SummaryRecord | null> {
    const [row]: SummaryRecord[] = await this.db.query(
      `WITH s AS (${RECONCILIATION_SQL})
       SELECT s.id, s.taken_at, s.version, s.latest, c.*,
              -- Not part of a version: how many mappings are still suggestions now (the dashboard's hint).
              (SELECT count(*)::int FROM client_mapping m JOIN pax8_company pc ON pc.tenant_id = m.tenant_id AND pc.id = m.pax8_company_id AND pc.removed_at IS NULL
                WHERE m.tenant_id = $1 AND m.state = 'suggested') AS unconfirmed_mappings
         FROM s
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status = 'under-licensed') AS under, count(*) FILTER (WHERE status = 'over-licensed') AS over,
                  count(*) FILTER (WHERE status = 'matched') AS matched, count(*) FILTER (WHERE status = 'unmapped') AS unmapped,
                  count(*) FILTER (WHERE status = 'accepted') AS accepted,
                  COALESCE(sum(accepted_revenue_at_risk), 0) AS accepted_risk, COALESCE(sum(accepted_overspend), 0) AS accepted_overspend,
                  COALESCE(sum(accepted_unpriced_seats), 0) AS accepted_unpriced,
                  COALESCE(sum(revenue_at_risk), 0) AS risk, COALESCE(sum(overspend), 0) AS overspend,
                  COALESCE(sum(unpriced_seats), 0) AS unpriced, COALESCE(sum(unpriced_under_seats), 0) AS unpriced_under,
                  COALESCE(sum(devices) FILTER (WHERE status <> 'unmapped'), 0) AS billable,
                  COALESCE(sum(devices) FILTER (WHERE status = 'unmapped'), 0) AS unmapped_devices,
                  sum(under_billed) AS under_billed, sum(unpriced_under_billed_seats) AS unpriced_under_billed,
                  count(*) FILTER (WHERE billing_status = 'under-billed') AS under_billed_clients,
                  count(*) FILTER (WHERE billing_status = 'over-billed') AS over_billed_clients
             FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = s.id AND version = s.version) c`,
      [tenantId, snapshotId, version],
    );
    return row ?? null;
  }

  /** One round trip for the usual page: the reconciliation, the page with each row's lines, and the list's totals (window sums). */
  async clientPage(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientPage> {
    const { where, order, params } = clientQuery(tenantId, filter, '(SELECT id FROM s)', '(SELECT version FROM s)');
    const rows: Array<Partial<ClientWithLinesRecord> & { ref_id: string; ref_taken_at: Date; ref_version: number; ref_latest: boolean } & Partial<ListTotalsRecord>> = await this.db.query(
      `WITH s AS (${RECONCILIATION_SQL}),
            page AS (SELECT c.*, count(*) OVER () AS total, sum(devices) OVER () AS total_devices, sum(revenue_at_risk) OVER () AS total_risk,
                            sum(overspend) OVER () AS total_overspend, sum(unpriced_seats) OVER () AS total_unpriced, sum(under_billed) OVER () AS total_under_billed,
                            row_number() OVER (ORDER BY ${order}) AS rn
                       FROM reconciliation_client c WHERE ${where}
                      ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}),
            -- The complete snapshot before this one: each page row looks its status up there (by key).
            prev AS (SELECT p.id, p.reconciliation_version FROM snapshot p, s
                      WHERE p.tenant_id = $1 AND p.status = 'complete' AND (p.taken_at, p.id) < (s.taken_at, s.id)
                      ORDER BY p.taken_at DESC, p.id DESC LIMIT 1)
       SELECT s.id AS ref_id, s.taken_at AS ref_taken_at, s.version AS ref_version, s.latest AS ref_latest, page.*,
              (SELECT pc.status FROM prev JOIN reconciliation_client pc ON pc.tenant_id = $1 AND pc.snapshot_id = prev.id
                  AND pc.version = prev.reconciliation_version AND pc.organization_id = page.organization_id) AS previous_status,
              (SELECT json_agg(${LINE_JSON} ORDER BY ${LINE_ORDER}) FROM reconciliation_line l
                WHERE l.tenant_id = $1 AND l.snapshot_id = s.id AND l.version = s.version AND l.organization_id = page.organization_id) AS lines
         FROM s LEFT JOIN page ON true
        ORDER BY page.rn`,
      [...params, filter.limit, filter.offset],
    );
    if (!rows.length) return { reconciliation: null, rows: [], totals: { total: '0', devices: null, risk: null, overspend: null, unpriced: null, under_billed: null } };
    const first = rows[0] as Record<string, unknown>;
    const reconciliation = { id: rows[0].ref_id, taken_at: rows[0].ref_taken_at, version: rows[0].ref_version, latest: rows[0].ref_latest };
    const items = rows.filter((r) => r.organization_id != null) as ClientWithLinesRecord[];
    // Past the last page the window sums are gone with the rows: total them separately (rare).
    const totals: ListTotalsRecord = items.length
      ? {
        total: String(first.total), devices: first.total_devices as string, risk: first.total_risk as string, overspend: first.total_overspend as string,
        unpriced: first.total_unpriced as string, under_billed: first.total_under_billed as string | null,
      }
      : await this.listTotals(tenantId, { ...filter, snapshotId: reconciliation.id, version: reconciliation.version });
    return { reconciliation, rows: items, totals };
  }

  private async listTotals(tenantId: string, filter: ClientFilter): Promise<ListTotalsRecord> {
    const { where, params } = clientQuery(tenantId, filter);
    const [row]: ListTotalsRecord[] = await this.db.query(
      `SELECT count(*) AS total, sum(devices) AS devices, sum(revenue_at_risk) AS risk, sum(overspend) AS overspend, sum(unpriced_seats) AS unpriced,
              sum(under_billed) AS under_billed
         FROM reconciliation_client WHERE ${where}`, params);
    return row;
  }

  /** The client list of one version in the list's order, through a cursor (the CSV export). */
  eachClient(tenantId: string, ref: { snapshotId: string; version: number }, filter: ClientFilter,
    onRow: (row: ClientRowRecord & { headline_product_name: string | null; accepted_gaps: Array<{ product_name: string; exception: LineException }> | null }) => void | Promise<void>): Promise<void> {
    const { where, order, params } = clientQuery(tenantId, { ...filter, snapshotId: ref.snapshotId, version: ref.version });
    return forEachRow(this.db,
      `SELECT c.*, (SELECT product_name FROM reconciliation_line l WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id AND l.version = c.version
                      AND l.organization_id = c.organization_id AND l.product_id = c.headline_product_id) AS headline_product_name,
              (SELECT json_agg(json_build_object('product_name', l.product_name, 'exception', l.exception) ORDER BY l.product_name, l.product_id)
                 FROM reconciliation_line l WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id AND l.version = c.version
                  AND l.organization_id = c.organization_id AND l.gap_state = 'accepted') AS accepted_gaps
         FROM reconciliation_client c WHERE ${where} ORDER BY ${order}`, params, onRow);
  }

  async client(tenantId: string, ref: { snapshotId: string; version: number }, organizationId: string): Promise<ClientRowRecord | null> {
    const [row]: ClientRowRecord[] = await this.db.query(
      `SELECT * FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3 AND organization_id = $4`,
      [tenantId, ref.snapshotId, ref.version, organizationId],
    );
    return row ?? null;
  }

  /** A client's product lines, largest gap first (under-licensed before over on a tie). */
  clientLines(tenantId: string, ref: { snapshotId: string; version: number }, organizationId: string): Promise<LineRecord[]> {
    return this.db.query(
      `SELECT * FROM reconciliation_line l WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3 AND organization_id = $4 ORDER BY ${LINE_ORDER}`,
      [tenantId, ref.snapshotId, ref.version, organizationId],
    );
  }

  /** A client's product lines through a cursor (the per-client CSV). */
  eachClientLine(tenantId: string, ref: { snapshotId: string; version: number }, organizationId: string, onRow: (row: LineRecord) => void | Promise<void>): Promise<void> {
    return forEachRow(this.db,
      `SELECT * FROM reconciliation_line l WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3 AND organization_id = $4 ORDER BY ${LINE_ORDER}`,
      [tenantId, ref.snapshotId, ref.version, organizationId], onRow);
  }

  /**
   * The client in the complete snapshots up to `takenAt` (the latest version of each), newest
   * first, up to 24 (the issue-18 drill-down): devices and every product line, with the rules each was computed with.
   * With `since` (the QBR report's period), every snapshot from then on, up to `limit`.
   */
  trend(tenantId: string, organizationId: string, takenAt: string, period?: { since: string; limit: number }): Promise<TrendRecord[]> {
    return this.db.query(
      // Plain json built from the columns: a jsonb of the whole line (to read billed) per line was
      // two thirds of the statement, 0.88 → 0.35 ms at 24 points (EXPLAIN ANALYZE, docs/performance.md).
      `SELECT s.id, s.taken_at, s.reconciliation_version AS version, c.devices, COALESCE(r.rules->'rules', r.rules) AS rules, r.reason,
              (SELECT json_agg(json_build_object('product_id', l.product_id, 'product_name', l.product_name,
                                                 'licensed_quantity', l.licensed_quantity, 'variance', l.variance, 'billed', l.billed)
                               ORDER BY l.product_name, l.product_id)
                 FROM reconciliation_line l WHERE l.tenant_id = s.tenant_id AND l.snapshot_id = s.id AND l.version = s.reconciliation_version AND l.organization_id = $2) AS lines
         ${TREND_SNAPSHOTS_SQL}`,
      [tenantId, organizationId, takenAt, period?.since ?? null, period?.limit ?? TREND_POINTS],
    );
  }

  /**
   * The drill-down's trend (trend() above, up to 24 points), oldest first, as the response has it:
   * built in one json value by the statement, so the API parses one field instead of a row, a date
   * and two json values per point, and compares no rules (a point is marked where its reason says
   * the rules changed, or its rules differ from the point before it in the trend). With the
   * mapping in JavaScript the API served 176-180 drill-downs a second at 24 points against 220 at
   * one (10 connections, cache off); with this statement 211-228 (docs/performance.md, "The
   * drill-down's trend").
   */
  async trendPoints(tenantId: string, organizationId: string, takenAt: string): Promise<TrendPointDto[]> {
    const [row] = rowsOf<{ trend: TrendPointDto[] }>(await this.db.query(
      `SELECT COALESCE(json_agg(json_build_object(
                'snapshotId', p.id, 'takenAt', to_char(p.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'version', p.version, 'devices', p.devices,
                'rulesChanged', starts_with(p.reason, $6) OR (p.n > 1 AND p.rules IS DISTINCT FROM p.prev_rules),
                'reason', p.reason, 'lines', p.lines) ORDER BY p.taken_at, p.id), '[]') AS trend
         FROM (SELECT t.*, row_number() OVER w AS n, lag(t.rules) OVER w AS prev_rules
                 FROM (SELECT s.id, s.taken_at, s.reconciliation_version AS version, c.devices, COALESCE(r.rules->'rules', r.rules) AS rules, r.reason,
                              (SELECT COALESCE(json_agg(json_build_object('productId', l.product_id, 'productName', l.product_name,
                                                                 'licenses', l.licensed_quantity, 'variance', l.variance, 'billed', l.billed)
                                               ORDER BY l.product_name, l.product_id), '[]')
                                 FROM reconciliation_line l
                                WHERE l.tenant_id = s.tenant_id AND l.snapshot_id = s.id AND l.version = s.reconciliation_version AND l.organization_id = $2) AS lines
                       ${TREND_SNAPSHOTS_SQL}) t
               WINDOW w AS (ORDER BY t.taken_at, t.id)) p`,
      [tenantId, organizationId, takenAt, null, TREND_POINTS, RULES_CHANGED],
    ));
    return row.trend;
  }

  /** Every version of a snapshot's reconciliation, newest first. */
  versions(tenantId: string, snapshotId: string): Promise<VersionRecord[]> {
    return this.db.query(
      `SELECT version, created_at, reason, created_by FROM reconciliation WHERE tenant_id = $1 AND snapshot_id = $2 ORDER BY version DESC`,
      [tenantId, snapshotId],
    );
  }

  /** Per product across the mapped clients of one version: seats on each side apart, money never netted. */
  productTotals(tenantId: string, ref: { snapshotId: string; version: number }): Promise<ProductTotalsRecord[]> {
    return this.db.query(
      `SELECT product_id, min(product_name) AS product_name, count(*) AS clients, sum(devices) AS devices, sum(licensed_quantity) AS licenses,
              sum(variance) AS variance,
              COALESCE(sum(variance) FILTER (WHERE status = 'under-licensed' AND gap_state = 'open'), 0) AS under_seats,
              COALESCE(-sum(variance) FILTER (WHERE status = 'over-licensed' AND gap_state = 'open'), 0) AS over_seats,
              COALESCE(sum(revenue_at_risk) FILTER (WHERE gap_state IS DISTINCT FROM 'accepted'), 0) AS risk,
              COALESCE(sum(overspend) FILTER (WHERE gap_state IS DISTINCT FROM 'accepted'), 0) AS overspend,
              COALESCE(sum(unpriced_seats) FILTER (WHERE gap_state IS DISTINCT FROM 'accepted'), 0) AS unpriced,
              sum(billed) AS billed,
              CASE WHEN count(billed) > 0 THEN COALESCE(sum(billed_variance) FILTER (WHERE billing_status = 'under-billed'), 0) END AS under_billed_seats,
              CASE WHEN count(billed) > 0 THEN COALESCE(-sum(billed_variance) FILTER (WHERE billing_status = 'over-billed'), 0) END AS over_billed_seats,
              CASE WHEN count(billed) > 0 THEN COALESCE(sum(unbilled_licences) FILTER (WHERE unbilled_licences > 0), 0) END AS unbilled_licences,
              sum(under_billed) AS under_billed
         FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3
        GROUP BY product_id ORDER BY sum(revenue_at_risk) FILTER (WHERE gap_state IS DISTINCT FROM 'accepted') DESC NULLS LAST, min(product_name), product_id`,
      [tenantId, ref.snapshotId, ref.version],
    );
  }

  /**
   * After a reconciliation of a snapshot committed: ANALYZE its tables when what it wrote is
   * large beside what the planner last counted (never analyzed: a new tenant's first snapshot),
   * or when the planner would take the new version's lines for a handful (a snapshot id its
   * statistics have not seen, with every earlier one in them: analyze.ts). Without it the gap
   * reads are planned blind: GET /gaps and missed billing measured 250-380 and 170 ms at 2,000
   * clients after a tenant's first large reconciliation, missed billing 345 ms after the 25th
   * month's; 13-20 ms once analyzed. Autovacuum would get there too, a minute or more later, or
   * (a month of 25) never. The columns the reads filter and join on only, sampled 3,000 rows
   * (their statistics target): at 25 months of 2,000 clients ANALYZE of every column of both
   * tables took 1.1 s, of these 40 ms; and from the 11th snapshot on the probe finds the new one
   * estimated fairly (SnapshotKeyStatistics), so no ANALYZE is asked for.
   */
  async analyzeIfGrown(tenantId: string, snapshotId: string): Promise<boolean> {
    // The version in force: what was just written (earlier versions were counted when they were).
    const [written] = rowsOf<{ version: number; lines: string }>(await this.db.query(
      `SELECT s.reconciliation_version AS version, count(l.*) AS lines
         FROM snapshot s LEFT JOIN reconciliation_line l ON l.tenant_id = s.tenant_id AND l.snapshot_id = s.id AND l.version = s.reconciliation_version
        WHERE s.tenant_id = $1 AND s.id = $2 GROUP BY s.reconciliation_version`, [tenantId, snapshotId]));
    if (!written || written.version === null) return false;
    return analyzeIfGrown(this.db, 'reconciliation_line', Number(written.lines), ANALYZED_RECONCILIATION_COLUMNS, {
      sql: 'SELECT 1 FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3',
      params: [tenantId, snapshotId, written.version],
      // The blind gap reads nest a loop of gap lines over clients: 684 × 1,362 took 420 ms; at 200
      // lines (~70 × 130) a few milliseconds.
      minRows: 200,
    });
  }

  async countGaps(tenantId: string, ref: { snapshotId: string; version: number }): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*) AS n FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3 AND status = 'under-licensed' AND gap_state = 'open'`,
      [tenantId, ref.snapshotId, ref.version],
    );
    return Number(n);
  }

  /** Under-licensed lines of one version, largest money first, with the client's name. */
  gaps(tenantId: string, ref: { snapshotId: string; version: number }, limit: number, offset: number): Promise<Array<LineRecord & { client_name: string }>> {
    return this.db.query(
      `SELECT l.*, c.name AS client_name FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.version = l.version AND c.organization_id = l.organization_id
        WHERE l.tenant_id = $1 AND l.snapshot_id = $2 AND l.version = $3 AND l.status = 'under-licensed' AND l.gap_state = 'open'
        ORDER BY l.revenue_at_risk DESC NULLS LAST, l.variance DESC, lower(c.name), l.organization_id, l.product_id
        LIMIT $4 OFFSET $5`,
      [tenantId, ref.snapshotId, ref.version, limit, offset],
    );
  }

  /** Whether a version was made with PSA billing (its inputs say so). */
  async hasBilling(tenantId: string, ref: { snapshotId: string; version: number }): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT COALESCE((rules->>'psaBilling')::boolean, false) AS on FROM reconciliation WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3`,
      [tenantId, ref.snapshotId, ref.version],
    );
    return Boolean(row?.on);
  }

  async countBillingGaps(tenantId: string, ref: { snapshotId: string; version: number }): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*) AS n FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND version = $3 AND billing_status = 'under-billed'`,
      [tenantId, ref.snapshotId, ref.version],
    );
    return Number(n);
  }

  /** Under-billed lines of one version (PSA billing), largest under-billed money first, with the client's name. */
  billingGaps(tenantId: string, ref: { snapshotId: string; version: number }, limit: number, offset: number): Promise<Array<LineRecord & { client_name: string }>> {
    return this.db.query(
      `SELECT l.*, c.name AS client_name FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.version = l.version AND c.organization_id = l.organization_id
        WHERE l.tenant_id = $1 AND l.snapshot_id = $2 AND l.version = $3 AND l.billing_status = 'under-billed'
        ORDER BY l.under_billed DESC NULLS LAST, l.billed_variance DESC, lower(c.name), l.organization_id, l.product_id
        LIMIT $4 OFFSET $5`,
      [tenantId, ref.snapshotId, ref.version, limit, offset],
    );
  }

  /**
   * Stores since when each gap of a snapshot's version in force has been open (open_since, and
   * billing_open_since for a billing gap): the previous complete snapshot's figure when its line had
   * the same status, else this snapshot's taken-at. The snapshots after it (a back-filled snapshot,
   * or a past one reconciled again) are worked out again in order, as their runs go through it.
   * `snapshotId` counts as complete (the ingest marks it so after reconciling, in the same transaction).
   */
  async refreshOpenSince(q: Queryable, tenantId: string, snapshotId: string): Promise<void> {
    const later = rowsOf<{ id: string }>(await q.query(
      `SELECT n.id FROM snapshot s JOIN snapshot n ON n.tenant_id = s.tenant_id AND n.status = 'complete' AND (n.taken_at, n.id) > (s.taken_at, s.id)
        WHERE s.tenant_id = $1 AND s.id = $2 ORDER BY n.taken_at, n.id`,
      [tenantId, snapshotId],
    ));
    for (const id of [snapshotId, ...later.map((l) => l.id)]) {
      await q.query(
        `WITH cur AS (
           SELECT id, taken_at, reconciliation_version AS version FROM snapshot WHERE tenant_id = $1 AND id = $2
         ), prev AS (
           SELECT p.id, p.reconciliation_version AS version FROM snapshot p, cur
            WHERE p.tenant_id = $1 AND (p.status = 'complete' OR p.id = $3) AND (p.taken_at, p.id) < (cur.taken_at, cur.id)
            ORDER BY p.taken_at DESC, p.id DESC LIMIT 1
         ), runs AS (
           SELECT c.organization_id, c.product_id,
                  CASE WHEN c.status IN ('under-licensed', 'over-licensed') THEN CASE WHEN p.status = c.status THEN p.open_since ELSE cur.taken_at END END AS since,
                  CASE WHEN c.status IN ('under-licensed', 'over-licensed') THEN CASE WHEN p.status = c.status THEN p.open_snapshots + 1 ELSE 1 END END AS n,
                  CASE WHEN c.billing_status IN ('under-billed', 'over-billed') THEN CASE WHEN p.billing_status = c.billing_status THEN p.billing_open_since ELSE cur.taken_at END END AS billing_since,
                  CASE WHEN c.billing_status IN ('under-billed', 'over-billed') THEN CASE WHEN p.billing_status = c.billing_status THEN p.billing_open_snapshots + 1 ELSE 1 END END AS billing_n
             FROM cur JOIN reconciliation_line c ON c.tenant_id = $1 AND c.snapshot_id = cur.id AND c.version = cur.version
             LEFT JOIN prev ON true
             LEFT JOIN reconciliation_line p ON p.tenant_id = $1 AND p.snapshot_id = prev.id AND p.version = prev.version
                                            AND p.organization_id = c.organization_id AND p.product_id = c.product_id
         )
         UPDATE reconciliation_line l SET open_since = r.since, open_snapshots = r.n, billing_open_since = r.billing_since, billing_open_snapshots = r.billing_n
           FROM cur, runs r
          WHERE l.tenant_id = $1 AND l.snapshot_id = cur.id AND l.version = cur.version AND l.organization_id = r.organization_id AND l.product_id = r.product_id
            AND (l.open_since, l.open_snapshots, l.billing_open_since, l.billing_open_snapshots) IS DISTINCT FROM (r.since, r.n, r.billing_since, r.billing_n)`,
        [tenantId, id, snapshotId],
      );
    }
  }
}

const BILLING_FIELDS = ['billed', 'billedVariance', 'unbilledLicences', 'billingStatus', 'billedUnitPriceMonthly', 'underBilled', 'unpricedUnderBilledSeats'];

/**
 * The hash that tells an equal result from a new one: SHA-256 of the JSON of { inputs, clients,
 * lines } in a canonical order (the inputs' queries have no ORDER BY, and a plan that changes
 * between two reconciles must not make an equal result look new), billing fields left out when
 * null (so versions made before PSA billing compare equal). Fed row by row: the same bytes as
 * JSON.stringify of the whole, without holding that text.
 */
export function resultHash(inputs: object, clients: ClientRow[], lines: LineRow[]): string {
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const hash = createHash('sha256').update(`{"inputs":${JSON.stringify(inputs)},"clients":[`);
  const feed = (rows: object[]) => rows.forEach((row, i) => hash.update((i ? ',' : '') + JSON.stringify(withoutNullBilling(row))));
  feed([...clients].sort((a, b) => byKey(a.organizationId, b.organizationId)));
  hash.update('],"lines":[');
  feed([...lines].sort((a, b) => byKey(a.organizationId, b.organizationId) || byKey(a.productId, b.productId)));
  return hash.update(']}').digest('base64url');
}

/** A row as the result hash sees it: without billed fields that are null, so versions made before PSA billing existed hash as they did. */
function withoutNullBilling<T extends object>(row: T): Partial<T> {
  const copy = { ...row } as Record<string, unknown>;
  for (const field of BILLING_FIELDS) if (copy[field] === null) delete copy[field];
  return copy as Partial<T>;
}

/**
 * WHERE and ORDER BY of the client list, shared by the list and the CSV export. `mapped` is every
 * mapped client (the dashboard's list: unmapped organizations are not a licence gap until mapped,
 * and are listed on their own); without a status, every row.
 */
function clientQuery(tenantId: string, filter: ClientFilter, snapshotExpr = '$2', versionExpr = '$3'): { where: string; order: string; params: unknown[] } {
  const params: unknown[] = [tenantId, filter.snapshotId ?? null, filter.version ?? null];
  const where = ['tenant_id = $1', `snapshot_id = ${snapshotExpr}`, `version = ${versionExpr}`];
  if (filter.status === 'mapped') where.push(`status <> 'unmapped'`);
  else if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  if (filter.search) where.push(`name ILIKE $${params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`);
  const sort = filter.sort ?? 'variance';
  const direction = (filter.order ?? (filter.sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
  const order = `${SORT_COLUMNS[sort]} ${direction} NULLS LAST, lower(name) ASC, organization_id ASC`;
  return { where: where.join(' AND '), order, params };
}
