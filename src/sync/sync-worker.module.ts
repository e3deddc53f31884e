import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { MappingModule } from '../mapping/mapping.module.js';
import { ReconciliationModule } from '../reconciliation/reconciliation.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { SnapshotsModule } from '../snapshots/snapshots.module.js';
import { RetentionTickService } from './retention-tick.service.js';
import { RunLeaseService } from './run-lease.service.js';
import { SyncScheduleService } from './sync-schedule.service.js';
import { SyncToolsService } from './sync-tools.service.js';
import { SyncWorkerService } from './sync-worker.service.js';
import { SyncModule } from './sync.module.js';

/** The worker side: consumes sync jobs, reclaims orphaned runs, ticks the schedule and applies device-row retention. Worker process only. */
@Module({
  imports: [ScheduleModule.forRoot(), SyncModule, IntegrationsModule, SnapshotsModule, ReconciliationModule, MappingModule, SettingsModule],
  providers: [SyncToolsService, SyncWorkerService, RunLeaseService, SyncScheduleService, RetentionTickService],
})
export class SyncWorkerModule {}
