import { Global, Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { ReconciliationVersionHook } from '../reconciliation/reconciliation-version-hook.js';
import { AlertOutbox } from './alert-outbox.service.js';
import { AlertSender } from './alert-sender.service.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';

/**
 * Alert channels, the outbox the reconciliation writes into and the delivery log. Global because
 * it provides the reconciliation's ReconciliationVersionHook, which the writer injects without
 * importing this module (imports run one way). The delivery worker is AlertsWorkerModule.
 */
@Global()
@Module({
  imports: [IntegrationsModule],
  controllers: [AlertsController],
  providers: [
    AlertsRepository, AlertSender, AlertsService, AlertOutbox,
    { provide: ReconciliationVersionHook, useExisting: AlertOutbox },
  ],
  exports: [ReconciliationVersionHook, AlertsRepository, AlertSender],
})
export class AlertsModule {}
