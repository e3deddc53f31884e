import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module.js';
import { GapsController } from './gaps.controller.js';
import { GapsRepository } from './gaps.repository.js';
import { GapsService } from './gaps.service.js';

/** Gaps (GET /gaps) and their exceptions (admins). The reconciliation module (global) provides the writer and repositories. */
@Module({
  imports: [ActionsModule],
  controllers: [GapsController],
  providers: [GapsService, GapsRepository],
})
export class GapsModule {}
