import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ClientDetailService } from './client-detail.service.js';
import {
  ClientDetailResponseDto, ClientFilterQuery, ClientListQuery, ClientListResponseDto, MissedBillingResponseDto, PagedSnapshotQuery, ProductReconciliationResponseDto,
  SnapshotSelectQuery, SummaryResponseDto, VersionListResponseDto, VersionsQuery,
} from './dto/reconciliation.dto.js';
import { ExportSlots } from '../common/export-slots.js';
import { ExportService } from './export.service.js';
import { MissedBillingService } from './missed-billing.service.js';
import { ReconciliationReader } from './reconciliation-reader.service.js';

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller()
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationReader,
    private readonly details: ClientDetailService,
    private readonly exports: ExportService,
    private readonly missedBilling: MissedBillingService,
    private readonly slots: ExportSlots,
  ) {}

  @Get('reconciliation/summary')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SummaryResponseDto })
  summary(@CurrentPrincipal() p: Principal, @Query() q: SnapshotSelectQuery): Promise<SummaryResponseDto> {
    return this.reconciliation.summary(p.tenantId, q);
  }

  @Get('reconciliation/clients')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: ClientListResponseDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ClientListQuery): Promise<ClientListResponseDto> {
    return this.reconciliation.list(p.tenantId, q);
  }

  @Get('reconciliation/export.csv')
  @Access({ role: 'technician', scope: 'read' })
  @ApiProduces('text/csv')
  exportCsv(@CurrentPrincipal() p: Principal, @Query() q: ClientFilterQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.slots.run(p.tenantId, reply, () => this.exports.clientsCsv(p.tenantId, q, reply));
  }

  @Get('reconciliation/clients/:clientId')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: ClientDetailResponseDto })
  detail(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string, @Query() q: SnapshotSelectQuery): Promise<ClientDetailResponseDto> {
    return this.details.detail(p.tenantId, clientId, q);
  }

  @Get('reconciliation/clients/:clientId/export.csv')
  @Access({ role: 'technician', scope: 'read' })
  @ApiProduces('text/csv')
  clientCsv(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string, @Query() q: SnapshotSelectQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.slots.run(p.tenantId, reply, () => this.exports.clientCsv(p.tenantId, clientId, q, reply));
  }

  @Get('missed-billing')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: MissedBillingResponseDto })
  missed(@CurrentPrincipal() p: Principal, @Query() q: PagedSnapshotQuery): Promise<MissedBillingResponseDto> {
    return this.missedBilling.list(p.tenantId, q);
  }

  @Get('reconciliation/versions')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: VersionListResponseDto })
  versions(@CurrentPrincipal() p: Principal, @Query() q: VersionsQuery): Promise<VersionListResponseDto> {
    return this.reconciliation.versions(p.tenantId, q.snapshotId);
  }

  @Get('products/reconciliation')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: ProductReconciliationResponseDto })
  products(@CurrentPrincipal() p: Principal, @Query() q: SnapshotSelectQuery): Promise<ProductReconciliationResponseDto> {
    return this.reconciliation.products(p.tenantId, q);
  }
}
