// The one global ValidationPipe and a few composed decorators, so every route validates alike:
// unknown fields are refused, and a 400 names each bad field and why.
import { applyDecorators, BadRequestException, Param, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
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

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
