import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { CatalogService } from './catalog.service.js';
import { MappingController } from './mapping.controller.js';
import { MappingRepository } from './mapping.repository.js';
import { MappingService } from './mapping.service.js';

/** Organization <-> Pax8 company mapping and which products are per-device licences (admin). */
@Module({
  imports: [IntegrationsModule],
  controllers: [MappingController],
  providers: [MappingService, CatalogService, MappingRepository],
  exports: [MappingService, CatalogService, MappingRepository],
})
export class MappingModule {}
