import { BadRequestException, Body, Controller, Get, HttpCode, Param, PipeTransform, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import {
  ConnectionTestDto, INTEGRATION_KINDS, IntegrationDto, PanelOneConfigDto, PanelOneSettingsDto, Pax8ConfigDto, Pax8SettingsDto,
} from './dto/integration.dto.js';
import type { IntegrationKind } from './integration-error.js';
import { IntegrationsService } from './integrations.service.js';

class IntegrationKindPipe implements PipeTransform<string, IntegrationKind> {
  transform(value: string): IntegrationKind {
    if (!(INTEGRATION_KINDS as readonly string[]).includes(value)) {
      throw new BadRequestException(`kind must be one of: ${INTEGRATION_KINDS.join(', ')}`);
    }
    return value as IntegrationKind;
  }
}

@ApiTags('integrations')
@ApiBearerAuth()
@ApiExtraModels(Pax8ConfigDto, PanelOneConfigDto)
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: IntegrationDto, isArray: true })
  list(@CurrentPrincipal() p: Principal): Promise<IntegrationDto[]> {
    return this.integrations.list(p.tenantId);
  }

  @Put('pax8')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: IntegrationDto })
  configurePax8(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: Pax8SettingsDto): Promise<IntegrationDto> {
    return this.integrations.configurePax8(p.tenantId, body, by);
  }

  @Put('panelone')
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: IntegrationDto })
  configurePanelOne(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: PanelOneSettingsDto): Promise<IntegrationDto> {
    return this.integrations.configurePanelOne(p.tenantId, body, by);
  }

  @Post(':kind/test')
  @HttpCode(200)
  @Access({ role: 'admin' })
  @ApiParam({ name: 'kind', enum: INTEGRATION_KINDS })
  @ApiOkResponse({ type: ConnectionTestDto })
  test(@CurrentPrincipal() p: Principal, @Param('kind', IntegrationKindPipe) kind: IntegrationKind): Promise<ConnectionTestDto> {
    return this.integrations.test(p.tenantId, kind);
  }
}
