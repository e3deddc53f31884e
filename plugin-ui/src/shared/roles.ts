// What the signed-in user may do, read from the context token's `roles` claim. For display only:
// the API enforces every role itself; this keeps the UI from offering (or calling) what it would refuse.
import { decodeJwt } from 'jose';

export type Role = 'viewer' | 'technician' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, technician: 1, admin: 2 };

/** The token's roles, or null when it is not a readable JWT (then the API alone decides). */
export function rolesOf(token: string): Role[] | null {
  if (!token || token.split('.').length !== 3) return null;
  try {
    const roles = decodeJwt(token).roles;
    return Array.isArray(roles) ? roles.filter((role): role is Role => role in RANK) : null;
  } catch {
    return null;
  }
}

/** True when the token grants at least `role`, or when its roles cannot be read. */
export function mayAct(token: string, role: Role): boolean {
  const roles = rolesOf(token);
  return roles === null || roles.some((held) => RANK[held] >= RANK[role]);
}

export const ROLE_REASONS: Record<Exclude<Role, 'viewer'>, string> = {
  technician: 'Needs the technician role',
  admin: 'Needs the admin role',
};
