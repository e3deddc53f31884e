// Refuses, before any route runs, input no route can accept: a NUL character anywhere in the
// URL (PostgreSQL cannot store it, and a streaming export would fail after its headers), and a
// request body that is not JSON (every route with a body takes JSON; others take none).
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export function requestHygieneMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (/%00|\u0000/.test(req.url)) {
    next(new BadRequestException('The URL contains a NUL character'));
    return;
  }
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && type !== 'application/json' && !type.endsWith('+json')) {
    next(new UnsupportedMediaTypeException('Request body must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
}
