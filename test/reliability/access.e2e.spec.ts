// Access over EVERY documented route (the list comes from /api/docs-json, so a new route without
// a row in ACCESS fails here): no credential, expired / wrong-audience / wrong-issuer / alg none /
// wrongly signed tokens and a revoked API key → 401; a role or key scope below the route's → 403;
// the route's own role gets past the guard.
import { signContextToken } from '../../src/auth/context-token.js';
import type { Role } from '../../src/auth/principal.js';
import { startTestApi, TEST_JWT_SECRET, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, expectErrorShape, ownQueue, fillPath, openApiRoutes, send, summary, type Route } from './support.js';

type Rule = 'public' | { role: Role; scope?: 'read' | 'sync' };

/** The least role (and API-key scope) each route needs; the test fails if a route is missing here. */
const ACCESS: Record<string, Rule> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/api-keys': { role: 'admin' },
  'GET /api/v1/api-keys': { role: 'admin' },
  'DELETE /api/v1/api-keys/{id}': { role: 'admin' },
  'GET /api/v1/integrations': { role: 'admin' },
  'PUT /api/v1/integrations/pax8': { role: 'admin' },
  'PUT /api/v1/integrations/panelone': { role: 'admin' },
  'POST /api/v1/integrations/{kind}/test': { role: 'admin' },
  'GET /api/v1/settings': { role: 'admin' },
  'PUT /api/v1/settings': { role: 'admin' },
  'GET /api/v1/clients': { role: 'admin' },
  'PUT /api/v1/clients/{organizationId}/mapping': { role: 'admin' },
  'GET /api/v1/catalog/products': { role: 'admin' },
  'PUT /api/v1/catalog/products/{productId}': { role: 'admin' },
  'GET /api/v1/catalog/psa-items': { role: 'admin' },
  'PUT /api/v1/catalog/psa-items/{itemId}/mapping': { role: 'admin' },
  'GET /api/v1/snapshots': { role: 'viewer', scope: 'read' },
  'POST /api/v1/snapshots': { role: 'technician', scope: 'sync' },
  'GET /api/v1/snapshots/{id}': { role: 'viewer', scope: 'read' },
  'GET /api/v1/snapshots/{id}/devices': { role: 'viewer', scope: 'read' },
  'GET /api/v1/snapshots/{id}/devices.csv': { role: 'technician', scope: 'read' },
  'GET /api/v1/reconciliation/summary': { role: 'viewer', scope: 'read' },
  'GET /api/v1/reconciliation/clients': { role: 'viewer', scope: 'read' },
  'GET /api/v1/reconciliation/export.csv': { role: 'technician', scope: 'read' },
  'GET /api/v1/reconciliation/clients/{clientId}': { role: 'viewer', scope: 'read' },
  'GET /api/v1/reconciliation/clients/{clientId}/export.csv': { role: 'technician', scope: 'read' },
  'GET /api/v1/reconciliation/clients/{clientId}/report.html': { role: 'technician', scope: 'read' },
  'GET /api/v1/reconciliation/clients/{clientId}/report.pdf': { role: 'technician', scope: 'read' },
  'GET /api/v1/missed-billing': { role: 'viewer', scope: 'read' },
  'GET /api/v1/reconciliation/versions': { role: 'viewer', scope: 'read' },
  'GET /api/v1/products/reconciliation': { role: 'viewer', scope: 'read' },
  'GET /api/v1/sync/runs': { role: 'viewer', scope: 'read' },
  'GET /api/v1/sync/runs/{id}': { role: 'viewer', scope: 'read' },
  'POST /api/v1/sync/{tool}': { role: 'technician', scope: 'sync' },
  'POST /api/v1/integrations/{kind}/sync': { role: 'technician', scope: 'sync' },
  'GET /api/v1/audit': { role: 'admin' },
  'GET /api/v1/gaps': { role: 'viewer', scope: 'read' },
  'POST /api/v1/gaps/{clientId}/{productId}/exception': { role: 'admin' },
  'DELETE /api/v1/gaps/{clientId}/{productId}/exception': { role: 'admin' },
  'POST /api/v1/actions': { role: 'technician' },
  'POST /api/v1/actions/preview': { role: 'technician' },
  'GET /api/v1/actions': { role: 'viewer', scope: 'read' },
  'GET /api/v1/actions/{id}': { role: 'viewer', scope: 'read' },
  'POST /api/v1/actions/{id}/approve': { role: 'admin' },
  'POST /api/v1/actions/{id}/cancel': { role: 'technician' },
  'GET /api/v1/snapshots/{id}/changes': { role: 'viewer', scope: 'read' },
  'GET /api/v1/alerts/channels': { role: 'admin' },
  'PUT /api/v1/alerts/channels': { role: 'admin' },
  'POST /api/v1/alerts/channels/{id}/test': { role: 'admin' },
  'GET /api/v1/alerts/deliveries': { role: 'admin' },
};

