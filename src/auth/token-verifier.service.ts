// Verifies PanelOne context tokens: HS256 with the shared secret, or RS256 with PanelOne's JWKS.
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { isValidTenantId } from '../tenants/tenant-id.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** PanelOne never issues tokens valid longer than this; a longer one is refused. */
const MAX_LIFETIME_SECONDS = 15 * 60;
const CLOCK_TOLERANCE_SECONDS = 30;
/** Verified tokens remembered (the widget sends the same token on every call until it renews it). */
const VERIFIED_CACHE_LIMIT = 10_000;

@Injectable()
export class TokenVerifierService {
  private readonly key: Uint8Array | ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];
  /** token → its principal and the second past which jwtVerify would refuse it (exp + tolerance). */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.PANELONE_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.PANELONE_JWKS_URL), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
      this.algorithms = ['RS256'];
    } else {
      this.key = new TextEncoder().encode(config.PANELONE_JWT_SECRET);
      this.algorithms = ['HS256'];
    }
  }

  /**
   * A token already verified is answered from memory until it expires: the signature check
   * (WebCrypto, a thread-pool round trip) is the costliest step of a cheap read.
   */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      if (Math.floor(Date.now() / 1000) <= known.until) return { ...known.principal, roles: [...known.principal.roles], scopes: [] };
      this.verified.delete(token);
    }
    const principal = await this.verifyFully(token);
    if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
    this.verified.set(token, { principal, until: this.expiry(token) });
    return principal;
  }

  private expiry(token: string): number {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
    return payload.exp + CLOCK_TOLERANCE_SECONDS;
  }

  private async verifyFully(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, this.key as Uint8Array, {
        issuer: this.config.PANELONE_JWT_ISSUER,
        audience: this.config.PANELONE_JWT_AUDIENCE,
        algorithms: this.algorithms,
        requiredClaims: ['exp', 'sub', 'tid', 'roles'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      payload = verified.payload;
    } catch (err) {
      const reason = err instanceof joseErrors.JWTExpired ? 'Context token expired' : 'Invalid context token';
      throw new DomainError(ErrorCode.Unauthorized, reason);
    }
    const now = Math.floor(Date.now() / 1000);
    if ((payload.exp ?? 0) > now + MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
      throw new DomainError(ErrorCode.Unauthorized, 'Context token lives longer than 15 minutes');
    }
    const { tid, roles, sub } = payload as JWTPayload & { tid?: unknown; roles?: unknown };
    if (!isValidTenantId(tid)) {
      throw new DomainError(ErrorCode.Unauthorized, 'Context token has no valid tenant (tid: 1-64 characters of A-Z a-z 0-9 . _ -)');
    }
    // jose checks iat only for being a number: a token "issued" in the future is no PanelOne token.
    if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_TOLERANCE_SECONDS) {
      throw new DomainError(ErrorCode.Unauthorized, 'Context token is issued in the future');
    }
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) {
      throw new DomainError(ErrorCode.Unauthorized, 'Context token roles must be a non-empty subset of admin, technician, viewer');
    }
    return { tenantId: tid, subject: String(sub), kind: 'user', roles: roles as Role[], scopes: [] };
  }
}
