// Structured JSON logs (pino) carrying the request's correlation id; secrets are redacted
// wherever they might appear (headers, bodies, configs, errors, and the URL's query string by
// pattern: see redact.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { redactUrl } from './redact.js';

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  '*.authorization', '*.password', '*.clientSecret', '*.client_secret', '*.apiToken', '*.api_token',
  '*.secret', '*.token', '*.access_token', '*.key', '*.ENCRYPTION_KEY', '*.PANELONE_JWT_SECRET',
  '*.*.clientSecret', '*.*.apiToken', '*.*.client_secret', '*.*.access_token',
];

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's X-Correlation-Id when it is well-formed, else a fresh UUID. */
export function correlationIdFor(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && VALID_ID.test(given) ? given : randomUUID();
}

/** Levels at which pino-http's one line per request ("request completed", info) is written. */
const REQUEST_LOG_LEVELS = new Set(['trace', 'debug', 'info']);

export function loggerParams(level: string): Params {
  return {
    // Above info no request line would be written, so pino-http is not mounted at all: it would
    // still build a redacted child logger per request (about 8% of the API's CPU under load).
    // Errors still carry the correlation id (GlobalExceptionFilter logs it).
    ...(REQUEST_LOG_LEVELS.has(level) ? {} : { forRoutes: [] }),
    pinoHttp: {
      level,
      // Fastify's genReqId has already set raw.id (the correlation id) by the time pino-http runs,
      // and pino-http keeps an existing id; this is only the fallback it would otherwise use.
      genReqId: correlationIdFor,
      customAttributeKeys: { reqId: 'correlationId' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
    },
  };
}
