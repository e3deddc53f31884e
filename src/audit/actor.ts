// Who made a change, as the audit log records it: the principal's subject (a PanelOne user id,
// or `api-key:<id>`), the role it acted in, and the request's correlation id, so an entry can be
// found in the logs of the request that wrote it.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { rank, type Principal, type Role } from '../auth/principal.js';

export const ACTOR_ROLES = ['viewer', 'technician', 'admin', 'api-key', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export interface Actor {
  subject: string;
  role: ActorRole;
  correlationId: string | null;
}

export function actorOf(p: Principal, correlationId: string | null = null): Actor {
  const highest = [...p.roles].sort((a: Role, b: Role) => rank(b) - rank(a))[0];
  return { subject: p.subject, role: p.kind === 'api-key' ? 'api-key' : (highest ?? 'viewer'), correlationId };
}

/** The calling principal as an audit actor, with the request id Fastify assigned (see bootstrap.ts). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ principal: Principal; id?: unknown }>();
  return actorOf(req.principal, req.id ? String(req.id) : null);
});
