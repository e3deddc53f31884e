// Missed billing: the open (not accepted) under-licensed product lines of a snapshot, largest money first, each
// with what to do and since when the gap has been open (the consecutive run of complete
// snapshots, up to this one, in which the same client and product were under-licensed, stored
// on the line when it was reconciled: ReconciliationRepository.refreshOpenSince).
// With PSA billing, the under-billed lines come first (seats in use the client is not billed
// for: the MSP's money), then the under-licensed ones; one list, paged across both.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { isoTimestamp } from '../database/queryable.js';
import { ClientGaps, type GapStateOf } from './client-gaps.js';
import { lineAction } from './client-detail.service.js';
import { gapKey } from './gap-runs.js';
import type { MissedBillingItemDto, MissedBillingResponseDto, MissedBillingState } from './dto/reconciliation.dto.js';
import { usdOrNull } from './money.js';
import { ReconciliationReader, type ReconciliationSelect } from './reconciliation-reader.service.js';
import { numberOrNull, toSnapshotRef } from './reconciliation.mappers.js';
import { ReconciliationRepository } from './reconciliation.repository.js';

@Injectable()
export class MissedBillingService {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly reader: ReconciliationReader,
    @Optional() @Inject(ClientGaps) private readonly gaps?: ClientGaps,
  ) {}

  async list(tenantId: string, query: ReconciliationSelect & { limit: number; offset: number }): Promise<MissedBillingResponseDto> {
    const ref = await this.reader.resolve(tenantId, query);
    if (!ref) return { snapshot: null, version: null, items: [], total: 0 };
    const snapshot = toSnapshotRef(ref);
    const at = { snapshotId: ref.id, version: ref.version };
    const billingTotal = (await this.reconciliations.hasBilling(tenantId, at)) ? await this.reconciliations.countBillingGaps(tenantId, at) : null;
    const licenceTotal = await this.reconciliations.countGaps(tenantId, at);
    const total = licenceTotal + (billingTotal ?? 0);
    const billed = billingTotal ? await this.reconciliations.billingGaps(tenantId, at, query.limit, query.offset) : [];
    const rest = query.limit - billed.length;
    const open = rest > 0 ? await this.reconciliations.gaps(tenantId, at, rest, Math.max(0, query.offset - (billingTotal ?? 0))) : [];
    if (!open.length && !billed.length) return { snapshot, version: ref.version, items: [], total };
    // Where each gap stands (a fix pending or applied), read the way GET /gaps reads it.
    const states = this.gaps
      ? await this.gaps.statesOf(tenantId, { ...at, takenAt: snapshot.takenAt }, [...new Set([...billed, ...open].map((l) => l.organization_id))])
      : new Map<string, GapStateOf>();
    const standing = (l: { organization_id: string; product_id: string }) => {
      const s = states.get(gapKey(l));
      return { state: (s?.state ?? 'open') as MissedBillingState, latestAction: s?.action ?? null };
    };
    const billedItems = billed.map((l): MissedBillingItemDto => {
      const devices = Number(l.devices);
      const billedSeats = Number(l.billed);
      const run = sinceOf(l.billing_open_since, l.billing_open_snapshots, snapshot.takenAt);
      const gap = Number(l.billed_variance);
      return {
        clientId: l.organization_id, clientName: l.client_name, productId: l.product_id, productName: l.product_name,
        devices, licensed: Number(l.licensed_quantity), gap,
        unitPriceMonthly: usdOrNull(numberOrNull(l.billed_unit_price_monthly)),
        monthlyAmount: usdOrNull(numberOrNull(l.under_billed)),
        revenueAtRisk: usdOrNull(numberOrNull(l.under_billed)),
        action: `Bill ${gap} more seat${gap === 1 ? '' : 's'} of ${l.product_name} (billed ${billedSeats}, ${devices} in use).`,
        since: run.since, snapshots: run.snapshots, ...standing(l),
        kind: 'under-billed', billed: billedSeats, billedVariance: gap, underBilled: usdOrNull(numberOrNull(l.under_billed)),
      };
    });
    if (!open.length) return { snapshot, version: ref.version, items: billedItems, total };

    const items = open.map((l): MissedBillingItemDto => {
      const devices = Number(l.devices);
      const licensed = Number(l.licensed_quantity);
      const run = sinceOf(l.open_since, l.open_snapshots, snapshot.takenAt);
      return {
        clientId: l.organization_id, clientName: l.client_name, productId: l.product_id, productName: l.product_name,
        devices, licensed, gap: Number(l.variance),
        unitPriceMonthly: usdOrNull(numberOrNull(l.unit_price_monthly)),
        monthlyAmount: usdOrNull(numberOrNull(l.revenue_at_risk)),
        revenueAtRisk: usdOrNull(numberOrNull(l.revenue_at_risk)),
        action: lineAction(l.product_name, licensed, devices),
        since: run.since, snapshots: run.snapshots, ...standing(l),
        ...(billingTotal === null ? { kind: null, billed: null, billedVariance: null, underBilled: null } : {
          kind: 'under-licensed', billed: Number(l.billed), billedVariance: Number(l.billed_variance), underBilled: usdOrNull(numberOrNull(l.under_billed)),
        }),
      };
    });
    return { snapshot, version: ref.version, items: [...billedItems, ...items], total };
  }
}

/** The run a line stored when it was reconciled (null: a line of an older version whose status the version in force does not share: this snapshot only). */
function sinceOf(since: Date | null, snapshots: number | null, takenAt: string): { since: string; snapshots: number } {
  return since ? { since: isoTimestamp(since), snapshots: snapshots ?? 1 } : { since: takenAt, snapshots: 1 };
}
