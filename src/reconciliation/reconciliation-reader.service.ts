// The dashboard's reads of the stored reconciliation: the summary and the client list, for one
// complete snapshot (the latest by default). They answer from memory while nothing changed
// (ReconciliationCacheService); their results are shared and frozen.
import { Injectable } from '@nestjs/common';
import { notFound } from '../common/errors.js';
import type { ClientListResponseDto, SummaryResponseDto } from './dto/reconciliation.dto.js';
import { usd } from './money.js';
import { ReconciliationCacheService } from './reconciliation-cache.service.js';
import { toClientRowDto, toSnapshotRef } from './reconciliation.mappers.js';
import { ReconciliationRepository, type ClientFilter } from './reconciliation.repository.js';

@Injectable()
export class ReconciliationReader {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly cache: ReconciliationCacheService,
  ) {}

  summary(tenantId: string, snapshotId?: string): Promise<SummaryResponseDto> {
    return this.cache.read(tenantId, ['summary', snapshotId ?? null], () => this.loadSummary(tenantId, snapshotId));
  }

  private async loadSummary(tenantId: string, snapshotId?: string): Promise<SummaryResponseDto> {
    const row = await this.reconciliations.summary(tenantId, snapshotId ?? null);
    if (!row) {
      if (snapshotId) throw notFound('Snapshot');
      return { snapshot: null, underLicensed: 0, overLicensed: 0, matched: 0, unmapped: 0, revenueAtRisk: usd(0), overspend: usd(0) };
    }
    return {
      snapshot: toSnapshotRef(row),
      underLicensed: Number(row.under), overLicensed: Number(row.over), matched: Number(row.matched), unmapped: Number(row.unmapped),
      revenueAtRisk: usd(Number(row.risk)), overspend: usd(Number(row.overspend)),
    };
  }

  list(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListResponseDto> {
    // Every field the answer depends on, defaults applied, so equal requests share one entry.
    const sort = filter.sort ?? 'variance';
    const order = filter.order ?? (sort === 'name' ? 'asc' : 'desc');
    const key = ['list', filter.snapshotId ?? null, filter.status ?? null, filter.search || null, sort, order, filter.limit, filter.offset];
    return this.cache.read(tenantId, key, () => this.loadList(tenantId, filter));
  }

  private async loadList(tenantId: string, filter: ClientFilter & { limit: number; offset: number }): Promise<ClientListResponseDto> {
    const page = await this.reconciliations.clientPage(tenantId, filter);
    if (!page.snapshot) {
      if (filter.snapshotId) throw notFound('Snapshot');
      return { snapshot: null, items: [], total: 0 };
    }
    return { snapshot: toSnapshotRef(page.snapshot), items: page.rows.map(toClientRowDto), total: page.total };
  }
}