const PATH_VALUES = {
  id: '00000000-0000-4000-8000-000000000000',
  kind: 'pax8',
  tool: 'device-snapshot',
  organizationId: 'org-none',
  productId: 'product-none',
  clientId: 'org-none',
  itemId: 'item-none',
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

let api: TestApi;
let routes: Route[];
const tenant = uniqueTenant('acc');
const bad: Record<string, string> = {};
let keys: { read: string; sync: string; revoked: string };

beforeAll(async () => {
  api = await startTestApi({ env: ownQueue('access') }); // its runs are never worked
  routes = await openApiRoutes(api);
  const base = { secret: TEST_JWT_SECRET, tenantId: tenant, roles: ['admin' as Role] };
  const now = Math.floor(Date.now() / 1000);
  bad.expired = await signContextToken({ ...base, ttlSeconds: -300 });
  bad['wrong audience'] = await signContextToken({ ...base, audience: 'someone-else' });
  bad['wrong issuer'] = await signContextToken({ ...base, issuer: 'not-panelone' });
  bad['wrongly signed'] = await signContextToken({ ...base, secret: 'another-secret-0123456789abcdef-0123456789' });
  bad['alg none'] = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ tid: tenant, roles: ['admin'], sub: 'x', iss: 'panelone', aud: 'billingone-reconcile', iat: now, exp: now + 300 })}.`;
  const good = await signContextToken(base);
  const [h, p] = good.split('.');
  bad['tampered payload'] = `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['admin'], tid: 'other-tenant' })}.${good.split('.')[2]}`;
  bad.garbage = 'not.a.token';

  const admin = bearer(await api.token(tenant, 'admin'));
  const create = async (scopes: string[]) => (await api.http.post('/api/v1/api-keys').set(admin).send({ name: `k-${scopes.join('-')}`, scopes }).expect(201)).body;
  keys = { read: (await create(['read'])).key, sync: (await create(['sync'])).key, revoked: '' };
  const revoked = await create(['read', 'sync']);
  await api.http.delete(`/api/v1/api-keys/${revoked.id}`).set(admin).expect((r) => expect(r.status).toBeLessThan(300));
  keys.revoked = revoked.key;
});
afterAll(() => api?.close());

function call(route: Route) {
  return send(api, route.method, fillPath(route.path, PATH_VALUES));
}

it('every documented route has a row in the access table, and every row is a documented route', () => {
  const documented = routes.map((r) => r.key).sort();
  expect(documented.filter((k) => !(k in ACCESS))).toEqual([]);
  expect(Object.keys(ACCESS).filter((k) => !documented.includes(k))).toEqual([]);
});

it('no credential, bad tokens and a revoked API key → 401; too small a role or key scope → 403; the right role passes', async () => {
  const ROLES: Role[] = ['viewer', 'technician', 'admin'];
  let checks = 0;
  for (const route of routes) {
    const rule = ACCESS[route.key];
    if (rule === 'public') {
      const res = await call(route);
      expect([route.key, res.status]).toEqual([route.key, 200]);
      checks++;
      continue;
    }
    const unauth = await call(route);
    expectErrorShape(unauth.body, 401, `${route.key} without a credential`);
    checks++;
    for (const [label, token] of [...Object.entries(bad), ['revoked API key', keys.revoked], ['unknown API key', 'b1r_' + 'x'.repeat(40)], ['Basic scheme', '']] as const) {
      const req = call(route);
      const res = await (label === 'Basic scheme' ? req.set('Authorization', 'Basic YWRtaW46YWRtaW4=') : req.set(bearer(token)));
      expectErrorShape(res.body, 401, `${route.key} with ${label}`);
      checks++;
    }
    for (const role of ROLES) {
      const res = await call(route).set(bearer(await api.token(tenant, role))).send({});
      const enough = ROLES.indexOf(role) >= ROLES.indexOf(rule.role);
      if (enough) {
        if ([401, 403].includes(res.status)) throw new Error(`${route.key} refused ${role} (${res.status}): ${JSON.stringify(res.body)}`);
      } else {
        expectErrorShape(res.body, 403, `${route.key} as ${role}`);
      }
      checks++;
    }
    for (const scope of ['read', 'sync'] as const) {
      const res = await call(route).set(bearer(keys[scope])).send({});
      // A read key may call read routes; a sync key may call read and sync routes; no key is admin.
      const allowed = rule.scope === 'read' || (rule.scope === 'sync' && scope === 'sync');
      if (allowed) {
        if ([401, 403].includes(res.status)) throw new Error(`${route.key} refused a ${scope} key (${res.status}): ${JSON.stringify(res.body)}`);
      } else {
        expectErrorShape(res.body, 403, `${route.key} with a ${scope} API key`);
      }
      checks++;
    }
  }
  summary('access', { routes: routes.length, protectedRoutes: routes.filter((r) => ACCESS[r.key] !== 'public').length, badCredentials: Object.keys(bad).length + 3, checks });
});

it('a read key cannot start any sync (403), and nothing is queued', async () => {
  const before = (await api.http.get('/api/v1/sync/runs').set(bearer(keys.read)).expect(200)).body.items.length;
  for (const path of ['/api/v1/sync/sync-all', '/api/v1/sync/device-snapshot', '/api/v1/snapshots', '/api/v1/integrations/pax8/sync']) {
    const res = await api.http.post(path).set(bearer(keys.read));
    expectErrorShape(res.body, 403, `read key POST ${path}`);
  }
  const after = (await api.http.get('/api/v1/sync/runs').set(bearer(keys.read)).expect(200)).body.items.length;
  expect(after).toBe(before);
});
