import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery, ValidateEnum } from '../../common/validation.js';
import { SnapshotRefDto } from '../../snapshots/dto/snapshot.dto.js';
import { MoneyDto, SnapshotSelectQuery } from '../../reconciliation/dto/reconciliation.dto.js';
import { EXCEPTION_REASONS, type ExceptionReason } from '../../reconciliation/reconcile.js';
import { GapActionDto } from '../../actions/dto/actions.dto.js';

/**
 * A gap's state in the list: the line's own (open, accepted) or, for an open one, its latest
 * action's (action-pending while proposed, approved, applying or scheduled; action-applied
 * until a later snapshot is reconciled); closed: a gap of the previous reconciliation that the
 * latest shows no more.
 */
export const GAP_LIST_STATES = ['open', 'accepted', 'action-pending', 'action-applied', 'closed'] as const;
export type GapListState = (typeof GAP_LIST_STATES)[number];

export class GapListQuery extends IntersectionType(SnapshotSelectQuery, PageQuery) {
  @ValidateEnum(GAP_LIST_STATES, { optional: true })
  state?: GapListState;

  @ApiPropertyOptional({ description: 'PanelOne organization id', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Pax8 product id', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  productId?: string;
}

export class AcceptGapDto {
  @ValidateEnum(EXCEPTION_REASONS)
  reason: ExceptionReason;

  @ApiPropertyOptional({ description: 'Why; required when reason is other', maxLength: 500 })
  @ValidateIf((o: AcceptGapDto) => o.reason === 'other' || o.note !== undefined)
  @IsString({ message: 'note must be a text (required when reason is other)' })
  @IsNotEmpty({ message: 'note must not be empty (required when reason is other)' })
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ description: 'Last day (YYYY-MM-DD, UTC) the exception holds; after today. Absent: no end', example: '2027-03-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'until must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'until must be a real date (YYYY-MM-DD)' })
  until?: string;
}

export class GapExceptionDto {
  @ApiProperty({ enum: EXCEPTION_REASONS }) reason: ExceptionReason;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last day (YYYY-MM-DD, UTC) it holds; null: no end' }) until: string | null;
  @ApiProperty({ description: 'The signed variance that was accepted: the gap reopens when it grows past it or changes sign' }) acceptedVariance: number;
  @ApiProperty({ description: 'Who accepted it' }) by: string;
  @ApiProperty({ description: 'When it was accepted' }) at: string;
}

export class GapMoneyDto {
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'An under-licensed gap\'s amount; 0 on an over-licensed one; null: no price' }) revenueAtRisk: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'An over-licensed gap\'s amount; 0 on an under-licensed one; null: no price' }) overspend: MoneyDto | null;
  @ApiProperty({ description: 'Seats of the gap when it has no price' }) unpricedSeats: number;
}

export class GapBillingDto {
  @ApiProperty({ description: 'Seats the client\'s ACTIVE agreements bill for the product' }) billed: number;
  @ApiProperty({ description: 'devices - billed: positive is under-billed (bill N more seats), negative over-billed' }) billedVariance: number;
  @ApiProperty({ enum: ['under-billed', 'over-billed', 'billed'] }) billingStatus: string;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'Under-billed money a month at the additions\' monthly unit price; 0 when not under-billed; null: no price' }) underBilled: MoneyDto | null;
}

export class GapDto {
  @ApiProperty({ description: 'PanelOne organization id' }) clientId: string;
  @ApiProperty() clientName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ description: 'devices - licenses' }) variance: number;
  @ApiProperty() devices: number;
  @ApiProperty() licenses: number;
  @ApiProperty({ enum: ['under-licensed', 'over-licensed', 'matched'], description: 'The licence side; matched: the line is a gap by its billing only' }) status: string;
  @ApiProperty({ enum: ['licence', 'billing'], isArray: true, description: 'What makes the line a gap: licences (variance other than 0), billing (billedVariance other than 0, with PSA billing), or both' }) kinds: Array<'licence' | 'billing'>;
  @ApiProperty({ type: GapBillingDto, nullable: true, description: 'The line\'s PSA billing figures; null: no PSA data' }) billing: GapBillingDto | null;
  @ApiProperty({ enum: GAP_LIST_STATES }) state: GapListState;
  @ApiProperty({ description: 'Taken-at of the first snapshot of the current run of snapshots with a gap of the same sign' }) since: string;
  @ApiProperty({ type: GapMoneyDto }) money: GapMoneyDto;
  @ApiProperty({ type: GapExceptionDto, nullable: true, description: 'The exception that accepts the gap (state accepted)' }) exception: GapExceptionDto | null;
  @ApiProperty({ type: GapActionDto, isArray: true, description: 'The latest action item on this gap (at most one), with its state and, once a later snapshot is reconciled, its verification' }) actions: GapActionDto[];
  @ApiProperty({ type: SnapshotRefDto, nullable: true, description: 'state closed: the snapshot whose reconciliation shows the gap gone' }) closedBy: SnapshotRefDto | null;
}

export class GapListResponseDto {
  @ApiProperty({ type: SnapshotRefDto, nullable: true }) snapshot: SnapshotRefDto | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty() latest: boolean;
  @ApiProperty({ type: GapDto, isArray: true, description: 'Largest gap first' }) items: GapDto[];
  @ApiProperty() total: number;
}

export class GapExceptionRemovedDto {
  @ApiProperty() clientId: string;
  @ApiProperty() productId: string;
  @ApiProperty({ type: GapDto, nullable: true, description: 'The gap as it stands now (null: the latest reconciliation has no gap there)' }) gap: GapDto | null;
}
