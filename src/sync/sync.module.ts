import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SyncController } from './sync.controller.js';
import { SyncQueueService } from './sync-queue.service.js';
import { SyncRequestsService } from './sync-requests.service.js';
import { SyncRunsService } from './sync-runs.service.js';
import { SYNC_OPTIONS, syncOptionsFrom } from './sync.options.js';

/** Sync runs in the API: start them (enqueue only) and read them. The worker side is SyncWorkerModule. */
@Module({
  controllers: [SyncController],
  providers: [
    { provide: SYNC_OPTIONS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => syncOptionsFrom(config) },
    SyncQueueService,
    SyncRunsService,
    SyncRequestsService,
  ],
  exports: [SYNC_OPTIONS, SyncQueueService, SyncRunsService],
})
export class SyncModule {}
