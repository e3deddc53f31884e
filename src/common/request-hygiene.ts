// Refuses input no route can accept.
//  - Before any route runs (an onRequest hook): a NUL character anywhere in the URL (PostgreSQL
//    cannot store it, and a streaming export would fail after its headers), an OPTIONS request
//    that is no complete preflight, and a request body that is not JSON (every route with a
//    body takes JSON; others take none).
//  - After authentication (the last global guard, so 401/403 come first as for every other bad input):
//    a body on a GET or HEAD. Fastify would silently ignore it; a caller sending one has made a
//    mistake worth telling them about.
import { BadRequestException, Injectable, UnsupportedMediaTypeException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

function hasBody(raw: IncomingMessage): boolean {
  return Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
}

/** Run in an onRequest hook; what it throws reaches the global exception filter. */
export function checkRequestHygiene(request: FastifyRequest): void {
  const raw = request.raw;
  if (/%00|\u0000/.test(raw.url ?? '')) {
    throw new BadRequestException('The URL contains a NUL character');
  }
  // The CORS plugin would answer this itself, in text/plain, outside the error shape.
  if (raw.method === 'OPTIONS' && (!raw.headers.origin || !raw.headers['access-control-request-method'])) {
    throw new BadRequestException('An OPTIONS request is a CORS preflight: it needs Origin and Access-Control-Request-Method');
  }
  if (!hasBody(raw)) return;
  const type = String(raw.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new UnsupportedMediaTypeException('Request body must be JSON (Content-Type: application/json)');
  }
}

/** A guard rather than an interceptor: interceptors wrap every handler in rxjs (8% of CPU). */
@Injectable()
export class NoBodyOnReadsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() === 'http') {
      const raw = context.switchToHttp().getRequest<FastifyRequest>().raw;
      if ((raw.method === 'GET' || raw.method === 'HEAD') && hasBody(raw)) {
        throw new BadRequestException(`A ${raw.method} request takes no body`);
      }
    }
    return true;
  }
}
