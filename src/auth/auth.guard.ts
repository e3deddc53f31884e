// Authenticates every /api/v1 route (unless @Public) and enforces its @Access rule:
// 401 for a missing or bad credential, 403 for a role or scope that is not enough.
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../common/errors.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { ApiKeysService } from './api-keys.service.js';
import { ACCESS_KEY, allows, PUBLIC_KEY, type AccessRule, type Principal } from './principal.js';
import { routeMetadata } from './route-metadata.js';
import { TokenVerifierService } from './token-verifier.service.js';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenVerifierService,
    private readonly apiKeys: ApiKeysService,
    private readonly tenants: TenantsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (routeMetadata<boolean>(this.reflector, PUBLIC_KEY, context)) return true;
    const rule = routeMetadata<AccessRule>(this.reflector, ACCESS_KEY, context);
    // A route without a declared rule is a programming error; refuse rather than expose it.
    if (!rule) throw new DomainError(ErrorCode.Forbidden, 'This route has no access rule');

    const req = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new DomainError(ErrorCode.Unauthorized, 'Missing bearer credential');
    const credential = match[1];
    const principal = credential.startsWith('b1r_')
      ? await this.apiKeys.authenticate(credential)
      : await this.tokens.verify(credential);
    if (principal.kind === 'user') await this.tenants.ensure(principal.tenantId);
    req.principal = principal;
    if (!allows(principal, rule)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        principal.kind === 'api-key'
          ? `This API key lacks the scope for this route${rule.scope ? ` (needs ${rule.scope})` : ' (admin only)'}`
          : `This needs the ${rule.role} role`,
      );
    }
    return true;
  }
}
