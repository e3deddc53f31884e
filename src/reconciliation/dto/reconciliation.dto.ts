import { ApiProperty, ApiPropertyOptional, getSchemaPath, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQuery, ValidateEnum, ValidateUuid } from '../../common/validation.js';
import { SnapshotRefDto } from '../../snapshots/dto/snapshot.dto.js';
import { BILLING_STATUSES, CLIENT_STATUSES, EXCEPTION_REASONS, GAP_STATES, type BillingStatus, type ClientStatus, type ExceptionReason, type GapState } from '../reconcile.js';
import { CLIENT_SORTS, LIST_STATUSES, type ClientSort, type ListStatus } from '../reconciliation.repository.js';

export class SnapshotSelectQuery {
  @ValidateUuid({ optional: true })
  snapshotId?: string;

  @ApiPropertyOptional({ description: 'A version of the snapshot\'s reconciliation (default: its latest)', minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  version?: number;
}

export class ClientFilterQuery extends SnapshotSelectQuery {
  @ValidateEnum(LIST_STATUSES, { optional: true })
  status?: ListStatus;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the client name', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  search?: string;

  @ValidateEnum(CLIENT_SORTS, { optional: true })
  sort?: ClientSort;

  @ValidateEnum(['asc', 'desc'], { optional: true })
  order?: 'asc' | 'desc';
}

export class ClientListQuery extends IntersectionType(ClientFilterQuery, PageQuery) {}

export class PagedSnapshotQuery extends IntersectionType(SnapshotSelectQuery, PageQuery) {}

export class VersionsQuery {
  @ValidateUuid({ optional: true })
  snapshotId?: string;
}

export class MoneyDto {
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['USD'] }) currency: 'USD';
}

/** PSA billing fields are present only when the reconciliation was made with PSA billing on (absent: read as null). */
const PSA = 'PSA billing (null without PSA data): ';

