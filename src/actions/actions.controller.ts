import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../audit/actor.js';
import { Access, allows, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UuidParam } from '../common/validation.js';
import { ActionDto, ActionListQuery, ActionListResponseDto, ActionPreviewResponseDto, ApproveActionDto, ProposeActionDto } from './dto/actions.dto.js';
import { ActionsService } from './actions.service.js';

@ApiTags('actions')
@ApiBearerAuth()
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post()
  @Access({ role: 'technician' })
  @ApiCreatedResponse({ type: ActionDto, description: 'The proposed action with its preview, one item per gap' })
  propose(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @Body() body: ProposeActionDto): Promise<ActionDto> {
    return this.actions.propose(p.tenantId, by, body);
  }

  @Post('preview')
  @HttpCode(200)
  @Access({ role: 'technician' })
  @ApiOkResponse({ type: ActionPreviewResponseDto, description: 'What POST /actions would propose (same body, checks and errors); nothing is stored' })
  preview(@CurrentPrincipal() p: Principal, @Body() body: ProposeActionDto): Promise<ActionPreviewResponseDto> {
    return this.actions.preview(p.tenantId, body);
  }

  @Get()
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: ActionListResponseDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ActionListQuery): Promise<ActionListResponseDto> {
    return this.actions.list(p.tenantId, q);
  }

  @Get(':id')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: ActionDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ActionDto> {
    return this.actions.get(p.tenantId, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: ActionDto, description: 'Approved: its items are queued for the worker' })
  approve(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @UuidParam('id') id: string, @Body() body: ApproveActionDto): Promise<ActionDto> {
    return this.actions.approve(p.tenantId, by, id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access({ role: 'technician' })
  @ApiOkResponse({ type: ActionDto, description: 'Cancelled: its proposed or scheduled items will not run. Admins cancel any action; a technician only one they proposed, while it awaits approval' })
  cancel(@CurrentPrincipal() p: Principal, @CurrentActor() by: Actor, @UuidParam('id') id: string): Promise<ActionDto> {
    return this.actions.cancel(p.tenantId, by, id, allows(p, { role: 'admin' }));
  }
}
