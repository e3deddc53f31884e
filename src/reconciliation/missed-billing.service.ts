// Missed billing: the open (not accepted) under-licensed product lines of a snapshot, largest money first, each
// with what to do and since when the gap has been open (the consecutive run of complete
// snapshots, up to this one, in which the same client and product were under-licensed).
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ClientGaps } from './client-gaps.js';
import { lineAction } from './client-detail.service.js';
import { gapKey, gapRuns } from './gap-runs.js';
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
    const total = await this.reconciliations.countGaps(tenantId, at);
    const open = await this.reconciliations.gaps(tenantId, at, query.limit, query.offset);
    if (!open.length) return { snapshot, version: ref.version, items: [], total };

    // The run stops at the first snapshot (newest first) without the gap.
    const runs = gapRuns(await this.reconciliations.gapHistory(tenantId, snapshot.takenAt, open), () => 'under-licensed');
    // Where each gap stands (a Pax8 fix pending or applied), read the way GET /gaps reads it.
    const states = this.gaps ? await this.gaps.statesOf(tenantId, { ...at, takenAt: snapshot.takenAt }, [...new Set(open.map((l) => l.organization_id))]) : new Map();

    const items = open.map((l): MissedBillingItemDto => {
      const devices = Number(l.devices);
      const licensed = Number(l.licensed_quantity);
      const run = runs.get(gapKey(l)) ?? { since: snapshot.takenAt, snapshots: 1 };
      return {
        clientId: l.organization_id, clientName: l.client_name, productId: l.product_id, productName: l.product_name,
        devices, licensed, gap: Number(l.variance),
        unitPriceMonthly: usdOrNull(numberOrNull(l.unit_price_monthly)),
        monthlyAmount: usdOrNull(numberOrNull(l.revenue_at_risk)),
        revenueAtRisk: usdOrNull(numberOrNull(l.revenue_at_risk)),
        action: lineAction(l.product_name, licensed, devices),
        since: run.since, snapshots: run.snapshots,
        state: (states.get(gapKey(l))?.state ?? 'open') as MissedBillingState,
        latestAction: states.get(gapKey(l))?.action ?? null,
      };
    });
    return { snapshot, version: ref.version, items, total };
  }
}
