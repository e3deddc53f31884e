import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { ActionsModule } from './actions.module.js';
import { ActionsWorkerService } from './actions-worker.service.js';
import { ACTION_OPTIONS, actionOptionsFrom } from './actions.options.js';
import { Pax8QuantityExecutor } from './pax8-quantity.executor.js';
import { PsaQuantityExecutor } from './psa-quantity.executor.js';

/** The worker side of actions: claims due items and applies them through their type's executor. Worker process only. */
@Module({
  imports: [ActionsModule, IntegrationsModule],
  providers: [
    { provide: ACTION_OPTIONS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => actionOptionsFrom(config) },
    Pax8QuantityExecutor,
    PsaQuantityExecutor,
    ActionsWorkerService,
  ],
})
export class ActionsWorkerModule {}
