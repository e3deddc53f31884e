import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength,
  Min, ValidateIf, ValidateNested, registerDecorator, type ValidationOptions,
} from 'class-validator';
import { validateCronExpression } from 'cron';
import { DEVICE_CLASSES } from '../rules.js';

/** A five-field cron expression (minute hour day-of-month month day-of-week) that the `cron` package accepts. */
function IsCronExpression(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCronExpression', target: target.constructor, propertyName, options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim().split(/\s+/).length === 5 && validateCronExpression(value.trim()).valid,
        defaultMessage: () => `${propertyName} must be a valid five-field cron expression (minute hour day-of-month month day-of-week)`,
      },
    });
}

/** An IANA time zone name this runtime knows (e.g. Europe/Berlin). */
function IsIanaTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone', target: target.constructor, propertyName, options,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !value || value.length > 64) return false;
          try {
            new Intl.DateTimeFormat('en', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () => `${propertyName} must be an IANA time zone such as Europe/Berlin`,
      },
    });
}

const RETENTION = 'Device rows of snapshots are kept for this many months after the current one (null: for ever); the worker deletes older ones. Per-client counts and reconciliations are kept for ever.';

export class ScheduleDto {
  @ApiProperty({ example: '0 2 1 * *' })
  @IsCronExpression()
  cron: string;

  @ApiProperty({ example: 'UTC' })
  @IsIanaTimeZone()
  timeZone: string;

  @ApiProperty()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled: boolean;
}

export class UpdateScheduleDto {
  @ApiPropertyOptional({ example: '0 2 1 * *' })
  @IsOptional() @IsCronExpression()
  cron?: string;

  @ApiPropertyOptional({ example: 'UTC' })
  @IsOptional() @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** What decides which devices count and which subscriptions are licences (also frozen into each snapshot). */
export class CountingRulesDto {
  @ApiProperty({ minimum: 1, maximum: 3650 }) staleDays: number;
  @ApiProperty({ enum: DEVICE_CLASSES, isArray: true }) countedClasses: string[];
  @ApiProperty({ example: ['Active'] }) licensedStatuses: string[];
  @ApiProperty({ minimum: 0 }) matchedTolerance: number;
}

export class PsaBillingDto {
  @ApiProperty({ description: 'PanelOne PSA agreements as the third column (billed); off: nothing synced or shown' })
  @IsBoolean({ message: 'psaBilling.enabled must be true or false' })
  enabled: boolean;
}

export class SettingsDto extends CountingRulesDto {
  @ApiProperty({ type: ScheduleDto }) schedule: ScheduleDto;
  @ApiProperty({ nullable: true, type: String, description: 'The MSP\'s name on its reports (the QBR report); null: the tenant id is shown' }) displayName: string | null;
  @ApiProperty({ minimum: 0, description: 'Seats an action item may change (up or down) before its approval needs confirmLarge' }) maxSeatChange: number;
  @ApiProperty({ minimum: 0, description: 'USD a month an action item may add (partner cost) before its approval needs confirmLarge' }) maxMonthlyIncrease: number;
  @ApiProperty({ description: 'The approver of an action must be another person than its proposer' }) requireSecondApprover: boolean;
  @ApiProperty({ type: PsaBillingDto }) psaBilling: PsaBillingDto;
  @ApiProperty({ nullable: true, type: Number, minimum: 1, maximum: 1200, description: RETENTION }) retentionMonths: number | null;
}

/** Every field optional: what is sent is changed, the rest kept. One bad field refuses the whole request. */
export class UpdateSettingsDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @IsOptional() @IsInt({ message: 'staleDays must be an integer' }) @Min(1) @Max(3650)
  staleDays?: number;

  @ApiPropertyOptional({ enum: DEVICE_CLASSES, isArray: true })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayUnique()
  @IsIn(DEVICE_CLASSES, { each: true, message: `countedClasses must each be one of: ${DEVICE_CLASSES.join(', ')}` })
  countedClasses?: string[];

  @ApiPropertyOptional({ example: ['Active'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique()
  @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  @Matches(/\S/, { each: true, message: 'licensedStatuses must each be a non-empty status name' })
  licensedStatuses?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 1000000 })
  @IsOptional() @IsInt({ message: 'matchedTolerance must be an integer' }) @Min(0) @Max(1_000_000)
  matchedTolerance?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional() @IsInt({ message: 'maxSeatChange must be an integer' }) @Min(0) @Max(100_000)
  maxSeatChange?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000000, description: 'USD a month, to the cent' })
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, { message: 'maxMonthlyIncrease must be an amount with at most 2 decimals' }) @Min(0) @Max(10_000_000)
  maxMonthlyIncrease?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean({ message: 'requireSecondApprover must be true or false' })
  requireSecondApprover?: boolean;

  @ApiPropertyOptional({ type: UpdateScheduleDto })
  @IsOptional() @ValidateNested() @Type(() => UpdateScheduleDto)
  schedule?: UpdateScheduleDto;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200, description: 'The MSP\'s name on its reports; null clears it', example: 'Northwind IT' })
  @ValidateIf((o: UpdateSettingsDto) => o.displayName !== undefined && o.displayName !== null)
  @IsString({ message: 'displayName must be a text or null' }) @MaxLength(200) @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName?: string | null;
  @ApiPropertyOptional({ type: PsaBillingDto })
  @IsOptional() @ValidateNested() @Type(() => PsaBillingDto)
  psaBilling?: PsaBillingDto;
  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 1200, description: `${RETENTION} Send null to keep them for ever.` })
  @IsOptional() @IsInt({ message: 'retentionMonths must be an integer number of months, or null' }) @Min(1) @Max(1200)
  retentionMonths?: number | null;
}
