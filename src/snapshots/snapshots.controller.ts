import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { PageQuery, UuidParam } from '../common/validation.js';
import { SnapshotDevicesQuery, SnapshotDevicesResponseDto, SnapshotListResponseDto, SnapshotResponseDto } from './dto/snapshot.dto.js';
import { ExportSlots } from '../common/export-slots.js';
import { DeviceExportService } from './device-export.service.js';
import { SnapshotChangesQuery, SnapshotChangesResponseDto } from './dto/snapshot-changes.dto.js';
import { SnapshotChangesService } from './snapshot-changes.service.js';
import { SnapshotsService } from './snapshots.service.js';

@ApiTags('snapshots')
@ApiBearerAuth()
@Controller('snapshots')
export class SnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly deviceExport: DeviceExportService,
    private readonly slots: ExportSlots,
    private readonly changeReads: SnapshotChangesService,
  ) {}

  @Get()
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SnapshotListResponseDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.snapshots.list(p.tenantId, q.limit, q.offset);
  }

  @Get(':id')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SnapshotResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string) {
    return this.snapshots.get(p.tenantId, id);
  }

  @Get(':id/devices.csv')
  @Access({ role: 'technician', scope: 'read' })
  @ApiProduces('text/csv')
  devicesCsv(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.slots.run(p.tenantId, reply, () => this.deviceExport.devicesCsv(p.tenantId, id, reply));
  }

  @Get(':id/devices')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SnapshotDevicesResponseDto })
  devices(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Query() q: SnapshotDevicesQuery) {
    return this.snapshots.devices(p.tenantId, id, q);
  }

  @Get(':id/changes')
  @Access({ role: 'viewer', scope: 'read' })
  @ApiOkResponse({ type: SnapshotChangesResponseDto })
  changes(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Query() q: SnapshotChangesQuery) {
    return this.changeReads.changes(p.tenantId, id, q);
  }
}
