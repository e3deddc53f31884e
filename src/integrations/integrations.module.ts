import { Module } from '@nestjs/common';
import { IntegrationConnections } from './integration-connections.js';
import { IntegrationSyncService } from './integration-sync.service.js';
import { IntegrationsController } from './integrations.controller.js';
import { IntegrationsService } from './integrations.service.js';
import { SecretBox } from './secret-box.js';

/** Pax8 and PanelOne: settings (admin API), clients, and the syncs the job worker runs. */
@Module({
  controllers: [IntegrationsController],
  providers: [SecretBox, IntegrationConnections, IntegrationsService, IntegrationSyncService],
  exports: [IntegrationSyncService, IntegrationConnections, SecretBox],
})
export class IntegrationsModule {}
