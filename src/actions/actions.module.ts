import { Module } from '@nestjs/common';
import { MappingModule } from '../mapping/mapping.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ActionsController } from './actions.controller.js';
import { ActionsRepository } from './actions.repository.js';
import { ActionsService } from './actions.service.js';

/** Actions on gaps: propose (preview), approve, cancel, read. The worker side is ActionsWorkerModule. */
@Module({
  imports: [SettingsModule, MappingModule],
  controllers: [ActionsController],
  providers: [ActionsService, ActionsRepository],
  exports: [ActionsService, ActionsRepository],
})
export class ActionsModule {}
