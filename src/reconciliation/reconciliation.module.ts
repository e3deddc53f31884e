import { Global, Module } from '@nestjs/common';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { MappingModule } from '../mapping/mapping.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { SnapshotReconciler } from '../snapshots/snapshot-reconciler.js';
import { SnapshotsModule } from '../snapshots/snapshots.module.js';
import { ClientDetailService } from './client-detail.service.js';
import { ExportService } from './export.service.js';
import { GapChangesRepository } from './gap-changes.repository.js';
import { GapExceptionRepository } from './gap-exception.repository.js';
import { MissedBillingService } from './missed-billing.service.js';
import { ReconciliationController } from './reconciliation.controller.js';
import { ReconciliationCacheService } from './reconciliation-cache.service.js';
import { ReconciliationReader } from './reconciliation-reader.service.js';
import { ReconciliationRepository } from './reconciliation.repository.js';
import { ReconciliationWriter } from './reconciliation-writer.service.js';

/**
 * Reconciliation of snapshots against Pax8 licences, its reads, missed billing and CSV exports.
 * Global because it provides the ports the features below it declare (SnapshotReconciler for
 * the ingest, ReconciliationInputs for mapping, catalog and settings): they inject those without
 * importing this module, so imports run one way.
 */
@Global()
@Module({
  imports: [IntegrationsModule, SettingsModule, MappingModule, SnapshotsModule],
  controllers: [ReconciliationController],
  providers: [
    ReconciliationWriter, ReconciliationReader, ReconciliationRepository, ReconciliationCacheService, ClientDetailService, ExportService, MissedBillingService,
    GapExceptionRepository, GapChangesRepository,
    { provide: SnapshotReconciler, useExisting: ReconciliationWriter },
    { provide: ReconciliationInputs, useExisting: ReconciliationWriter },
  ],
  exports: [ReconciliationWriter, ReconciliationReader, ClientDetailService, ReconciliationRepository, GapExceptionRepository, GapChangesRepository, SnapshotReconciler, ReconciliationInputs],
})
export class ReconciliationModule {}