export class SummaryResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty({ description: 'false: history (an earlier snapshot or version)' }) latest: boolean;
  @ApiProperty() underLicensed: number;
  @ApiProperty() overLicensed: number;
  @ApiProperty() matched: number;
  @ApiProperty({ description: 'Organizations mapped to no Pax8 company (shown apart: not a licence gap until mapped)' }) unmapped: number;
  @ApiProperty({ description: 'Clients whose every gap is accepted as an exception' }) accepted: number;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the rows\' revenueAtRisk' }) revenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the rows\' overspend (never netted against revenue at risk)' }) overspend: MoneyDto;
  @ApiProperty({ description: 'Seats of gaps whose line has no price' }) unpricedSeats: number;
  @ApiProperty({ description: 'Of unpricedSeats, those of under-licensed gaps' }) unpricedUnderSeats: number;
  @ApiProperty({ description: 'Of unpricedSeats, those of over-licensed gaps' }) unpricedOverSeats: number;
  @ApiProperty({ description: 'Billable devices of mapped clients (the sum of the list\'s devices)' }) billableCount: number;
  @ApiProperty({ description: 'Devices of unmapped organizations that would count once mapped' }) unmappedDeviceCount: number;
  @ApiProperty({ description: 'Mapped organizations whose mapping is still a suggestion nobody confirmed (now, whatever version is read)' }) unconfirmedMappings: number;
  @ApiProperty({ type: MoneyDto, description: 'Revenue at risk of accepted gaps (in no total above)' }) acceptedRevenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Overspend of accepted gaps (in no total above)' }) acceptedOverspend: MoneyDto;
  @ApiProperty({ description: 'Seats of accepted gaps without a price (not in unpricedSeats)' }) acceptedUnpricedSeats: number;
  @ApiProperty({ nullable: true, type: MoneyDto, description: `${PSA}sum of the rows' underBilled (the MSP's lost billing)` }) underBilled: MoneyDto | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}clients with a line billed for fewer seats than its devices` }) underBilledClients: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}clients billed for more seats than their devices on some line (none under-billed)` }) overBilledClients: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}seats of under-billed gaps whose line has no billed price` }) unpricedUnderBilledSeats: number | null;
}

export class LineExceptionDto {
  @ApiProperty({ enum: EXCEPTION_REASONS }) reason: ExceptionReason;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last day (YYYY-MM-DD, UTC) it holds; null: no end' }) until: string | null;
}

export class LineResponseDto {
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ description: 'Billable devices of the client' }) devices: number;
  @ApiProperty({ description: 'Sum of quantity over subscriptions of this product in licensed statuses' }) licenses: number;
  @ApiProperty({ description: 'The same as licenses (older name)' }) licensedQuantity: number;
  @ApiProperty({ description: 'devices - licenses' }) variance: number;
  @ApiProperty({ enum: ['under-licensed', 'over-licensed', 'matched'] }) status: string;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Per licence per month, weighted by quantity over the subscriptions, rounded to the cent: variance x this = the amount' }) unitPriceMonthly: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'An under-licensed line\'s amount; 0 on any other line; null when the gap has no price' }) revenueAtRisk: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'An over-licensed line\'s amount, positive; 0 on any other line; null when the gap has no price' }) overspend: MoneyDto | null;
  @ApiProperty({ description: 'Seats of this line\'s gap when it has no price' }) unpricedSeats: number;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'variance x unitPriceMonthly, signed (for older callers)' }) monthlyImpact: MoneyDto | null;
  @ApiProperty({ enum: GAP_STATES, nullable: true, type: String, description: 'open: a gap (under or over beyond the tolerance); accepted: an exception covers it (its money is in the row\'s accepted figures, not its totals); null: matched' }) gapState: GapState | null;
  @ApiProperty({ type: LineExceptionDto, nullable: true, description: 'The exception that accepts this gap' }) exception: LineExceptionDto | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}sum of quantity over the client's ACTIVE agreements' non-cancelled additions of catalog items mapped to this product` }) billed: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}devices - billed (positive: under-billed)` }) billedVariance: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}licenses - billed (positive: licences paid to Pax8 and not billed)` }) unbilledLicences: number | null;
  @ApiProperty({ nullable: true, type: String, enum: BILLING_STATUSES, description: `${PSA}under-billed, over-billed or billed` }) billingStatus: BillingStatus | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: `${PSA}quantity-weighted monthly unit price of the billed additions (QUARTERLY / 3, ANNUAL / 12), rounded to the cent; null: nothing billed with a price` }) billedUnitPriceMonthly: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: `${PSA}an under-billed line's billedVariance x billedUnitPriceMonthly; 0 on any other line; null when the gap has no price` }) underBilled: MoneyDto | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}seats of this line's under-billed gap when it has no price` }) unpricedUnderBilledSeats: number | null;
}

