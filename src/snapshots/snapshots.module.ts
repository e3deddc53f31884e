import { Module } from '@nestjs/common';
import { ReconciliationModule } from '../reconciliation/reconciliation.module.js';
import { DeviceExportService } from './device-export.service.js';
import { SnapshotsController } from './snapshots.controller.js';
import { SnapshotsService } from './snapshots.service.js';

/** Device snapshots: COPY ingest with per-device verdicts, per-client counts, read endpoints. */
@Module({
  imports: [ReconciliationModule],
  controllers: [SnapshotsController],
  providers: [SnapshotsService, DeviceExportService],
  exports: [SnapshotsService],
})
export class SnapshotsModule {}
