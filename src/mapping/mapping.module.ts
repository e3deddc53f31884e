import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { CatalogService } from './catalog.service.js';
import { MappingController } from './mapping.controller.js';
import { MappingRepository } from './mapping.repository.js';
import { MappingService } from './mapping.service.js';
import { PsaItemsController } from './psa-items.controller.js';
import { PsaItemRepository } from './psa-item.repository.js';
import { PsaItemsService } from './psa-items.service.js';

/** Organization <-> Pax8 company mapping, which products are per-device licences, and which Pax8 product each PSA catalog item bills (admin). */
@Module({
  imports: [IntegrationsModule],
  controllers: [MappingController, PsaItemsController],
  providers: [MappingService, CatalogService, MappingRepository, PsaItemRepository, PsaItemsService],
  exports: [MappingService, CatalogService, MappingRepository, PsaItemRepository],
})
export class MappingModule {}
