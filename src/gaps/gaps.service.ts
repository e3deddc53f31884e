// Gaps and their exceptions. A gap is one client's one product line that is under- or
// over-licensed, keyed (clientId, productId) across snapshots. Accepting or removing an
// exception re-reconciles the latest snapshot as a new version in the same transaction, so the
// summary, list, CSV and product totals (and their cache, by NOTIFY) change with it.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError, ErrorCode, invalid, notFound } from '../common/errors.js';
import { usdOrNull } from '../reconciliation/money.js';
import { GapExceptionRepository } from '../reconciliation/gap-exception.repository.js';
import { ReconciliationReader } from '../reconciliation/reconciliation-reader.service.js';
import { numberOrNull, toSnapshotRef } from '../reconciliation/reconciliation.mappers.js';
import { gapKey, gapRuns } from '../reconciliation/gap-runs.js';
import { ReconciliationRepository } from '../reconciliation/reconciliation.repository.js';
import { ReconciliationWriter } from '../reconciliation/reconciliation-writer.service.js';
import type { AcceptGapDto, GapDto, GapExceptionRemovedDto, GapListQuery, GapListResponseDto } from './dto/gaps.dto.js';
import { GapsRepository, type GapRecord } from './gaps.repository.js';

const todayUtc = () => new Date().toISOString().slice(0, 10);

@Injectable()
export class GapsService {
  constructor(
    private readonly gaps: GapsRepository,
    private readonly exceptions: GapExceptionRepository,
    private readonly reconciliations: ReconciliationRepository,
    private readonly reader: ReconciliationReader,
    private readonly writer: ReconciliationWriter,
  ) {}

  async list(tenantId: string, query: GapListQuery): Promise<GapListResponseDto> {
    const ref = await this.reader.resolve(tenantId, query);
    if (!ref) return { snapshot: null, version: null, latest: true, items: [], total: 0 };
    const snapshot = toSnapshotRef(ref);
    const at = { snapshotId: ref.id, version: ref.version };
    const filter = { state: query.state === 'open' || query.state === 'accepted' ? query.state : undefined, clientId: query.clientId, productId: query.productId };
    const [total, rows] = await Promise.all([this.gaps.count(tenantId, at, filter), this.gaps.page(tenantId, at, filter, query.limit, query.offset)]);
    const since = await this.since(tenantId, snapshot.takenAt, rows);
    return { snapshot, version: ref.version, latest: ref.latest, items: rows.map((r) => toGapDto(r, since.get(gapKey(r)) ?? snapshot.takenAt)), total };
  }

  async accept(p: Principal, clientId: string, productId: string, body: AcceptGapDto): Promise<GapDto> {
    if (body.until !== undefined && body.until <= todayUtc()) throw invalid('until must be a day after today (UTC)');
    await this.writer.changeLatest(p.tenantId, `exception accepted by ${p.subject}`, p.subject, async (q, snapshotId) => {
      const line = snapshotId ? await this.gaps.latestLine(q, p.tenantId, snapshotId, clientId, productId) : null;
      if (!line || line.status === 'matched') throw notFound('Open gap');
      if (line.gap_state === 'accepted') throw new DomainError(ErrorCode.Conflict, 'This gap is already accepted; remove its exception first to change it');
      await this.exceptions.upsert(q, p.tenantId, {
        organizationId: clientId, productId, reason: body.reason, note: body.note ?? null, until: body.until ?? null, acceptedVariance: Number(line.variance), by: p.subject,
      });
      // TODO(audit): AuditService.record({ tenantId, actor: p.subject, what: 'gap-exception', key: { clientId, productId }, before: null, after: body }) here, in this transaction.
    });
    const gap = await this.current(p.tenantId, clientId, productId);
    if (!gap) throw notFound('Open gap');
    return gap;
  }

  async remove(p: Principal, clientId: string, productId: string): Promise<GapExceptionRemovedDto> {
    await this.writer.changeLatest(p.tenantId, `exception removed by ${p.subject}`, p.subject, async (q) => {
      if (!(await this.exceptions.remove(q, p.tenantId, clientId, productId))) throw notFound('Exception');
      // TODO(audit): AuditService.record({ tenantId, actor: p.subject, what: 'gap-exception', key: { clientId, productId }, before: <the removed row>, after: null }) here.
    });
    return { clientId, productId, gap: await this.current(p.tenantId, clientId, productId) };
  }

  /** The gap in the latest reconciliation, as GET /gaps shows it; null when there is none. */
  private async current(tenantId: string, clientId: string, productId: string): Promise<GapDto | null> {
    const page = await this.list(tenantId, { clientId, productId, limit: 1, offset: 0 });
    return page.items[0] ?? null;
  }

  /** Since when each gap has had its sign: the run of snapshots (newest first, up to this one) whose line had the same status. */
  private async since(tenantId: string, takenAt: string, rows: GapRecord[]): Promise<Map<string, string>> {
    if (!rows.length) return new Map();
    const status = new Map(rows.map((r) => [gapKey(r), r.status]));
    const runs = gapRuns(await this.reconciliations.gapHistory(tenantId, takenAt, rows), (k) => status.get(k));
    return new Map([...runs].map(([k, run]) => [k, run.since]));
  }
}


function toGapDto(r: GapRecord, since: string): GapDto {
  const e = r.gap_state === 'accepted' ? r.exception : null;
  return {
    clientId: r.organization_id, clientName: r.client_name, productId: r.product_id, productName: r.product_name,
    variance: Number(r.variance), devices: r.devices, licenses: Number(r.licensed_quantity), status: r.status,
    state: r.gap_state ?? 'open', since,
    money: { revenueAtRisk: usdOrNull(numberOrNull(r.revenue_at_risk)), overspend: usdOrNull(numberOrNull(r.overspend)), unpricedSeats: r.unpriced_seats },
    exception: e ? { reason: e.reason, note: e.note, until: e.until, acceptedVariance: e.acceptedVariance, by: e.by, at: e.at } : null,
    actions: [], closedBy: null,
  };
}
