import { Global, Module } from '@nestjs/common';
import { ClientGaps } from '../reconciliation/client-gaps.js';
import { ActionsModule } from '../actions/actions.module.js';
import { GapsController } from './gaps.controller.js';
import { GapsRepository } from './gaps.repository.js';
import { GapsService } from './gaps.service.js';

/**
 * Gaps (GET /gaps) and their exceptions (admins). The reconciliation module (global) provides the
 * writer and repositories; this one is global to give the drill-down its gaps (ClientGaps).
 */
@Global()
@Module({
  imports: [ActionsModule],
  controllers: [GapsController],
  providers: [GapsService, GapsRepository, { provide: ClientGaps, useExisting: GapsService }],
  exports: [GapsService, ClientGaps],
})
export class GapsModule {}
