// Gaps and their exceptions. A gap is one client's one product line that is under- or
// over-licensed, keyed (clientId, productId) across snapshots. Accepting or removing an
// exception re-reconciles the latest snapshot as a new version in the same transaction, so the
// summary, list, CSV and product totals (and their cache, by NOTIFY) change with it.
import { Injectable } from '@nestjs/common';
import { ActionsRepository } from '../actions/actions.repository.js';
import { ActionsService } from '../actions/actions.service.js';
import type { GapActionDto } from '../actions/dto/actions.dto.js';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { isoTimestamp } from '../database/queryable.js';
import { DomainError, ErrorCode, invalid, notFound } from '../common/errors.js';
import { usdOrNull } from '../reconciliation/money.js';
import type { ClientGaps, GapStateOf } from '../reconciliation/client-gaps.js';
import { GapExceptionRepository } from '../reconciliation/gap-exception.repository.js';
import { ReconciliationReader } from '../reconciliation/reconciliation-reader.service.js';
import { numberOrNull, toSnapshotRef } from '../reconciliation/reconciliation.mappers.js';
import { gapKey } from '../reconciliation/gap-runs.js';
import { ReconciliationRepository } from '../reconciliation/reconciliation.repository.js';
import { ReconciliationWriter } from '../reconciliation/reconciliation-writer.service.js';
import type { AcceptGapDto, GapDto, GapExceptionRemovedDto, GapListQuery, GapListResponseDto } from './dto/gaps.dto.js';
import { GapsRepository, type GapRecord } from './gaps.repository.js';

const todayUtc = () => new Date().toISOString().slice(0, 10);

@Injectable()
export class GapsService implements ClientGaps {
  constructor(
    private readonly gaps: GapsRepository,
    private readonly exceptions: GapExceptionRepository,
    private readonly reconciliations: ReconciliationRepository,
    private readonly reader: ReconciliationReader,
    private readonly writer: ReconciliationWriter,
    private readonly audit: AuditService,
    private readonly actionItems: ActionsRepository,
    private readonly actions: ActionsService,
  ) {}

  async list(tenantId: string, query: GapListQuery): Promise<GapListResponseDto> {
    const ref = await this.reader.resolve(tenantId, query);
    if (!ref) return { snapshot: null, version: null, latest: true, items: [], total: 0 };
    const snapshot = toSnapshotRef(ref);
    const at = { snapshotId: ref.id, version: ref.version, takenAt: snapshot.takenAt };
    const filter = { state: query.state, clientId: query.clientId, productId: query.productId };
    if (query.state === 'closed') {
      const { rows, total } = await this.gaps.closed(tenantId, at, filter, query.limit, query.offset);
      const actions = await this.latestActions(tenantId, rows);
      return { snapshot, version: ref.version, latest: ref.latest, total,
        items: rows.map((r) => ({ ...toGapDto({ ...r, list_state: 'closed' }, snapshot.takenAt, actions.get(gapKey(r))), closedBy: snapshot, exception: null })) };
    }
    const [total, rows] = await Promise.all([this.gaps.count(tenantId, at, filter), this.gaps.page(tenantId, at, filter, query.limit, query.offset)]);
    const actions = await this.latestActions(tenantId, rows);
    return { snapshot, version: ref.version, latest: ref.latest, items: rows.map((r) => toGapDto(r, sinceOf(r, snapshot.takenAt), actions.get(gapKey(r)))), total };
  }

  /** The latest action item of each of these gaps, with its verification. */
  private async latestActions(tenantId: string, rows: Array<{ organization_id: string; product_id: string }>): Promise<Map<string, GapActionDto>> {
    if (!rows.length) return new Map();
    const items = await this.actionItems.latestOnGaps(tenantId, [...new Set(rows.map((r) => r.organization_id))]);
    const verified = await this.actions.verify(tenantId, items);
    return new Map(items.map((i) => [gapKey(i), {
      actionId: i.action_id, itemId: i.id, type: i.type, state: i.state, preview: i.preview, outcome: i.outcome ? { message: i.outcome } : null,
      scheduledFor: i.scheduled_for ? isoTimestamp(i.scheduled_for) : null, verification: verified.get(i.id) ?? null, updatedAt: isoTimestamp(i.updated_at),
    }]));
  }

