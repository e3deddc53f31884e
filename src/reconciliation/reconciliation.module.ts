import { Module } from '@nestjs/common';
import { ClientDetailService } from './client-detail.service.js';
import { ExportSlots } from './export-slots.js';
import { ExportService } from './export.service.js';
import { MissedBillingService } from './missed-billing.service.js';
import { ReconciliationController } from './reconciliation.controller.js';
import { ReconciliationCacheService } from './reconciliation-cache.service.js';
import { ReconciliationService } from './reconciliation.service.js';

/** Reconciliation of snapshots against Pax8 licences, its reads, missed billing and CSV exports. */
@Module({
  controllers: [ReconciliationController],
  providers: [ReconciliationService, ReconciliationCacheService, ClientDetailService, ExportService, MissedBillingService, ExportSlots],
  exports: [ReconciliationService, ExportSlots],
})
export class ReconciliationModule {}
