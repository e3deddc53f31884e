import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PageQuery, ValidateBoolean } from '../../common/validation.js';
import { CountingRulesDto } from '../../settings/dto/settings.dto.js';

export class SnapshotDevicesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'PanelOne organization id' })
  @IsOptional() @IsString() @Length(1, 200)
  clientId?: string;

  @ValidateBoolean({ optional: true })
  counted?: boolean;
}

/** Which snapshot an answer is about. */
export class SnapshotRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() takenAt: string;
}

export class SnapshotResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() takenAt: string;
  @ApiProperty({ enum: ['manual', 'schedule', 'sync-all'] }) trigger: string;
  @ApiProperty({ enum: ['complete'] }) status: string;
  @ApiProperty() deviceCount: number;
  @ApiProperty() billableCount: number;
  @ApiProperty({ type: CountingRulesDto, description: 'The counting rules in force when the snapshot was taken' }) rules: CountingRulesDto;
  @ApiProperty({ description: 'False once the tenant\'s retention setting deleted the device rows (GET …/devices answers 410); counts and the reconciliation are kept' })
  deviceRowsRetained: boolean;
}

export class SnapshotListResponseDto {
  @ApiProperty({ type: SnapshotResponseDto, isArray: true }) items: SnapshotResponseDto[];
  @ApiProperty() total: number;
}

export class SnapshotDeviceResponseDto {
  @ApiProperty() deviceId: string;
  @ApiProperty() organizationId: string;
  @ApiProperty({ nullable: true, type: String }) hostname: string | null;
  @ApiProperty({ nullable: true, type: String }) serialNumber: string | null;
  @ApiProperty() deviceClass: string;
  @ApiProperty({ nullable: true, type: String }) lastContact: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) offline: boolean | null;
  @ApiProperty({ nullable: true, type: String }) approvalStatus: string | null;
  @ApiProperty() counted: boolean;
  @ApiProperty({ nullable: true, enum: ['stale', 'pending-approval', 'excluded-class', 'duplicate-serial', 'unmapped-organization'] }) reason: string | null;
}

export class SnapshotDevicesResponseDto {
  @ApiProperty({ type: SnapshotDeviceResponseDto, isArray: true }) items: SnapshotDeviceResponseDto[];
  @ApiProperty() total: number;
}
