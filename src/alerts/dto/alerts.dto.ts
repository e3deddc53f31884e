import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested,
} from 'class-validator';
import { PageQuery, ValidateEnum, ValidateUuid } from '../../common/validation.js';

export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const ALERT_EVENTS = ['gaps.changed', 'test'] as const;
export const MAX_CHANNELS = 20;

/** One channel of the set PUT /alerts/channels stores: with an id, that channel changed; without, a new one. */
export class AlertChannelInputDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing channel (omit for a new one)' })
  @IsOptional() @IsUUID('all', { message: 'id must be a UUID' })
  id?: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS, { message: `kind must be one of: ${CHANNEL_KINDS.join(', ')}` })
  kind: ChannelKind;

  @ApiProperty({ example: 'Billing team' })
  @IsString() @Length(1, 100)
  name: string;

  @ApiProperty()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled: boolean;

  @ApiPropertyOptional({ description: 'Webhook: where alerts are POSTed (https; checked against the outbound policy)', example: 'https://hooks.example.com/b1r' })
  @IsOptional() @IsString() @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'Webhook: the HMAC signing secret (16-200 characters). Write-only; omit to keep the stored one. Required for a new webhook and when its host changes.' })
  @IsOptional() @IsString() @Length(16, 200, { message: 'secret must be 16 to 200 characters' })
  secret?: string;

  @ApiPropertyOptional({ type: String, isArray: true, description: 'Email: 1-20 recipients', example: ['billing@msp.example'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsEmail({}, { each: true, message: 'each recipient must be an email address' })
  recipients?: string[];
}

export class AlertChannelsBodyDto {
  @ApiProperty({ type: AlertChannelInputDto, isArray: true, description: `The whole set (up to ${MAX_CHANNELS}); a stored channel left out is deleted` })
  @IsArray() @ArrayMaxSize(MAX_CHANNELS) @ValidateNested({ each: true }) @Type(() => AlertChannelInputDto)
  channels: AlertChannelInputDto[];
}

export class AlertChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) kind: ChannelKind;
  @ApiProperty() name: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ description: 'Whether a signing secret is stored (it is never returned)' }) secretSet: boolean;
  @ApiProperty({ type: String, isArray: true }) recipients: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class AlertChannelsResponseDto {
  @ApiProperty({ type: AlertChannelDto, isArray: true }) items: AlertChannelDto[];
  @ApiProperty({ description: 'Whether SMTP_URL is set (without it email channels send nothing)' }) emailAvailable: boolean;
}

export class ChannelTestResultDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ example: 'HTTP 200' }) message: string;
  @ApiProperty({ nullable: true, type: Number }) statusCode: number | null;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ format: 'uuid', description: 'The test delivery, in the log' }) deliveryId: string;
}

export class DeliveriesQuery extends PageQuery {
  @ValidateUuid({ optional: true })
  channelId?: string;

  @ValidateEnum(DELIVERY_STATUSES, { optional: true })
  status?: DeliveryStatus;
}

export class DeliveryAttemptDto {
  @ApiProperty() attempt: number;
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: Number, description: 'HTTP status (webhook) or SMTP reply code; null when no answer came' }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Short, with anything secret-looking removed' }) error: string | null;
  @ApiProperty() durationMs: number;
}

export class DeliverySummaryDto {
  @ApiProperty() new: number;
  @ApiProperty() worsened: number;
  @ApiProperty() closed: number;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also the X-B1R-Delivery header' }) id: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty() channelName: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) kind: ChannelKind;
  @ApiProperty({ enum: ALERT_EVENTS }) event: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the next attempt is due (pending only)' }) nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) snapshotId: string | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty({ type: DeliverySummaryDto, nullable: true }) summary: DeliverySummaryDto | null;
  @ApiProperty({ type: DeliveryAttemptDto, isArray: true, description: 'Every attempt, first first' }) log: DeliveryAttemptDto[];
}

export class DeliveryListDto {
  @ApiProperty({ type: DeliveryDto, isArray: true, description: 'Newest first' }) items: DeliveryDto[];
  @ApiProperty() total: number;
}
