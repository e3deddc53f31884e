import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { SettingsDto, UpdateSettingsDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: SettingsDto })
  get(@CurrentPrincipal() p: Principal): Promise<SettingsDto> {
    return this.settings.get(p.tenantId);
  }

  @Put()
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: SettingsDto })
  update(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: UpdateSettingsDto): Promise<SettingsDto> {
    return this.settings.update(p.tenantId, body, by);
  }
}
