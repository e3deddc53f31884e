import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { UuidParam } from '../common/validation.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { Access, CurrentPrincipal, type Principal } from './principal.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Access({ role: 'admin' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(p, body, by);
  }

  @Get()
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(@CurrentPrincipal() p: Principal): Promise<ApiKeyListDto> {
    return { items: await this.apiKeys.list(p.tenantId) };
  }

  @Delete(':id')
  @HttpCode(200)
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ApiKeyDto })
  revoke(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @UuidParam('id') id: string): Promise<ApiKeyDto> {
    return this.apiKeys.revoke(p.tenantId, id, by);
  }
}
