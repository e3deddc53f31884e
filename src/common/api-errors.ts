// The error answers of the API in its OpenAPI document: every operation can fail with the one
// error shape GlobalExceptionFilter writes, so each operation lists those statuses with it.
import { ApiProperty } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

export class ErrorDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ example: 'Snapshot not found' }) message: string;
  @ApiProperty({ description: 'The request id (the caller\'s X-Correlation-Id when well-formed, else a UUID), as in the log lines' }) correlationId: string;
}

/** What the filter, the guards, the body parser and request hygiene answer with, besides 2xx. */
export const ERROR_STATUSES = [400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 503] as const;

const WHY: Record<number, string> = {
  400: 'The request is malformed or fails validation',
  401: 'No valid context token or API key',
  403: 'The role or scope does not allow this',
  404: 'The resource (or snapshot) does not exist for this tenant',
  409: 'Conflicts with the current state (e.g. a run already in progress)',
  410: 'The data existed but was deleted (e.g. device rows past the retention setting)',
  413: 'The request body is too large',
  415: 'The request body is not JSON',
  429: 'Too many requests; retry after the Retry-After header',
  500: 'An unexpected error (nothing internal is disclosed)',
  503: 'The database is unavailable; retry',
};

/** Adds ErrorDto and the error responses to every operation of the document (in place). */
export function documentErrorResponses(document: OpenAPIObject, errorSchemaName = ErrorDto.name): OpenAPIObject {
  const ref = { $ref: `#/components/schemas/${errorSchemaName}` };
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = path[method];
      if (!operation) continue;
      for (const status of ERROR_STATUSES) {
        operation.responses[status] ??= { description: `${STATUS_CODES[status]}: ${WHY[status]}`, content: { 'application/json': { schema: ref } } };
      }
    }
  }
  return document;
}
