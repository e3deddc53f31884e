import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isISO8601, IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { PageQuery } from '../../common/validation.js';
import { ACTOR_ROLES } from '../actor.js';
import { AUDIT_TYPES } from '../audit-types.js';

// A date, or a date-time with its zone: a time without one would be read in the server's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A real calendar date or date-time (strict: no 2025-02-30) in the form above. */
const IsInstant = () => ValidateBy({
  name: 'isInstant',
  validator: {
    validate: (value: unknown) => typeof value === 'string' && INSTANT.test(value) && isISO8601(value, { strict: true }),
    defaultMessage: (args) => `${args?.property} must be an ISO 8601 date (2025-01-31) or date-time with a zone (2025-01-31T12:00:00Z)`,
  },
});

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'PanelOne organization id' })
  @IsOptional() @IsString() @Length(1, 200)
  clientId?: string;

  @ApiPropertyOptional({ description: `An entry type (${AUDIT_TYPES.join(', ')}), or a prefix ending with a dot: settings.`, example: 'settings.' })
  @IsOptional() @IsString() @Length(1, 100)
  @Matches(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/, { message: 'type must be an entry type such as mapping.changed, or a prefix ending with a dot such as settings.' })
  type?: string;

  @ApiPropertyOptional({ description: 'Entries at or after this instant', example: '2025-01-01' })
  @IsOptional() @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Entries at or before this instant; a date alone includes that whole day (UTC)', example: '2025-01-31' })
  @IsOptional() @IsInstant()
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'PanelOne user id, or api-key:<id>' }) actor: string;
  @ApiProperty({ enum: ACTOR_ROLES }) actorRole: string;
  @ApiProperty({ example: 'mapping.changed', description: `One of ${AUDIT_TYPES.join(', ')} (more kinds may be added)` }) type: string;
  @ApiProperty({ nullable: true, type: String, description: 'The PanelOne organization the change is about, if any' }) clientId: string | null;
  @ApiProperty({ description: 'What changed: organization, product or API key id, integration kind, rules or schedule' }) subject: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The state before (null: it did not exist)' }) before: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The state after; secrets only as secretChanged' }) after: Record<string, unknown> | null;
}

export class AuditListDto {
  @ApiProperty({ type: AuditEntryDto, isArray: true }) items: AuditEntryDto[];
  @ApiProperty() total: number;
}
