import { Module } from '@nestjs/common';
import { GapsController } from './gaps.controller.js';
import { GapsRepository } from './gaps.repository.js';
import { GapsService } from './gaps.service.js';

/** Gaps (GET /gaps) and their exceptions (admins). The reconciliation module (global) provides the writer and repositories. */
@Module({
  controllers: [GapsController],
  providers: [GapsService, GapsRepository],
  exports: [GapsService],
})
export class GapsModule {}
