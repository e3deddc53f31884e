import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery, ValidateEnum, ValidateUuid } from '../../common/validation.js';
import { CLIENT_STATUSES, type ClientStatus } from '../reconcile.js';
import { CLIENT_SORTS, type ClientSort } from '../reconciliation.service.js';

export class SnapshotSelectQuery {
  @ValidateUuid({ optional: true })
  snapshotId?: string;
}

export class ClientFilterQuery extends SnapshotSelectQuery {
  @ValidateEnum(CLIENT_STATUSES, { optional: true })
  status?: ClientStatus;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the client name', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  search?: string;

  @ValidateEnum(CLIENT_SORTS, { optional: true })
  sort?: ClientSort;

  @ValidateEnum(['asc', 'desc'], { optional: true })
  order?: 'asc' | 'desc';
}

export class ClientListQuery extends IntersectionType(ClientFilterQuery, PageQuery) {}

export class PagedSnapshotQuery extends PageQuery {
  @ValidateUuid({ optional: true })
  snapshotId?: string;
}

export class MoneyDto {
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['USD'] }) currency: 'USD';
}

export class SnapshotRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() takenAt: string;
}

export class SummaryResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty() underLicensed: number;
  @ApiProperty() overLicensed: number;
  @ApiProperty() matched: number;
  @ApiProperty() unmapped: number;
  @ApiProperty({ type: MoneyDto }) revenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto }) overspend: MoneyDto;
}

export class ClientRowResponseDto {
  @ApiProperty({ description: 'PanelOne organization id' }) clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) pax8CompanyId: string | null;
  @ApiProperty({ description: 'Billable devices' }) devices: number;
  @ApiProperty({ description: 'Licensed quantity of the line shown' }) licenses: number;
  @ApiProperty({ description: 'devices - licenses; positive = under-licensed' }) variance: number;
  @ApiProperty({ enum: CLIENT_STATUSES }) status: ClientStatus;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Sum over the product lines; null when no price is known' }) monthlyImpact: MoneyDto | null;
  @ApiProperty({ description: 'Number of per-device product lines' }) lineCount: number;
}

export class ClientListResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ type: ClientRowResponseDto, isArray: true }) items: ClientRowResponseDto[];
  @ApiProperty() total: number;
}
