import { Module } from '@nestjs/common';
import { MappingModule } from '../mapping/mapping.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { DeviceExportService } from './device-export.service.js';
import { DeviceRetentionService } from './device-retention.service.js';
import { SnapshotRepository } from './snapshot.repository.js';
import { SnapshotsController } from './snapshots.controller.js';
import { SnapshotChangesService } from './snapshot-changes.service.js';
import { SnapshotsService } from './snapshots.service.js';

/**
 * Device snapshots: COPY ingest with per-device verdicts, per-client counts, read endpoints.
 * The ingest's SnapshotReconciler comes from the reconciliation module (global), above this one.
 */
@Module({
  imports: [MappingModule, SettingsModule],
  controllers: [SnapshotsController],
  providers: [SnapshotsService, DeviceExportService, SnapshotRepository, SnapshotChangesService, DeviceRetentionService],
  exports: [SnapshotsService, SnapshotRepository, DeviceRetentionService],
})
export class SnapshotsModule {}
