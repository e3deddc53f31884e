import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { CatalogService } from './catalog.service.js';
import { CatalogProductListResponseDto, CatalogProductResponseDto, ClientMappingListResponseDto, ClientMappingResponseDto, SetMappingDto, SetPerDeviceDto } from './dto/mapping.dto.js';
import { MappingService } from './mapping.service.js';

@ApiTags('mapping')
@ApiBearerAuth()
@Controller()
export class MappingController {
  constructor(
    private readonly mapping: MappingService,
    private readonly catalog: CatalogService,
  ) {}

  @Get('clients')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ClientMappingListResponseDto })
  clients(@CurrentPrincipal() p: Principal) {
    return this.mapping.list(p.tenantId);
  }

  @Put('clients/:organizationId/mapping')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ClientMappingResponseDto })
  setMapping(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Param('organizationId') organizationId: string, @Body() body: SetMappingDto) {
    return this.mapping.set(p.tenantId, organizationId, body.pax8CompanyId, by);
  }

  @Get('catalog/products')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: CatalogProductListResponseDto })
  async products(@CurrentPrincipal() p: Principal): Promise<CatalogProductListResponseDto> {
    return { items: await this.catalog.list(p.tenantId) };
  }

  @Put('catalog/products/:productId')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: CatalogProductResponseDto })
  setProduct(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Param('productId') productId: string, @Body() body: SetPerDeviceDto) {
    return this.catalog.setPerDevice(p.tenantId, productId, body.perDevice, by);
  }
}
