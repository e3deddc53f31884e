import { Module } from '@nestjs/common';
import { IntegrationConnections } from './integration-connections.js';
import { IntegrationSyncService } from './integration-sync.service.js';
import { IntegrationsController } from './integrations.controller.js';
import { IntegrationsService } from './integrations.service.js';
import { IntegrationRepository } from './integration.repository.js';
import { SecretBox } from './secret-box.js';
import { SyncedDataRepository } from './synced-data.repository.js';

/** Pax8 and PanelOne: settings (admin API), clients, and the syncs the job worker runs. */
@Module({
  controllers: [IntegrationsController],
  providers: [SecretBox, IntegrationRepository, SyncedDataRepository, IntegrationConnections, IntegrationsService, IntegrationSyncService],
  exports: [IntegrationSyncService, IntegrationConnections, SecretBox, SyncedDataRepository],
})
export class IntegrationsModule {}