export class ClientRowResponseDto {
  @ApiProperty({ description: 'PanelOne organization id' }) clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) pax8CompanyId: string | null;
  @ApiProperty({ description: 'Billable devices' }) devices: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Licences of the headline line (0 without any per-device line; null when unmapped)' }) licenses: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Variance of the headline line (devices - licenses); null when unmapped' }) variance: number | null;
  @ApiProperty({ enum: CLIENT_STATUSES }) status: ClientStatus;
  @ApiProperty({ nullable: true, type: String, description: 'The product whose line licenses and variance stand for' }) headlineProductId: string | null;
  @ApiProperty({ nullable: true, type: String }) headlineProductName: string | null;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the open lines\' revenue at risk (accepted ones apart)' }) revenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the open lines\' overspend (accepted ones apart)' }) overspend: MoneyDto;
  @ApiProperty({ description: 'Seats of gaps without a price (a mapped client without any per-device line: its devices)' }) unpricedSeats: number;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the accepted lines\' revenue at risk (apart from revenueAtRisk)' }) acceptedRevenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Sum of the accepted lines\' overspend (apart from overspend)' }) acceptedOverspend: MoneyDto;
  @ApiProperty({ description: 'Seats of accepted gaps without a price' }) acceptedUnpricedSeats: number;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Signed sum over the product lines (for older callers; never shown)' }) monthlyImpact: MoneyDto | null;
  @ApiProperty({ description: 'Number of per-device product lines' }) lineCount: number;
  @ApiProperty({ type: LineResponseDto, isArray: true }) lines: LineResponseDto[];
  @ApiPropertyOptional({ nullable: true, enum: CLIENT_STATUSES, description: 'In the list: the client\'s status in the complete snapshot before this one (null: not in it, or there is none); differs from status when it changed' })
  previousStatus?: ClientStatus | null;
  @ApiProperty({ nullable: true, type: Number, description: `${PSA}billed of the headline line; null without a line` }) billed: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `${PSA}billedVariance of the headline line` }) billedVariance: number | null;
  @ApiProperty({ nullable: true, type: Number, description: `${PSA}unbilledLicences of the headline line` }) unbilledLicences: number | null;
  @ApiProperty({ nullable: true, enum: BILLING_STATUSES, type: String, description: `${PSA}under-billed if any line is, else over-billed if any is, else billed; null without a line` }) billingStatus: BillingStatus | null;
  @ApiProperty({ nullable: true, type: MoneyDto, description: `${PSA}sum of the lines' underBilled (never netted against over-billed lines)` }) underBilled: MoneyDto | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}seats of under-billed gaps without a price` }) unpricedUnderBilledSeats: number | null;
}

export class ListTotalsDto {
  @ApiProperty({ description: 'Sum of devices over the filtered list (every page)' }) devices: number;
  @ApiProperty({ type: MoneyDto }) revenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto }) overspend: MoneyDto;
  @ApiProperty() unpricedSeats: number;
  @ApiProperty({ nullable: true, type: MoneyDto, description: `${PSA}sum of underBilled over the filtered list` }) underBilled: MoneyDto | null;
}

export class ClientListResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty() latest: boolean;
  @ApiProperty({ type: ClientRowResponseDto, isArray: true }) items: ClientRowResponseDto[];
  @ApiProperty() total: number;
  @ApiProperty({ type: ListTotalsDto }) totals: ListTotalsDto;
}

export class VersionDto {
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ example: 'counting rules changed by user-7' }) reason: string;
  @ApiProperty({ nullable: true, type: String }) createdBy: string | null;
}

export class VersionListResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ type: VersionDto, isArray: true, description: 'Newest first' }) items: VersionDto[];
}

export class ProductReconciliationDto {
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ description: 'Mapped clients with a line of this product' }) clients: number;
  @ApiProperty() devices: number;
  @ApiProperty() licenses: number;
  @ApiProperty({ description: 'Sum of the lines\' variance (under and over net out here; see underSeats/overSeats)' }) variance: number;
  @ApiProperty({ description: 'Seats missing on under-licensed lines' }) underSeats: number;
  @ApiProperty({ description: 'Unused seats on over-licensed lines' }) overSeats: number;
  @ApiProperty({ type: MoneyDto }) revenueAtRisk: MoneyDto;
  @ApiProperty({ type: MoneyDto }) overspend: MoneyDto;
  @ApiProperty() unpricedSeats: number;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}sum of the lines' billed` }) billed: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}seats in use not billed, over the under-billed lines` }) underBilledSeats: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}seats billed not in use, over the over-billed lines` }) overBilledSeats: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}licences paid to Pax8 and not billed (sum of positive unbilledLicences)` }) unbilledLicences: number | null;
  @ApiProperty({ nullable: true, type: MoneyDto, description: `${PSA}sum of the lines' underBilled` }) underBilled: MoneyDto | null;
}

export class ProductReconciliationResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty({ description: 'false: history (an earlier snapshot or version)' }) latest: boolean;
  @ApiProperty({ type: ProductReconciliationDto, isArray: true, description: 'Largest revenue at risk first' }) items: ProductReconciliationDto[];
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

