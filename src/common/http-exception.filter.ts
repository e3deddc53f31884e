// One error shape for every failure: { statusCode, error, message, correlationId }.
// Unknown errors become a 500 that leaks nothing; a lost database becomes a 503.
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

export function correlationIdOf(req: FastifyRequest): string {
  return String(req.id ?? '');
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
  const requestError = isRequestError(exception) ? exception
    : exception instanceof HttpException && isRequestError(exception.cause) ? exception.cause : null;
  if (requestError) {
    statusCode = requestError.statusCode;
    message = REQUEST_ERROR_MESSAGES[requestError.code ?? ''] ?? (requestError instanceof SyntaxError ? 'Request body is not valid JSON' : 'Malformed request');
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

// What Fastify refuses while reading a request (body parsing, limits), in plain words.
const REQUEST_ERROR_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty; send JSON or no Content-Type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Request body must be JSON (Content-Type: application/json)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body length does not match Content-Length',
  FST_ERR_CTP_INVALID_TYPE: 'Content-Type must be a string',
  FST_ERR_CTP_EMPTY_TYPE: 'Content-Type is empty',
  FST_ERR_BAD_URL: 'Malformed URL',
  B1R_JSON_TOO_DEEP: 'Request body is nested too deeply (more than 32 levels)',
};

/** An error Fastify (or the JSON parser under it) raised about the request itself: always a 4xx. */
function isRequestError(e: unknown): e is Error & { statusCode: number; code?: string } {
  const x = e as { statusCode?: unknown } | undefined;
  return e instanceof Error && !(e instanceof HttpException) && typeof x?.statusCode === 'number' && x.statusCode >= 400 && x.statusCode < 500;
}

@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const body = toErrorBody(exception, correlationIdOf(req), this.logger);
    const raw = reply.raw;
    if (raw.headersSent) {
      // A streamed download failed after its headers: cut the connection so the client sees
      // an incomplete transfer rather than a file that merely looks short.
      raw.destroy();
      return;
    }
    if (reply.sent) {
      // A download took the response over (startDownload) but failed before its first byte.
      raw.removeHeader('Content-Disposition');
      raw.statusCode = body.statusCode;
      raw.setHeader('Content-Type', 'application/json; charset=utf-8');
      raw.end(JSON.stringify(body));
      return;
    }
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
