// The QBR report's content, gathered from the readers the API answers with (client detail, the
// trend, the gaps list, the audit log), so that every figure in the report is one the API shows:
// nothing is computed here beyond picking the period's first and last snapshot.
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuditEntryDto, AuditQuery } from '../audit/dto/audit.dto.js';
import { invalid, notFound } from '../common/errors.js';
import { GapsService } from '../gaps/gaps.service.js';
import type { GapDto, GapListQuery } from '../gaps/dto/gaps.dto.js';
import { ClientDetailService } from '../reconciliation/client-detail.service.js';
import type { ClientDetailResponseDto } from '../reconciliation/dto/reconciliation.dto.js';
import { ReconciliationRepository } from '../reconciliation/reconciliation.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import type { ReportQuery } from './dto/report.dto.js';

const DAY_MS = 86_400_000;
/** A year and a day: an annual review fits, with its first and last day. */
export const MAX_REPORT_DAYS = 367;
/** Snapshots drawn in a period at most (a daily schedule for a year and then some). */
const MAX_POINTS = 400;
/** Audit entries listed at most; the report says how many more there were. */
const MAX_ACTIVITY = 500;
/** Gaps listed at most (one per product line of the client). */
const MAX_GAPS = 500;

export interface ReportPeriod {
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, included. */
  to: string;
}

export interface TrendPoint {
  snapshotId: string;
  takenAt: string;
  devices: number;
  /** Per product id: its licences and, once PSA billing stores it, what the PSA billed. */
  lines: Map<string, { productName: string; licenses: number; billed: number | null }>;
}

export interface ProductChange {
  productId: string;
  productName: string;
  licensesFirst: number | null;
  licensesLast: number | null;
}

export interface QbrReport {
  tenantName: string;
  producedAt: string;
  period: ReportPeriod;
  /** The client as the API shows it for the latest snapshot taken on or before the period's last day. */
  client: ClientDetailResponseDto;
  /** Every snapshot of the period, oldest first. */
  trend: TrendPoint[];
  /** The client's gaps in that reconciliation, largest first, with their state and exception. */
  gaps: GapDto[];
  /** Audit entries about the client in the period, oldest first (at most MAX_ACTIVITY), and how many there were. */
  activity: { items: AuditEntryDto[]; total: number };
  /** The period's first snapshot against its last; null with fewer than two. */
  changes: { first: TrendPoint; last: TrendPoint; products: ProductChange[] } | null;
}

const today = () => new Date().toISOString().slice(0, 10);

/** The period asked for, defaults applied: the three months up to today. A bad one is a 400. */
export function reportPeriod(query: ReportQuery, now = today()): ReportPeriod {
  const to = query.to ?? now;
  let from = query.from;
  if (!from) {
    const [year, month, date] = to.split('-').map(Number);
    // The same day three months earlier, or that month's last day (31 May -> 28 Feb).
    const lastDay = new Date(Date.UTC(year, month - 3, 0)).getUTCDate();
    from = new Date(Date.UTC(year, month - 4, Math.min(date, lastDay))).toISOString().slice(0, 10);
  }
  if (from > to) throw invalid('from must not be after to');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_REPORT_DAYS) throw invalid(`The period may span at most ${MAX_REPORT_DAYS} days; this one spans ${days}`);
  return { from, to };
}

/** PSA billing's quantity on a line, where the line has one (the field is absent until PSA billing exists). */
export function billedOf(line: object): number | null {
  const billed = (line as { billed?: unknown }).billed;
  return typeof billed === 'number' ? billed : billed === null || billed === undefined ? null : Number(billed);
}

@Injectable()
export class ReportService {
  constructor(
    private readonly details: ClientDetailService,
    private readonly reconciliations: ReconciliationRepository,
    private readonly gaps: GapsService,
    private readonly audit: AuditService,
    private readonly settings: SettingsRepository,
  ) {}

  async report(tenantId: string, clientId: string, query: ReportQuery): Promise<QbrReport> {
    const period = reportPeriod(query);
    const endOfPeriod = new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS - 1).toISOString();
    const points = await this.reconciliations.trend(tenantId, clientId, endOfPeriod, { since: `${period.from}T00:00:00Z`, limit: MAX_POINTS });
    // The figures are those of the period's last snapshot, or of the last one before it when the period had none.
    const asOf = points[0] ?? (await this.reconciliations.trend(tenantId, clientId, endOfPeriod))[0];
    if (!asOf) {
      await this.details.detail(tenantId, clientId); // an unknown client: 404 "Client not found"
      throw notFound(`A snapshot of this client taken on or before ${period.to}`);
    }
    const select = { snapshotId: asOf.id, version: asOf.version };
    const client = await this.details.detail(tenantId, clientId, select);
    const gapQuery: GapListQuery = { ...select, clientId, limit: MAX_GAPS, offset: 0 };
    const auditQuery: AuditQuery = { clientId, from: period.from, to: period.to, limit: MAX_ACTIVITY, offset: 0 };
    const [gapList, auditList, tenantName] = await Promise.all([
      this.gaps.list(tenantId, gapQuery), this.audit.list(tenantId, auditQuery), this.settings.displayName(tenantId),
    ]);

    const trend = points.reverse().map(toTrendPoint);
    return {
      tenantName: tenantName ?? tenantId,
      producedAt: new Date().toISOString(),
      period,
      client,
      trend,
      gaps: gapList.items,
      activity: { items: auditList.items.reverse(), total: auditList.total },
      changes: trend.length >= 2 ? changes(trend[0], trend[trend.length - 1]) : null,
    };
  }
}

function toTrendPoint(t: Awaited<ReturnType<ReconciliationRepository['trend']>>[number]): TrendPoint {
  return {
    snapshotId: t.id, takenAt: new Date(t.taken_at).toISOString(), devices: t.devices,
    lines: new Map((t.lines ?? []).map((l) => [l.product_id, { productName: l.product_name, licenses: Number(l.licensed_quantity), billed: billedOf(l) }])),
  };
}

function changes(first: TrendPoint, last: TrendPoint): NonNullable<QbrReport['changes']> {
  const ids = [...new Set([...first.lines.keys(), ...last.lines.keys()])];
  const products = ids.map((productId) => ({
    productId,
    productName: (last.lines.get(productId) ?? first.lines.get(productId))!.productName,
    licensesFirst: first.lines.get(productId)?.licenses ?? null,
    licensesLast: last.lines.get(productId)?.licenses ?? null,
  })).sort((a, b) => a.productName.localeCompare(b.productName));
  return { first, last, products };
}