  async accept(p: Principal, by: Actor, clientId: string, productId: string, body: AcceptGapDto): Promise<GapDto> {
    if (body.until !== undefined && body.until <= todayUtc()) throw invalid('until must be a day after today (UTC)');
    await this.writer.changeLatest(p.tenantId, `exception accepted by ${p.subject}`, p.subject, async (q, snapshotId) => {
      const line = snapshotId ? await this.gaps.latestLine(q, p.tenantId, snapshotId, clientId, productId) : null;
      if (!line || line.status === 'matched') throw notFound('Open gap');
      if (line.gap_state === 'accepted') throw new DomainError(ErrorCode.Conflict, 'This gap is already accepted; remove its exception first to change it');
      await this.exceptions.upsert(q, p.tenantId, {
        organizationId: clientId, productId, reason: body.reason, note: body.note ?? null, until: body.until ?? null, acceptedVariance: Number(line.variance), by: p.subject,
      });
      await this.audit.record(q, {
        tenantId: p.tenantId, type: 'gap.exception-accepted', by, subject: `${clientId}/${productId}`, clientId, before: null,
        after: { productId, reason: body.reason, note: body.note ?? null, until: body.until ?? null, acceptedVariance: Number(line.variance) },
      });
    });
    const gap = await this.current(p.tenantId, clientId, productId);
    if (!gap) throw notFound('Open gap');
    return gap;
  }

  async remove(p: Principal, by: Actor, clientId: string, productId: string): Promise<GapExceptionRemovedDto> {
    await this.writer.changeLatest(p.tenantId, `exception removed by ${p.subject}`, p.subject, async (q) => {
      const removed = await this.exceptions.remove(q, p.tenantId, clientId, productId);
      if (!removed) throw notFound('Exception');
      await this.audit.record(q, { tenantId: p.tenantId, type: 'gap.exception-removed', by, subject: `${clientId}/${productId}`, clientId, before: { productId, ...removed }, after: null });
    });
    return { clientId, productId, gap: await this.current(p.tenantId, clientId, productId) };
  }

  /** The drill-down's gaps: every gap of the client in that version (a client has a few lines). */
  async forClient(tenantId: string, clientId: string, at: { snapshotId: string; version: number }): Promise<GapDto[]> {
    return (await this.list(tenantId, { snapshotId: at.snapshotId, version: at.version, clientId, limit: 500, offset: 0 })).items;
  }

  async statesOf(tenantId: string, at: { snapshotId: string; version: number; takenAt: string }, clientIds: string[]): Promise<Map<string, GapStateOf>> {
    if (!clientIds.length) return new Map();
    // Every gap line of these clients (a client has a few), in the list's own state and order.
    const rows = await this.gaps.page(tenantId, at, { clientIds }, 1_000_000, 0);
    const actions = await this.latestActions(tenantId, rows);
    return new Map(rows.map((r) => [gapKey(r), { state: r.list_state as GapStateOf['state'], action: actions.get(gapKey(r)) ?? null }]));
  }

  /** The gap in the latest reconciliation, as GET /gaps shows it; null when there is none. */
  private async current(tenantId: string, clientId: string, productId: string): Promise<GapDto | null> {
    const page = await this.list(tenantId, { clientId, productId, limit: 1, offset: 0 });
    return page.items[0] ?? null;
  }
}


function toGapDto(r: GapRecord, since: string, action?: GapActionDto): GapDto {
  const e = r.gap_state === 'accepted' ? r.exception : null;
  return {
    clientId: r.organization_id, clientName: r.client_name, productId: r.product_id, productName: r.product_name,
    variance: Number(r.variance), devices: r.devices, licenses: Number(r.licensed_quantity), status: r.status,
    kinds: [...(r.status !== 'matched' ? ['licence' as const] : []), ...(r.billed_variance !== null && Number(r.billed_variance) !== 0 ? ['billing' as const] : [])],
    billing: r.billed === null || r.billed_variance === null || r.billing_status === null ? null : {
      billed: Number(r.billed), billedVariance: Number(r.billed_variance), billingStatus: r.billing_status, underBilled: usdOrNull(numberOrNull(r.under_billed)),
    },
    state: r.list_state, since,
    money: { revenueAtRisk: usdOrNull(numberOrNull(r.revenue_at_risk)), overspend: usdOrNull(numberOrNull(r.overspend)), unpricedSeats: r.unpriced_seats },
    exception: e ? { reason: e.reason, note: e.note, until: e.until, acceptedVariance: e.acceptedVariance, by: e.by, at: e.at } : null,
    actions: action ? [action] : [], closedBy: null,
  };
}

/**
 * Since when the gap has been open, stored on the line when it was reconciled: its licence gap's
 * run, or for a billing-only gap (licences matched) its billing gap's run; null (an older version
 * whose status the version in force does not share): this snapshot.
 */
function sinceOf(r: GapRecord, takenAt: string): string {
  const since = r.status === 'matched' ? r.billing_open_since : r.open_since;
  return since ? isoTimestamp(since) : takenAt;
}
