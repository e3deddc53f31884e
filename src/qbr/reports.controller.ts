import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ExportSlots } from '../common/export-slots.js';
import { PdfReportQuery, ReportQuery } from './dto/report.dto.js';
import { ReportRenderer } from './report-renderer.service.js';

// Technicians and up, like the CSV exports; and any API key (the read scope), for QBR tooling.
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reconciliation/clients/:clientId')
export class ReportsController {
  constructor(private readonly reports: ReportRenderer, private readonly slots: ExportSlots) {}

  @Get('report.html')
  @Access({ role: 'technician', scope: 'read' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The client\'s QBR report as one printable page (A4 or Letter), self-contained' })
  html(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string, @Query() q: ReportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.slots.run(p.tenantId, reply, () => this.reports.html(p.tenantId, clientId, q, reply));
  }

  @Get('report.pdf')
  @Access({ role: 'technician', scope: 'read' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The client\'s QBR report as a PDF (paper: a4, the default, or letter)' })
  pdf(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string, @Query() q: PdfReportQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.slots.run(p.tenantId, reply, () => this.reports.pdf(p.tenantId, clientId, q, reply));
  }
}
