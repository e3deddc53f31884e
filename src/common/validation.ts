// The one global ValidationPipe and a few composed decorators, so every route validates alike:
// unknown fields are refused, and a 400 names each bad field and why.
import { applyDecorators, BadRequestException, Param, ParseUUIDPipe, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(new RegExp(`^${e.property}\\b`), path));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * The ValidationPipe, remembering what it made of each query string. A query DTO is a pure
 * function of its query string (strings in, typed values out, no I/O), and dashboards repeat the
 * same few queries, so each valid one is transformed and validated once and the frozen result is
 * shared. Bodies and path parameters are always validated afresh. Measured: validating
 * `?status=under-licensed&sort=monthlyImpact&order=desc` was 17% of the API's CPU on the
 * cached client list.
 */
class QueryMemoValidationPipe extends ValidationPipe {
  private readonly queries = new LRUCache<string, object>({ max: 2_000, maxSize: 4 * 1024 * 1024, sizeCalculation: (_, key) => key.length });
  private readonly classIds = new Map<object, number>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type === 'body' && type && value && typeof value === 'object') refuseReservedKeys(value);
    if (metadata.type !== 'query' || !type || !value || typeof value !== 'object') return super.transform(value, metadata);
    let classId = this.classIds.get(type);
    if (classId === undefined) this.classIds.set(type, (classId = this.classIds.size + 1));
    const key = `${classId}\u0000${JSON.stringify(value)}`;
    const known = this.queries.get(key);
    if (known) return known;
    refuseReservedKeys(value); // on a miss only: a refused query is never stored, so hits need no check
    const result = await super.transform(value, metadata);
    if (result && typeof result === 'object') {
      for (const field of Object.values(result)) if (field && typeof field === 'object') Object.freeze(field);
      this.queries.set(key, Object.freeze(result));
    }
    return result;
  }
}

/**
 * `constructor`, `__proto__`, `toString` and the other names Object.prototype has are dropped by
 * class-transformer before whitelisting sees them, so they would pass silently where every
 * other unknown key is a 400.
 */
function refuseReservedKeys(value: object): void {
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'prototype' || Object.prototype.hasOwnProperty.call(Object.prototype, key)) {
      throw new BadRequestException(`property ${key} should not exist`);
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new QueryMemoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ') || 'Invalid request'),
  });
}

export const ValidateUuid = (options: { optional?: boolean } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ format: 'uuid' }) : ApiProperty({ format: 'uuid' }),
    ...(options.optional ? [IsOptional()] : []),
    IsUUID('all', { message: ({ property }) => `${property} must be a UUID` }),
  );

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const ValidateBoolean = (options: { optional?: boolean } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ type: Boolean }) : ApiProperty({ type: Boolean }),
    ...(options.optional ? [IsOptional()] : []),
    Transform(toBoolean),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );

export const ValidateEnum = (values: readonly string[], options: { optional?: boolean } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ enum: values }) : ApiProperty({ enum: values }),
    ...(options.optional ? [IsOptional()] : []),
    IsIn(values, { message: ({ property }) => `${property} must be one of: ${values.join(', ')}` }),
  );

/** Paging: limit 1..max (default given), offset >= 0. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'offset must be an integer' }) @Min(0) @Max(10_000_000)
  offset: number = 0;
}

/** A path parameter that must be a UUID; anything else is a 400 naming it. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) }));