export class TrendLineDto {
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty() licenses: number;
  @ApiProperty() variance: number;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}what the client was billed for this product at that snapshot` }) billed: number | null;
}

export class TrendPointDto {
  @ApiProperty({ format: 'uuid' }) snapshotId: string;
  @ApiProperty() takenAt: string;
  @ApiProperty({ description: 'The version the point shows (the snapshot\'s latest)' }) version: number;
  @ApiProperty() devices: number;
  @ApiProperty({ description: 'The reconciliation was computed with other rules than the point before it' }) rulesChanged: boolean;
  @ApiProperty({ description: 'Why this version was made' }) reason: string;
  @ApiProperty({ type: TrendLineDto, isArray: true, description: 'One per product line, by product name' }) lines: TrendLineDto[];
}

export class ContactDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ type: String, isArray: true }) types: string[];
}

export class ClientLinksDto {
  @ApiProperty({ nullable: true, type: String }) pax8Subscriptions: string | null;
  @ApiProperty({ description: 'The per-client CSV of this reconciliation: absolute under PUBLIC_URL when it is set, else an API path for the widget to fetch with its token' }) billingSnapshot: string;
}

export class ClientDetailResponseDto extends ClientRowResponseDto {
  @ApiProperty({ type: SnapshotRefDto }) snapshot: SnapshotRefDto;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'false: history (an earlier snapshot or version)' }) latest: boolean;
  @ApiProperty({ type: SubscriptionResponseDto, isArray: true }) subscriptions: SubscriptionResponseDto[];
  @ApiProperty({ type: DeviceBreakdownDto }) deviceBreakdown: DeviceBreakdownDto;
  @ApiProperty({ type: TrendPointDto, isArray: true, description: 'One point per complete snapshot, oldest first, up to 24' }) trend: TrendPointDto[];
  @ApiProperty({ type: ContactDto, isArray: true }) contacts: ContactDto[];
  @ApiProperty({ type: ClientLinksDto }) links: ClientLinksDto;
  @ApiProperty() recommendedAction: string;
  // GapDto is declared by the gaps module (a layer above); referenced by name, declared once.
  @ApiProperty({ type: 'array', items: { $ref: getSchemaPath('GapDto') }, description: 'The client\'s gaps as GET /gaps shows them: state, since, exception and latest action' }) gaps: object[];
}

/** Missed billing lists no accepted (or closed) gap: the states of GET /gaps it can show. */
export const MISSED_BILLING_STATES = ['open', 'action-pending', 'action-applied'] as const;
export type MissedBillingState = (typeof MISSED_BILLING_STATES)[number];

export class MissedBillingItemDto {
  @ApiProperty() clientId: string;
  @ApiProperty() clientName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty() devices: number;
  @ApiProperty() licensed: number;
  @ApiProperty({ description: 'devices - licensed' }) gap: number;
  @ApiProperty({ type: MoneyDto, nullable: true }) unitPriceMonthly: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'The gap\'s revenue at risk; null when it has no price' }) monthlyAmount: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'The same as monthlyAmount' }) revenueAtRisk: MoneyDto | null;
  @ApiProperty({ example: 'Increase Pax8 quantity of EDR from 8 to 10, or bill 2 more seats.' }) action: string;
  @ApiProperty({ description: 'Taken-at of the first snapshot of the consecutive run with this gap' }) since: string;
  @ApiProperty({ description: 'Number of consecutive snapshots with this gap' }) snapshots: number;
  @ApiProperty({ enum: MISSED_BILLING_STATES, description: 'The gap\'s state as GET /gaps shows it: action-pending while a Pax8 fix waits or runs, action-applied once applied (until a later snapshot confirms it)' }) state: MissedBillingState;
  @ApiProperty({ allOf: [{ $ref: getSchemaPath('GapActionDto') }], nullable: true, description: 'The gap\'s latest action item, as GET /gaps shows it (actions[0]); null: none' }) latestAction: object | null;
  @ApiProperty({ type: String, nullable: true, enum: ['under-licensed', 'under-billed'], description: `${PSA}which gap this is: licences short of devices, or billing short of devices (under-billed gaps first: they are the money)` }) kind: string | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}billed seats of the line` }) billed: number | null;
  @ApiProperty({ type: Number, nullable: true, description: `${PSA}devices - billed` }) billedVariance: number | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: `${PSA}the line's underBilled; null when it has no billed price` }) underBilled: MoneyDto | null;
}

export class MissedBillingResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty({ type: MissedBillingItemDto, isArray: true }) items: MissedBillingItemDto[];
  @ApiProperty() total: number;
}
