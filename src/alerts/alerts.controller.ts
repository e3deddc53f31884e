import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UuidParam } from '../common/validation.js';
import { AlertsService } from './alerts.service.js';
import { AlertChannelsBodyDto, AlertChannelsResponseDto, ChannelTestResultDto, DeliveriesQuery, DeliveryListDto } from './dto/alerts.dto.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('channels')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: AlertChannelsResponseDto })
  channels(@CurrentPrincipal() p: Principal): Promise<AlertChannelsResponseDto> {
    return this.alerts.list(p.tenantId);
  }

  @Put('channels')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: AlertChannelsResponseDto })
  replace(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: AlertChannelsBodyDto): Promise<AlertChannelsResponseDto> {
    return this.alerts.replace(p.tenantId, body.channels, by);
  }

  @Post('channels/:id/test')
  @HttpCode(200)
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ChannelTestResultDto })
  test(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ChannelTestResultDto> {
    return this.alerts.test(p.tenantId, id);
  }

  @Get('deliveries')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: DeliveryListDto })
  deliveries(@CurrentPrincipal() p: Principal, @Query() q: DeliveriesQuery): Promise<DeliveryListDto> {
    return this.alerts.deliveries(p.tenantId, q);
  }
}
