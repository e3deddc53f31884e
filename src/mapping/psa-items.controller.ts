import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { PsaItemListResponseDto, PsaItemResponseDto, SetPsaItemMappingDto } from './dto/psa-item.dto.js';
import { PsaItemsService } from './psa-items.service.js';

@ApiTags('mapping')
@ApiBearerAuth()
@Controller()
export class PsaItemsController {
  constructor(private readonly items: PsaItemsService) {}

  @Get('catalog/psa-items')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: PsaItemListResponseDto })
  list(@CurrentPrincipal() p: Principal) {
    return this.items.list(p.tenantId);
  }

  @Put('catalog/psa-items/:itemId/mapping')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: PsaItemResponseDto })
  setMapping(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Param('itemId') itemId: string, @Body() body: SetPsaItemMappingDto) {
    return this.items.set(p.tenantId, itemId, body.pax8ProductId, by);
  }
}
