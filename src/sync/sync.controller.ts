import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UuidParam } from '../common/validation.js';
import { SyncRunDto, SyncRunListDto, SyncRunsQuery } from './dto/sync-run.dto.js';
import { SyncRunsService } from './sync-runs.service.js';
import { INTEGRATION_KINDS, SYNC_TOOLS } from './sync.constants.js';
import { SyncRequestsService } from './sync-requests.service.js';

@ApiTags('sync')
@ApiBearerAuth()
@Controller()
export class SyncController {
  constructor(
    private readonly requests: SyncRequestsService,
    private readonly runs: SyncRunsService,
  ) {}

  @Get('sync/runs')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SyncRunListDto })
  async list(@CurrentPrincipal() p: Principal, @Query() query: SyncRunsQuery): Promise<SyncRunListDto> {
    return { items: await this.runs.list(p.tenantId, query.limit, query.tool) };
  }

  @Get('sync/runs/:id')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SyncRunDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<SyncRunDto> {
    return this.runs.get(p.tenantId, id);
  }

  @Post('sync/:tool')
  @HttpCode(202)
  @Access({ role: 'technician', scope: 'sync' })
  @ApiParam({ name: 'tool', enum: SYNC_TOOLS })
  @ApiAcceptedResponse({ type: SyncRunDto, description: 'The queued run, or the one of this tool already queued or running' })
  start(@CurrentPrincipal() p: Principal, @Param('tool') tool: string): Promise<SyncRunDto> {
    return this.requests.startTool(p, tool);
  }

  @Post('snapshots')
  @HttpCode(202)
  @Access({ role: 'technician', scope: 'sync' })
  @ApiAcceptedResponse({ type: SyncRunDto, description: 'The device-snapshot run that takes the snapshot' })
  snapshot(@CurrentPrincipal() p: Principal): Promise<SyncRunDto> {
    return this.requests.startTool(p, 'device-snapshot');
  }

  @Post('integrations/:kind/sync')
  @HttpCode(202)
  @Access({ role: 'technician', scope: 'sync' })
  @ApiParam({ name: 'kind', enum: INTEGRATION_KINDS })
  @ApiAcceptedResponse({ type: SyncRunDto })
  syncIntegration(@CurrentPrincipal() p: Principal, @Param('kind') kind: string): Promise<SyncRunDto> {
    return this.requests.startIntegration(p, kind);
  }
}
