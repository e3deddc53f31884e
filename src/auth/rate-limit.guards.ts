// Rate limiting, per IP address before authentication (so credential guessing is limited
// too) and per tenant after it (so one tenant's scripts cannot starve the others).
//
// Built on rate-limiter-flexible rather than @nestjs/throttler: throttler 6.7 ships as
// CommonJS that require()s the ESM-only @nestjs/common 12, which Jest 30 cannot load on
// Node 20 (require(esm) inside Jest needs Node 24.9+), so no test could exercise it.
// Counters live in each replica's memory: behind N replicas the effective limit is up to N
// times higher, acceptable for abuse protection and free of a database write per request.
import { HttpException, HttpStatus, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Principal } from './principal.js';
import { routeMetadata } from './route-metadata.js';

const SKIP_KEY = 'b1r:skip-rate-limit';
/** Exempts a route (health checks) from rate limiting. */
export const SkipRateLimit = () => SetMetadata(SKIP_KEY, true);

abstract class RateLimitGuard implements CanActivate {
  protected abstract readonly limiter: RateLimiterMemory;
  protected abstract key(req: FastifyRequest & { principal?: Principal }): string | null;

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (routeMetadata<boolean>(this.reflector, SKIP_KEY, context)) return true;
    const http = context.switchToHttp();
    const key = this.key(http.getRequest());
    if (key === null) return true;
    try {
      await this.limiter.consume(key);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      void http.getResponse<FastifyReply>().header('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
      throw new HttpException('Too many requests; slow down and retry shortly', HttpStatus.TOO_MANY_REQUESTS);
    }
  }
}

@Injectable()
export class IpRateLimitGuard extends RateLimitGuard {
  protected readonly limiter: RateLimiterMemory;

  constructor(reflector: Reflector, @Inject(APP_CONFIG) config: AppConfig) {
    super(reflector);
    this.limiter = new RateLimiterMemory({ keyPrefix: 'ip', points: config.RATE_LIMIT_PER_IP_PER_MINUTE, duration: 60 });
  }

  protected key(req: FastifyRequest): string {
    return req.ip || 'unknown';
  }
}

@Injectable()
export class TenantRateLimitGuard extends RateLimitGuard {
  protected readonly limiter: RateLimiterMemory;

  constructor(reflector: Reflector, @Inject(APP_CONFIG) config: AppConfig) {
    super(reflector);
    this.limiter = new RateLimiterMemory({ keyPrefix: 'tenant', points: config.RATE_LIMIT_PER_MINUTE, duration: 60 });
  }

  protected key(req: FastifyRequest & { principal?: Principal }): string | null {
    return req.principal?.tenantId ?? null;
  }
}
