import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { AcceptGapDto, GapDto, GapExceptionRemovedDto, GapListQuery, GapListResponseDto } from './dto/gaps.dto.js';
import { GapsService } from './gaps.service.js';

@ApiTags('gaps')
@ApiBearerAuth()
@Controller('gaps')
export class GapsController {
  constructor(private readonly gaps: GapsService) {}

  @Get()
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: GapListResponseDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: GapListQuery): Promise<GapListResponseDto> {
    return this.gaps.list(p.tenantId, q);
  }

  @Post(':clientId/:productId/exception')
  @Access({ role: 'admin' })
  @ApiCreatedResponse({ type: GapDto, description: 'The gap, now accepted' })
  accept(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Param('clientId') clientId: string, @Param('productId') productId: string, @Body() body: AcceptGapDto): Promise<GapDto> {
    return this.gaps.accept(p, by, clientId, productId, body);
  }

  @Delete(':clientId/:productId/exception')
  @HttpCode(200)
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: GapExceptionRemovedDto })
  remove(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Param('clientId') clientId: string, @Param('productId') productId: string): Promise<GapExceptionRemovedDto> {
    return this.gaps.remove(p, by, clientId, productId);
  }
}
