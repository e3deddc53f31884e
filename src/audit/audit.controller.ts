import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { AuditService } from './audit.service.js';
import { AuditListDto, AuditQuery } from './dto/audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  // Admins in PanelOne only: like every other admin route, no API key scope reaches it.
  @Get()
  @Access({ role: 'admin' })
  @ApiOkResponse({ type: AuditListDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: AuditQuery): Promise<AuditListDto> {
    return this.audit.list(p.tenantId, q);
  }
}
