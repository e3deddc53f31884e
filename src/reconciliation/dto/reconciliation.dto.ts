import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery, ValidateEnum, ValidateUuid } from '../../common/validation.js';
import { SnapshotRefDto } from '../../snapshots/dto/snapshot.dto.js';
import { CLIENT_STATUSES, type ClientStatus } from '../reconcile.js';
import { CLIENT_SORTS, type ClientSort } from '../reconciliation.repository.js';

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

export class LineResponseDto {
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ description: 'Billable devices of the client' }) devices: number;
  @ApiProperty({ description: 'Sum of quantity over subscriptions of this product in licensed statuses' }) licensedQuantity: number;
  @ApiProperty({ description: 'devices - licensedQuantity' }) variance: number;
  @ApiProperty({ enum: ['under-licensed', 'over-licensed', 'matched'] }) status: string;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Per licence per month; weighted by quantity over the subscriptions' }) unitPriceMonthly: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) monthlyImpact: MoneyDto | null;
}

export class SubscriptionResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ nullable: true, type: String }) status: string | null;
  @ApiProperty({ nullable: true, type: String }) billingTerm: string | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Pax8 price per unit per billing term' }) price: MoneyDto | null;
  @ApiProperty({ description: 'Per-device product in a licensed status' }) countsAsLicence: boolean;
}

export class DeviceBreakdownDto {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Devices that pass the counting rules' }) billable: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) byClass: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) excludedByReason: Record<string, number>;
}

export class TrendPointDto {
  @ApiProperty({ format: 'uuid' }) snapshotId: string;
  @ApiProperty() takenAt: string;
  @ApiProperty() devices: number;
  @ApiProperty() licenses: number;
  @ApiProperty() variance: number;
}

export class ContactDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ type: String, isArray: true }) types: string[];
}

export class ClientLinksDto {
  @ApiProperty({ nullable: true, type: String }) pax8Subscriptions: string | null;
  @ApiProperty({ description: 'API path of the per-client CSV for this snapshot' }) billingSnapshot: string;
}

export class ClientDetailResponseDto extends ClientRowResponseDto {
  @ApiProperty({ type: SnapshotRefDto }) snapshot: SnapshotRefDto;
  @ApiProperty({ type: LineResponseDto, isArray: true }) lines: LineResponseDto[];
  @ApiProperty({ type: SubscriptionResponseDto, isArray: true }) subscriptions: SubscriptionResponseDto[];
  @ApiProperty({ type: DeviceBreakdownDto }) deviceBreakdown: DeviceBreakdownDto;
  @ApiProperty({ type: TrendPointDto, isArray: true, description: 'One point per complete snapshot, oldest first, up to 12' }) trend: TrendPointDto[];
  @ApiProperty({ type: ContactDto, isArray: true }) contacts: ContactDto[];
  @ApiProperty({ type: ClientLinksDto }) links: ClientLinksDto;
  @ApiProperty() recommendedAction: string;
}

export class MissedBillingItemDto {
  @ApiProperty() clientId: string;
  @ApiProperty() clientName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty() devices: number;
  @ApiProperty() licensed: number;
  @ApiProperty({ description: 'devices - licensed' }) gap: number;
  @ApiProperty({ type: MoneyDto, nullable: true }) unitPriceMonthly: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) monthlyAmount: MoneyDto | null;
  @ApiProperty({ example: 'Increase Pax8 quantity of EDR from 8 to 10, or bill 2 more seats.' }) action: string;
  @ApiProperty({ description: 'Taken-at of the first snapshot of the consecutive run with this gap' }) since: string;
  @ApiProperty({ description: 'Number of consecutive snapshots with this gap' }) snapshots: number;
}

export class MissedBillingResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ type: MissedBillingItemDto, isArray: true }) items: MissedBillingItemDto[];
  @ApiProperty() total: number;
}
