import { Module } from '@nestjs/common';
import { ReconciliationModule } from '../reconciliation/reconciliation.module.js';
import { CatalogService } from './catalog.service.js';
import { MappingController } from './mapping.controller.js';
import { MappingService } from './mapping.service.js';

/** Organization <-> Pax8 company mapping and which products are per-device licences (admin). */
@Module({
  imports: [ReconciliationModule],
  controllers: [MappingController],
  providers: [MappingService, CatalogService],
  exports: [MappingService, CatalogService],
})
export class MappingModule {}
