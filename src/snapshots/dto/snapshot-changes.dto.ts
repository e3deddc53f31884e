import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PageQuery, ValidateUuid } from '../../common/validation.js';
import { SnapshotRefDto } from './snapshot.dto.js';

export class SnapshotChangesQuery extends PageQuery {
  /** The snapshot compared against (default: the tenant's complete snapshot before this one). */
  @ValidateUuid({ optional: true })
  against?: string;

  @ApiPropertyOptional({ description: 'PanelOne organization id' })
  @IsOptional() @IsString() @Length(1, 200)
  clientId?: string;
}

export const DEVICE_CHANGES = ['added', 'removed', 'changed'] as const;
export type DeviceChange = (typeof DEVICE_CHANGES)[number];

const REASONS = ['stale', 'pending-approval', 'excluded-class', 'duplicate-serial', 'unmapped-organization'];

/** A device's verdict in one snapshot. */
export class DeviceVerdictDto {
  @ApiProperty() counted: boolean;
  @ApiProperty({ nullable: true, enum: REASONS, type: String }) reason: string | null;
}

export class DeviceChangeDto {
  @ApiProperty() clientId: string;
  @ApiProperty() deviceId: string;
  @ApiProperty({ enum: DEVICE_CHANGES }) change: DeviceChange;
  @ApiProperty({ nullable: true, type: String }) hostname: string | null;
  @ApiProperty({ nullable: true, type: String }) serialNumber: string | null;
  @ApiProperty() deviceClass: string;
  @ApiProperty({ nullable: true, type: String }) lastContact: string | null;
  @ApiProperty({ type: DeviceVerdictDto, nullable: true, description: 'In the earlier snapshot (null: added)' }) before: DeviceVerdictDto | null;
  @ApiProperty({ type: DeviceVerdictDto, nullable: true, description: 'In this snapshot (null: removed)' }) after: DeviceVerdictDto | null;
}

export class ClientChangesDto {
  @ApiProperty() clientId: string;
  @ApiProperty() name: string;
  @ApiProperty() added: number;
  @ApiProperty() removed: number;
  @ApiProperty({ description: 'Devices in both whose counted state or reason changed' }) changed: number;
  @ApiProperty() devicesBefore: number;
  @ApiProperty() devicesAfter: number;
  @ApiProperty() billableBefore: number;
  @ApiProperty() billableAfter: number;
}

export class SnapshotChangesResponseDto {
  @ApiProperty({ type: SnapshotRefDto }) snapshot: SnapshotRefDto;
  @ApiProperty({ type: SnapshotRefDto, nullable: true, description: 'The snapshot compared against (null: none earlier; nothing to compare)' }) against: SnapshotRefDto | null;
  @ApiProperty({ type: ClientChangesDto, isArray: true, description: 'Clients with a change, largest first (with clientId: that client, even unchanged)' }) clients: ClientChangesDto[];
  @ApiProperty({ type: DeviceChangeDto, isArray: true, description: 'The changed device rows, one page' }) items: DeviceChangeDto[];
  @ApiProperty({ description: 'Changed device rows in all' }) total: number;
}
