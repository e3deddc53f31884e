import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidateEnum } from '../../common/validation.js';
import { ALL_TOOLS, RUN_STATUSES, type RunStatus, type SyncTool } from '../sync.constants.js';

export class SyncProgressDto {
  @ApiProperty({ description: 'Units done in the current phase (pages, records, devices)' }) done: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Units expected in the current phase, when known' }) total: number | null;
}

export class SyncRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ALL_TOOLS }) tool: SyncTool;
  @ApiProperty({ enum: RUN_STATUSES }) status: RunStatus;
  @ApiProperty({ enum: ['manual', 'schedule'] }) trigger: string;
  @ApiProperty({ nullable: true, type: String, example: 'devices' }) phase: string | null;
  @ApiProperty({ type: SyncProgressDto }) progress: SyncProgressDto;
  @ApiProperty({ description: 'User id, `api-key:<id>`, or `schedule`' }) requestedBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: 'Attempts used so far' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why the run failed, in plain words' }) error: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Counts per step when the run succeeded' }) result: Record<string, unknown> | null;
}

export class SyncRunListDto {
  @ApiProperty({ type: SyncRunDto, isArray: true }) items: SyncRunDto[];
}

export class SyncRunsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(200)
  limit: number = 20;

  @ValidateEnum(ALL_TOOLS, { optional: true })
  tool?: SyncTool;
}

export interface SyncRunRow {
  id: string;
  tenant_id: string;
  tool: SyncTool;
  status: RunStatus;
  trigger: string;
  phase: string | null;
  progress_done: number;
  progress_total: number | null;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  attempts: number;
  error: string | null;
  result: Record<string, unknown> | null;
  queue: string;
  run_after: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toSyncRunDto(row: SyncRunRow): SyncRunDto {
  return {
    id: row.id,
    tool: row.tool,
    status: row.status,
    trigger: row.trigger,
    phase: row.phase,
    progress: { done: row.progress_done, total: row.progress_total },
    requestedBy: row.requested_by,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    attempts: row.attempts,
    error: row.error,
    result: row.result,
  };
}
