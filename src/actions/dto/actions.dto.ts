import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQuery, ValidateEnum } from '../../common/validation.js';
import { MoneyDto } from '../../reconciliation/dto/reconciliation.dto.js';
import { ACTION_STATES, ACTION_TYPES, MAX_TO_QUANTITY, WARNING_CODES, type ActionState, type ActionType, type WarningCode } from '../action-states.js';

/** Most gaps one proposal may take (one item each). */
export const MAX_GAPS_PER_ACTION = 200;

export class ProposeGapDto {
  @ApiProperty({ description: 'PanelOne organization id', maxLength: 200 })
  @IsString() @IsNotEmpty() @MaxLength(200)
  clientId: string;

  @ApiProperty({ description: 'Pax8 product id', maxLength: 200 })
  @IsString() @IsNotEmpty() @MaxLength(200)
  productId: string;

  @ApiPropertyOptional({ description: 'pax8-quantity: the subscription to change (one of the line\'s counted subscriptions); default: the one with the largest quantity on a monthly term', maxLength: 200 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  subscriptionId?: string;

  @ApiPropertyOptional({ description: 'psa-quantity: the agreement addition to change (one of the client\'s non-cancelled additions on an ACTIVE agreement billing the product); default: the one with the largest quantity', maxLength: 200 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  additionId?: string;

  @ApiPropertyOptional({ description: 'The quantity to set; default: from + the gap\'s variance (psa-quantity: from + billedVariance)', minimum: 0, maximum: MAX_TO_QUANTITY })
  @IsOptional()
  @IsInt({ message: 'toQuantity must be a whole number' })
  @Min(0, { message: 'toQuantity must not be negative' })
  @Max(MAX_TO_QUANTITY, { message: `toQuantity must be at most ${MAX_TO_QUANTITY}` })
  toQuantity?: number;
}

export class ProposeActionDto {
  @ValidateEnum(ACTION_TYPES)
  type: ActionType;

  @ApiProperty({ type: ProposeGapDto, isArray: true, description: `One item per gap, 1 to ${MAX_GAPS_PER_ACTION}; a gap at most once` })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_GAPS_PER_ACTION)
  @ValidateNested({ each: true }) @Type(() => ProposeGapDto)
  gaps: ProposeGapDto[];
}

export class ApproveActionDto {
  @ApiPropertyOptional({ description: 'Required (true) when an item changes more seats than maxSeatChange or adds more Pax8 cost a month than maxMonthlyIncrease (billing money, psa-quantity, is not held by the money cap)' })
  @IsOptional() @IsBoolean({ message: 'confirmLarge must be true or false' })
  confirmLarge?: boolean;
}

export class ActionListQuery extends PageQuery {
  @ValidateEnum(ACTION_STATES, { optional: true })
  state?: ActionState;
}

export class ActionWarningDto {
  @ApiProperty({ enum: WARNING_CODES }) code: WarningCode;
  @ApiProperty({ description: 'In plain words, for the person approving' }) message: string;
}

export class ActionPreviewDto {
  @ApiPropertyOptional({ description: 'pax8-quantity: the Pax8 subscription' }) subscriptionId?: string;
  @ApiPropertyOptional({ description: 'psa-quantity: the PanelOne agreement addition' }) additionId?: string;
  @ApiPropertyOptional({ description: 'psa-quantity: the addition\'s agreement' }) agreementId?: string;
  @ApiPropertyOptional({ description: 'psa-quantity: the agreement\'s name' }) agreementName?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'psa-quantity: the addition\'s description in PanelOne' }) additionDescription?: string | null;
  @ApiProperty() fromQuantity: number;
  @ApiProperty() toQuantity: number;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'What the MSP pays Pax8 more (negative: less) a month: (to - from) x partnerCost; null: no cost known. psa-quantity: 0 (billing a client changes no Pax8 cost)' }) monthlyCostChange: MoneyDto | null;
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'What the client is charged more (negative: less) a month: pax8-quantity at the subscription\'s price; psa-quantity at the addition\'s monthly unit price (QUARTERLY / 3, ANNUAL / 12); null: no price known' }) monthlyPriceChange: MoneyDto | null;
  @ApiProperty({ type: ActionWarningDto, isArray: true }) warnings: ActionWarningDto[];
}

