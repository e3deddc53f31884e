// One error shape for every failure: { statusCode, error, message, correlationId }.
// Unknown errors become a 500 that leaks nothing; a lost database becomes a 503.
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, STATUS_BY_CODE } from './errors.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  correlationId: string;
}

// PostgreSQL connection-level failures: the server is down, restarting, or refusing us.
const DB_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; driverError?: { code?: string } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  if (code && DB_UNAVAILABLE_CODES.has(code)) return true;
  const message = e?.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(message);
}

// Text PostgreSQL cannot store (a NUL byte, an invalid sequence) that came in with the request.
const DB_UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function isUnstorableText(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return !!code && DB_UNSTORABLE_TEXT_CODES.has(code);
}

export function correlationIdOf(req: Request): string {
  return String((req as Request & { id?: unknown }).id ?? '');
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

export function toErrorBody(exception: unknown, correlationId: string, logger?: Logger): ErrorBody {
  let statusCode: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let message = 'Internal server error';
  const parserError = isBodyParserError(exception) ? exception
    : exception instanceof HttpException && isBodyParserError(exception.cause) ? exception.cause : null;
  if (parserError) {
    statusCode = parserError.status;
    message = parserError.type === 'entity.parse.failed' ? 'Request body is not valid JSON'
      : parserError.type === 'entity.too.large' ? 'Request body is too large'
      : parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported' ? 'Unsupported request body encoding'
      : 'Malformed request body';
  } else if (exception instanceof DomainError) {
    statusCode = STATUS_BY_CODE[exception.code];
    message = exception.message;
  } else if (exception instanceof HttpException) {
    statusCode = exception.getStatus();
    message = messageOf(exception);
  } else if (isUnstorableText(exception)) {
    statusCode = HttpStatus.BAD_REQUEST;
    message = 'The request contains characters that are not allowed (such as NUL)';
  } else if (isDatabaseUnavailable(exception)) {
    statusCode = HttpStatus.SERVICE_UNAVAILABLE;
    message = 'The database is unavailable; try again shortly';
  }
  if (statusCode >= 500) logger?.error({ err: exception, correlationId }, 'request failed');
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, correlationId };
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  const x = e as { status?: unknown; type?: unknown } | undefined;
  return typeof x?.status === 'number' && x.status >= 400 && x.status < 500 && typeof x.type === 'string';
}

@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = toErrorBody(exception, correlationIdOf(req), this.logger);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}
