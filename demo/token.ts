// npm run token -- --tenant acme --role admin [--sub alice] [--ttl 900]
// Prints a context token signed with PANELONE_JWT_SECRET (from the environment or .env),
// so a newcomer can call the API with curl: curl -H "Authorization: Bearer $(npm run -s token -- ...)".
import { parseArgs } from 'node:util';
import { signContextToken } from '../src/auth/context-token.js';
import { ROLES, type Role } from '../src/auth/principal.js';
import { loadDotEnv } from '../src/config/env-file.js';
import { DEMO_JWT_SECRET } from './defaults.js';

loadDotEnv();
const { values } = parseArgs({
  options: {
    tenant: { type: 'string', default: 'demo-msp' },
    role: { type: 'string', multiple: true, default: ['admin'] },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '900' },
  },
});
const roles = values.role.flatMap((r) => r.split(',')) as Role[];
const bad = roles.filter((r) => !ROLES.includes(r));
if (bad.length) {
  process.stderr.write(`Unknown role(s): ${bad.join(', ')}. Use admin, technician or viewer.\n`);
  process.exit(2);
}
const secret = process.env.PANELONE_JWT_SECRET ?? DEMO_JWT_SECRET;
if (!process.env.PANELONE_JWT_SECRET) process.stderr.write('PANELONE_JWT_SECRET is unset; signing with the demo secret (what `npm start` uses).\n');
const token = await signContextToken({ secret, tenantId: values.tenant, roles, subject: values.sub, ttlSeconds: Number(values.ttl) });
process.stdout.write(`${token}\n`);
