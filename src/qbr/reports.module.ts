import { Module } from '@nestjs/common';
import { GapsModule } from '../gaps/gaps.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ReportRenderer } from './report-renderer.service.js';
import { ReportService } from './report.service.js';
import { ReportsController } from './reports.controller.js';

/** The client's QBR report (report.html, report.pdf), from the reconciliation's, the gaps' and the audit log's readers. */
@Module({
  imports: [GapsModule, SettingsModule],
  controllers: [ReportsController],
  providers: [ReportService, ReportRenderer],
})
export class ReportsModule {}
