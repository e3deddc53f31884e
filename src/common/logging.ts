// Structured JSON logs (pino) carrying the request's correlation id; secrets are redacted
// wherever they might appear (headers, bodies, configs, errors).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  '*.authorization', '*.password', '*.clientSecret', '*.client_secret', '*.apiToken', '*.api_token',
  '*.secret', '*.token', '*.access_token', '*.key', '*.ENCRYPTION_KEY', '*.PANELONE_JWT_SECRET',
  '*.*.clientSecret', '*.*.apiToken', '*.*.client_secret', '*.*.access_token',
];

const CORRELATION_HEADER = 'x-correlation-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Express middleware mounted first, so even a body-parser failure carries the id. */
export function correlationIdMiddleware(req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void {
  req.id = correlationId(req, res);
  next();
}

export function correlationId(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as { id?: unknown }).id;
  if (typeof existing === 'string' && existing) return existing;
  const given = req.headers[CORRELATION_HEADER];
  const id = typeof given === 'string' && VALID_ID.test(given) ? given : randomUUID();
  res.setHeader(CORRELATION_HEADER, id);
  return id;
}

export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
      level,
      genReqId: correlationId,
      customAttributeKeys: { reqId: 'correlationId' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&](token|key|secret)=)[^&]*/gi, '$1[redacted]') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
    },
  };
}
