// Sends the QBR report as a page or a PDF. The content is gathered and worded before the first
// byte, so a bad period or an unknown client is still a JSON error; the PDF then streams.
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { startDownload } from '../common/download.js';
import type { PdfReportQuery, ReportQuery } from './dto/report.dto.js';
import { reportContent, type ReportContent } from './report-content.js';
import { reportHtml } from './report-html.js';
import { writeReportPdf } from './report-pdf.js';
import { ReportService } from './report.service.js';

function fileName(c: ReportContent, period: { from: string; to: string }, ext: string): string {
  const slug = c.clientName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'client';
  return `qbr-${slug}-${period.from}-to-${period.to}.${ext}`;
}

@Injectable()
export class ReportRenderer {
  constructor(private readonly reports: ReportService) {}

  async html(tenantId: string, clientId: string, query: ReportQuery, reply: FastifyReply): Promise<void> {
    const report = await this.reports.report(tenantId, clientId, query);
    const content = reportContent(report);
    await reply
      .type('text/html; charset=utf-8')
      .header('Content-Disposition', `inline; filename="${fileName(content, report.period, 'html')}"`)
      .send(reportHtml(content));
  }

  async pdf(tenantId: string, clientId: string, query: PdfReportQuery, reply: FastifyReply): Promise<void> {
    const report = await this.reports.report(tenantId, clientId, query);
    const content = reportContent(report);
    const out = startDownload(reply, 'application/pdf', fileName(content, report.period, 'pdf'));
    await writeReportPdf(content, query.paper ?? 'a4', out);
  }
}
