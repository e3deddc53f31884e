// Refuses, before any route runs, input no route can accept: a NUL character anywhere in the
// URL (PostgreSQL cannot store it, and a streaming export would fail after its headers), and a
// request body that is not JSON (every route with a body takes JSON; others take none), and a
// body on a GET or HEAD (Fastify would ignore it; a caller sending one has made a mistake).
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A Fastify onRequest hook; what it throws reaches the global exception filter. */
export async function requestHygieneHook(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (/%00|\u0000/.test(raw.url ?? '')) {
    throw new BadRequestException('The URL contains a NUL character');
  }
  const hasBody = Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  if (raw.method === 'GET' || raw.method === 'HEAD') {
    throw new BadRequestException(`A ${raw.method} request takes no body`);
  }
  const type = String(raw.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new UnsupportedMediaTypeException('Request body must be JSON (Content-Type: application/json)');
  }
}