export class ActionOutcomeDto {
  @ApiProperty({ description: 'What happened, in plain words (Pax8\'s refusal, the conflicting quantity, ...)' }) message: string;
}

export class ActionVerificationDto {
  @ApiProperty({ format: 'uuid', description: 'The first complete snapshot reconciled after the item was applied' }) snapshotId: string;
  @ApiProperty() takenAt: string;
  @ApiProperty({ description: 'true: that snapshot shows no gap on the line any more' }) closed: boolean;
  @ApiProperty({ description: 'The line\'s variance in that snapshot (0 when closed)' }) variance: number;
  @ApiProperty({ description: 'e.g. "closed by snapshot of 2026-12-01"' }) message: string;
}

export class ActionItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'PanelOne organization id' }) clientId: string;
  @ApiProperty() clientName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ enum: ACTION_STATES }) state: ActionState;
  @ApiProperty({ type: ActionPreviewDto }) preview: ActionPreviewDto;
  @ApiProperty({ type: ActionOutcomeDto, nullable: true }) outcome: ActionOutcomeDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'state scheduled: when the worker applies it (the subscription\'s renewal)' }) scheduledFor: string | null;
  @ApiProperty({ type: ActionVerificationDto, nullable: true, description: 'state applied: what the next complete snapshot showed; null until one is reconciled' }) verification: ActionVerificationDto | null;
}

export class ActionEventDto {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'A PanelOne user id, an API key, or "worker"' }) by: string;
  @ApiProperty({ enum: ACTION_STATES }) state: ActionState;
  @ApiProperty({ nullable: true, type: String, description: 'The item it is about; null: the whole action' }) itemId: string | null;
  @ApiProperty() message: string;
}

export class ActionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ACTION_TYPES }) type: ActionType;
  @ApiProperty({ enum: ACTION_STATES, description: 'proposed, approved or cancelled while nothing ran; then applying while an item runs, scheduled while one waits for its date, and at the end applied when every item was, else failed or conflict' }) state: ActionState;
  @ApiProperty() proposedBy: string;
  @ApiProperty({ nullable: true, type: String }) approvedBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: ActionItemDto, isArray: true }) items: ActionItemDto[];
  @ApiProperty({ type: ActionEventDto, isArray: true, description: 'Oldest first' }) history: ActionEventDto[];
}

/** One gap's change as POST /actions/preview answers it: what an item would be, before anything is stored. */
export class ActionPreviewItemDto {
  @ApiProperty({ description: 'PanelOne organization id' }) clientId: string;
  @ApiProperty() clientName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ type: ActionPreviewDto }) preview: ActionPreviewDto;
}

export class ActionPreviewResponseDto {
  @ApiProperty({ enum: ACTION_TYPES }) type: ActionType;
  @ApiProperty({ type: ActionPreviewItemDto, isArray: true, description: 'In the order of the body\'s gaps' }) items: ActionPreviewItemDto[];
}

export class ActionListResponseDto {
  @ApiProperty({ type: ActionDto, isArray: true, description: 'Newest first' }) items: ActionDto[];
  @ApiProperty() total: number;
}

/** A gap's latest action item, as GET /gaps and the drill-down show it. */
export class GapActionDto {
  @ApiProperty({ format: 'uuid' }) actionId: string;
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty({ enum: ACTION_TYPES }) type: ActionType;
  @ApiProperty({ enum: ACTION_STATES }) state: ActionState;
  @ApiProperty({ type: ActionPreviewDto }) preview: ActionPreviewDto;
  @ApiProperty({ type: ActionOutcomeDto, nullable: true }) outcome: ActionOutcomeDto | null;
  @ApiProperty({ nullable: true, type: String }) scheduledFor: string | null;
  @ApiProperty({ type: ActionVerificationDto, nullable: true }) verification: ActionVerificationDto | null;
  @ApiProperty() updatedAt: string;
}
