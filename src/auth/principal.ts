import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const ROLES = ['viewer', 'technician', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const API_KEY_SCOPES = ['read', 'sync'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is calling, verified: a PanelOne user (context token) or a tenant API key. */
export interface Principal {
  tenantId: string;
  /** PanelOne user id, or `api-key:<id>`. */
  subject: string;
  kind: 'user' | 'api-key';
  roles: Role[];
  scopes: ApiKeyScope[];
}

export interface AccessRule {
  /** Least PanelOne role that may call the route (admin > technician > viewer). */
  role: Role;
  /** The API-key scope that may call it; absent = API keys may not. */
  scope?: ApiKeyScope;
}

export const ACCESS_KEY = 'b1r:access';
export const PUBLIC_KEY = 'b1r:public';

/** Declares who may call a route. Every /api/v1 route has one (or is @Public). */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_KEY, rule);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});

export function rank(role: Role): number {
  return ROLES.indexOf(role);
}

export function allows(principal: Principal, rule: AccessRule): boolean {
  if (principal.kind === 'api-key') {
    if (!rule.scope) return false;
    return rule.scope === 'read' ? principal.scopes.length > 0 : principal.scopes.includes(rule.scope);
  }
  return principal.roles.some((r) => rank(r) >= rank(rule.role));
}
