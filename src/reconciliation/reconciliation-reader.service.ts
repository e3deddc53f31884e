// The dashboard's reads of the stored reconciliation: the summary, the client list, the
// versions and the per-product totals, for one version of one complete snapshot (default: the
// latest version of the latest). The summary and list answer from memory while nothing changed
// (ReconciliationCacheService); their results are shared and frozen.
import { Injectable } from '@nestjs/common';
import { notFound } from '../common/errors.js';
import { SnapshotRepository } from '../snapshots/snapshot.repository.js';
import type {
  ClientListResponseDto, ProductReconciliationResponseDto, SummaryResponseDto, VersionListResponseDto,
} from './dto/reconciliation.dto.js';
import { usd } from './money.js';
import { ReconciliationCacheService } from './reconciliation-cache.service.js';
import { toClientRowDto, toSnapshotRef } from './reconciliation.mappers.js';
import { ReconciliationRepository, type ClientFilter, type ReconciliationRef } from './reconciliation.repository.js';

export interface ReconciliationSelect {
  snapshotId?: string;
  version?: number;
}

const NO_RECONCILIATION = { snapshot: null, version: null, latest: true } as const;

@Injectable()
export class ReconciliationReader {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly snapshots: SnapshotRepository,
    private readonly cache: ReconciliationCacheService,
  ) {}

  /** The version a read is about; a snapshot or version that was asked for and does not exist is a 404. */
  async resolve(tenantId: string, select: ReconciliationSelect): Promise<ReconciliationRef | null> {
    const ref = await this.reconciliations.resolve(tenantId, select.snapshotId ?? null, select.version ?? null);
    if (!ref && (select.snapshotId || select.version)) throw notFound(select.version ? 'Reconciliation version' : 'Snapshot');
    return ref;
  }

  summary(tenantId: string, select: ReconciliationSelect = {}): Promise<SummaryResponseDto> {
    return this.cache.read(tenantId, ['summary', select.snapshotId ?? null, select.version ?? null], () => this.loadSummary(tenantId, select));
  }

  private async loadSummary(tenantId: string, select: ReconciliationSelect): Promise<SummaryResponseDto> {
    const row = await this.reconciliations.summary(tenantId, select.snapshotId ?? null, select.version ?? null);
    if (!row) {
      if (select.snapshotId || select.version) throw notFound(select.version ? 'Reconciliation version' : 'Snapshot');
      return {
        ...NO_RECONCILIATION, underLicensed: 0, overLicensed: 0, matched: 0, unmapped: 0, accepted: 0, revenueAtRisk: usd(0), overspend: usd(0),
        unpricedSeats: 0, unpricedUnderSeats: 0, unpricedOverSeats: 0, billableCount: 0, unmappedDeviceCount: 0, unconfirmedMappings: 0,
        acceptedRevenueAtRisk: usd(0), acceptedOverspend: usd(0), acceptedUnpricedSeats: 0,
        underBilled: null, underBilledClients: null, overBilledClients: null, unpricedUnderBilledSeats: null,
      };
    }
    const unpriced = Number(row.unpriced);
    const unpricedUnder = Number(row.unpriced_under);
    return {
      snapshot: toSnapshotRef(row), version: row.version, latest: row.latest,
      underLicensed: Number(row.under), overLicensed: Number(row.over), matched: Number(row.matched), unmapped: Number(row.unmapped), accepted: Number(row.accepted),
      revenueAtRisk: usd(Number(row.risk)), overspend: usd(Number(row.overspend)),
      unpricedSeats: unpriced, unpricedUnderSeats: unpricedUnder, unpricedOverSeats: unpriced - unpricedUnder,
      billableCount: Number(row.billable), unmappedDeviceCount: Number(row.unmapped_devices), unconfirmedMappings: row.unconfirmed_mappings,
      acceptedRevenueAtRisk: usd(Number(row.accepted_risk)), acceptedOverspend: usd(Number(row.accepted_overspend)), acceptedUnpricedSeats: Number(row.accepted_unpriced),
      // The third column: null for a version made without PSA data.
      ...(row.under_billed === null ? { underBilled: null, underBilledClients: null, overBilledClients: null, unpricedUnderBilledSeats: null } : {
        underBilled: usd(Number(row.under_billed)), underBilledClients: Number(row.under_billed_clients), overBilledClients: Number(row.over_billed_clients),
        unpricedUnderBilledSeats: Number(row.unpriced_under_billed ?? 0),
      }),
    };
  }

  list(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListResponseDto> {
    // Every field the answer depends on, defaults applied, so equal requests share one entry.
    const sort = filter.sort ?? 'variance';
    const order = filter.order ?? (sort === 'name' ? 'asc' : 'desc');
    const key = ['list', filter.snapshotId ?? null, filter.version ?? null, filter.status ?? null, filter.search || null, sort, order, filter.limit, filter.offset];
    return this.cache.read(tenantId, key, () => this.loadList(tenantId, filter));
  }

  private async loadList(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListResponseDto> {
    const page = await this.reconciliations.clientPage(tenantId, filter);
    if (!page.reconciliation) {
      if (filter.snapshotId || filter.version) throw notFound(filter.version ? 'Reconciliation version' : 'Snapshot');
      return { ...NO_RECONCILIATION, items: [], total: 0, totals: { devices: 0, revenueAtRisk: usd(0), overspend: usd(0), unpricedSeats: 0, underBilled: null } };
    }
    const { reconciliation: ref, totals } = page;
    return {
      snapshot: toSnapshotRef(ref), version: ref.version, latest: ref.latest,
      items: page.rows.map((r) => toClientRowDto(r, r.lines ?? [])),
      total: Number(totals.total),
      totals: {
        devices: Number(totals.devices ?? 0), revenueAtRisk: usd(Number(totals.risk ?? 0)), overspend: usd(Number(totals.overspend ?? 0)),
        unpricedSeats: Number(totals.unpriced ?? 0),
        underBilled: totals.under_billed === null || totals.under_billed === undefined ? null : usd(Number(totals.under_billed)),
      },
    };
  }

  async versions(tenantId: string, snapshotId?: string): Promise<VersionListResponseDto> {
    const snapshot = await this.snapshots.resolveSnapshot(tenantId, snapshotId);
    if (!snapshot) return { snapshot: null, items: [] };
    const items = await this.reconciliations.versions(tenantId, snapshot.id);
    return {
      snapshot,
      items: items.map((v) => ({ version: v.version, createdAt: new Date(v.created_at).toISOString(), reason: v.reason, createdBy: v.created_by })),
    };
  }

  async products(tenantId: string, select: ReconciliationSelect): Promise<ProductReconciliationResponseDto> {
    const ref = await this.resolve(tenantId, select);
    if (!ref) return { snapshot: null, version: null, latest: true, items: [] };
    const rows = await this.reconciliations.productTotals(tenantId, { snapshotId: ref.id, version: ref.version });
    return {
      snapshot: toSnapshotRef(ref), version: ref.version, latest: ref.latest,
      items: rows.map((r) => ({
        productId: r.product_id, productName: r.product_name, clients: Number(r.clients), devices: Number(r.devices), licenses: Number(r.licenses),
        variance: Number(r.variance), underSeats: Number(r.under_seats), overSeats: Number(r.over_seats),
        revenueAtRisk: usd(Number(r.risk)), overspend: usd(Number(r.overspend)), unpricedSeats: Number(r.unpriced),
        ...(r.billed === null ? { billed: null, underBilledSeats: null, overBilledSeats: null, unbilledLicences: null, underBilled: null } : {
          billed: Number(r.billed), underBilledSeats: Number(r.under_billed_seats), overBilledSeats: Number(r.over_billed_seats),
          unbilledLicences: Number(r.unbilled_licences), underBilled: usd(Number(r.under_billed ?? 0)),
        }),
      })),
    };
  }
}
