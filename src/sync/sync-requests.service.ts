// Starting runs from the API: checks the tool or integration named in the path.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { invalid } from '../common/errors.js';
import type { SyncRunDto } from './dto/sync-run.dto.js';
import { SyncRunsService } from './sync-runs.service.js';
import { INTEGRATION_KINDS, INTEGRATION_SYNC_TOOLS, SYNC_TOOLS, type SyncTool } from './sync.constants.js';

@Injectable()
export class SyncRequestsService {
  constructor(private readonly runs: SyncRunsService) {}

  async startTool(principal: Principal, tool: string): Promise<SyncRunDto> {
    if (!(SYNC_TOOLS as readonly string[]).includes(tool)) {
      throw invalid(`tool must be one of: ${SYNC_TOOLS.join(', ')}`);
    }
    return this.start(principal, tool as SyncTool);
  }

  async startIntegration(principal: Principal, kind: string): Promise<SyncRunDto> {
    if (!(INTEGRATION_KINDS as readonly string[]).includes(kind)) {
      throw invalid(`kind must be one of: ${INTEGRATION_KINDS.join(', ')}`);
    }
    return this.start(principal, INTEGRATION_SYNC_TOOLS[kind as keyof typeof INTEGRATION_SYNC_TOOLS]);
  }

  private async start(principal: Principal, tool: SyncTool): Promise<SyncRunDto> {
    const { run } = await this.runs.request(principal.tenantId, { tool, requestedBy: principal.subject, trigger: 'manual' });
    return run;
  }
}
