// Signs PanelOne-style context tokens (HS256). PanelOne does this in production; we need it
// for the dev token tool, the demo host page and the tests.
import { SignJWT } from 'jose';
import type { Role } from './principal.js';

export interface ContextTokenInput {
  secret: string;
  tenantId: string;
  roles: Role[];
  subject?: string;
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

export async function signContextToken(input: ContextTokenInput): Promise<string> {
  const ttl = input.ttlSeconds ?? 15 * 60;
  return new SignJWT({ tid: input.tenantId, roles: input.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.issuer ?? 'panelone')
    .setAudience(input.audience ?? 'billingone-reconcile')
    .setSubject(input.subject ?? `user-${input.roles[0]}`)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(input.secret));
}
