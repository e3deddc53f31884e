// The holes an attack from outside found (issue 14, items 1 and 4-14, and its "also" list),
// each tried against the real API on a real PostgreSQL with loopback simulators.
import { jest } from '@jest/globals';
import { SignJWT } from 'jose';
import pg from 'pg';
import { parse as parseCsv } from 'csv-parse/sync';
import { loggerParams } from '../../src/common/logging.js';
import { ExportSlots } from '../../src/common/export-slots.js';
import { ReconciliationCacheService } from '../../src/reconciliation/reconciliation-cache.service.js';
import { startTestApi, TEST_JWT_SECRET, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, configureTenant, expectErrorShape, ownQueue, pool, runTool, startUpstreams, startWorker, summary, until, type Upstreams } from './support.js';

jest.setTimeout(600_000);

const QUEUE = ownQueue('outside');
let api: TestApi;
let db: pg.Pool;
let up: Upstreams;
const tenant = uniqueTenant('outside');
const figures: Record<string, number> = {};
const count = (key: string, n = 1) => (figures[key] = (figures[key] ?? 0) + n);

// Cells a spreadsheet could read as a formula although the first character is harmless.
const HOSTILE_CELLS = [';=1+1', ',=1+1', '\n=1+1', '\u000b=1+1', '\u00a0=1+1', '\ufeff=1+1', '\u200b=1+1', '\uff1d1+1', '\uff0b1+1',
  '\uff0d1+1', '\uff20SUM(A1)', '\ufe661+1', ' =1+1', 'cmd|\' /C calc\'!A0'];

beforeAll(async () => {
  api = await startTestApi({ env: { ...QUEUE, EXPORTS_PER_TENANT: '2', EXPORTS_PER_PROCESS: '3' } });
  db = pool();
  up = await startUpstreams({ seed: 51, clients: 20, devices: 200 }, {}, (d) => {
    HOSTILE_CELLS.forEach((name, i) => { d.organizations[i].name = name; });
  });
  await configureTenant(api, tenant, up);
  const worker = await startWorker(QUEUE);
  try {
    expect((await runTool(api, tenant, 'sync-all')).error).toBeNull();
  } finally {
    await worker.close();
  }
});
afterAll(async () => {
  await api?.close();
  await db?.end();
  await up?.close();
  summary('outside', figures);
});

const admin = async (t = tenant) => bearer(await api.token(t, 'admin'));

it('1: changing a Pax8 or PanelOne host without the secret is a 400 that changes nothing; the same host keeps it', async () => {
  const a = await admin();
  const before = (await db.query(`SELECT kind, config, secret_enc FROM integration WHERE tenant_id = $1 ORDER BY kind`, [tenant])).rows;
  const pax8 = { baseUrl: up.pax8.url, tokenUrl: up.pax8.tokenUrl, audience: up.pax8.audience, clientId: up.pax8.clientId, enabled: true };
  const moved = [
    ['pax8', { ...pax8, baseUrl: 'https://evil.example/v1' }],
    ['pax8', { ...pax8, tokenUrl: 'https://evil.example/oauth/token' }],
    ['pax8', { ...pax8, tokenUrl: up.pax8.tokenUrl.replace('127.0.0.1', 'localhost') }],
    ['panelone', { baseUrl: 'https://evil.example', enabled: true }],
  ] as const;
  for (const [kind, body] of moved) {
    const res = await api.http.put(`/api/v1/integrations/${kind}`).set(a).send(body).expect(400);
    expectErrorShape(res.body, 400, kind);
    expect(res.body.message).toMatch(/host .* requires entering (clientSecret|apiToken) again/);
    count('hostChangesRefused');
  }
  expect((await db.query(`SELECT kind, config, secret_enc FROM integration WHERE tenant_id = $1 ORDER BY kind`, [tenant])).rows).toEqual(before);
  // Same hosts, other path: the stored secret stays, and still works.
  await api.http.put('/api/v1/integrations/panelone').set(a).send({ baseUrl: `${up.panelone.url}/`, enabled: true }).expect(200);
  expect((await api.http.post('/api/v1/integrations/panelone/test').set(a).expect(200)).body.ok).toBe(true);
});

it('4: JSON nested 2,000 deep is a 400 in the standard shape, like 1,000 deep', async () => {
  const a = await admin();
  for (const depth of [40, 1000, 2000, 5000]) {
    const body = '['.repeat(depth) + ']'.repeat(depth);
    for (const [method, url] of [['post', '/api/v1/api-keys'], ['put', '/api/v1/clients/org-1/mapping']] as const) {
      const res = await api.http[method](url).set(a).set('Content-Type', 'application/json').send(body);
      expectErrorShape(res.body, 400, `${url} depth ${depth}`);
      count('deepBodies');
    }
  }
});

async function contextToken(claims: Record<string, unknown>, iat?: number): Promise<string> {
  const jwt = new SignJWT({ roles: ['viewer'], ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuer('panelone')
    .setAudience('billingone-reconcile').setSubject('someone').setExpirationTime(Math.floor(Date.now() / 1000) + 300);
  if (iat !== undefined) jwt.setIssuedAt(iat);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

it('5, 14, also: tenant ids outside 1-64 of [A-Za-z0-9._-], API keys whose tenant part is no such id, and tokens issued in the future are 401', async () => {
  const bad = ['sur\ud800x', 'sur\ufffdx', '*', 'a b', 'x'.repeat(65), '', 'tenant/1', 'é'];
  for (const tid of bad) {
    const res = await api.http.get('/api/v1/reconciliation/summary').set(bearer(await contextToken({ tid }))).expect(401);
    expectErrorShape(res.body, 401, `tid ${JSON.stringify(tid)}`);
    count('badTenantIds');
  }
  const key43 = 'A'.repeat(43);
  for (const part of ['AA', Buffer.from('a\u0000b').toString('base64url'), Buffer.from('*').toString('base64url'), Buffer.from('ok').toString('base64url') + 'A']) {
    const res = await api.http.get('/api/v1/reconciliation/summary').set(bearer(`b1r_${part}_${key43}`)).expect(401);
    expectErrorShape(res.body, 401, `key part ${part}`);
    count('badApiKeys');
  }
  const now = Math.floor(Date.now() / 1000);
  await api.http.get('/api/v1/reconciliation/summary').set(bearer(await contextToken({ tid: tenant }, now + 3600))).expect(401);
  await api.http.get('/api/v1/reconciliation/summary').set(bearer(await contextToken({ tid: tenant }, now))).expect(200);
  count('futureIat');
});

it('6: a tenant whose id is "*" (stored before the id rule) invalidates only its own cache entries', async () => {
  const cache = api.app.get(ReconciliationCacheService);
  await until('the cache listener', async () => cache.isListening(), 30_000);
  const all = jest.spyOn(cache, 'invalidateAll');
  const one = jest.spyOn(cache, 'invalidate');
  const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  try {
    await sql.query(`INSERT INTO tenant (tenant_id) VALUES ('*') ON CONFLICT DO NOTHING`);
    await sql.query(`INSERT INTO snapshot (tenant_id, trigger, status, rules) VALUES ('*', 'manual', 'failed', '{}')`);
    await until('the NOTIFY for tenant "*"', async () => one.mock.calls.some(([t]) => t === '*'), 30_000, 20);
    expect(all).not.toHaveBeenCalled();
    count('notifyChecks');
  } finally {
    await sql.query(`DELETE FROM tenant WHERE tenant_id = '*'`);
    await sql.end();
    all.mockRestore();
    one.mockRestore();
  }
});

const text = (res: any, cb: (err: Error | null, body: string) => void) => { let s = ''; res.on('data', (c: Buffer) => (s += c.toString('utf8'))); res.on('end', () => cb(null, s)); };
// Independent of the product's own pattern: what a spreadsheet may run.
const dangerous = (c: string) => !c.startsWith("'") && (/^[\s\u00a0\u200b\ufeff;,"]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212]/.test(c) || /^[\u0001-\u001f]/.test(c) || /\w\|[^!]*!/.test(c)) && !/^[+-]?\d+(\.\d+)?$/.test(c);

it('7: both CSV exports guard every cell that could run as a formula, beyond its first character', async () => {
  const tech = bearer(await api.token(tenant, 'technician'));
  const all = await api.http.get('/api/v1/reconciliation/export.csv').set(tech).buffer(true).parse(text).expect(200);
  const [snap] = (await db.query(`SELECT id FROM snapshot WHERE tenant_id = $1 AND status = 'complete' ORDER BY taken_at DESC LIMIT 1`, [tenant])).rows;
  const devices = await api.http.get(`/api/v1/snapshots/${snap.id}/devices.csv`).set(tech).buffer(true).parse(text).expect(200);
  for (const [name, body] of [['export.csv', all.body], ['devices.csv', devices.body]] as const) {
    const cells: string[] = parseCsv(String(body).replace(/^\uFEFF/, ''), { relax_column_count: true }).flat();
    count('csvCellsChecked', cells.length);
    expect(cells.filter(dangerous)).toEqual([]);
    for (const hostile of HOSTILE_CELLS) expect({ name, found: cells.includes(`'${hostile}`) }).toEqual({ name, found: true });
  }
  count('hostileCells', HOSTILE_CELLS.length);
});

it('8: credentials in a query string are not logged in clear (the request serializer pino-http logs with)', async () => {
  const params = loggerParams('info') as { pinoHttp: { serializers: { req: (r: { id: string; method: string; url: string }) => { url: string } } } };
  const jwt = await contextToken({ tid: tenant });
  const key = `b1r_${Buffer.from(tenant).toString('base64url')}_${'Z'.repeat(43)}`;
  const secrets = [jwt, key, 'hunter2-Pw', 'cs-77-secret', 'auth-XYZ-9', 'tok-5-abc'];
  const urls = [
    `/api/v1/health?api_key=${key}&access_token=${jwt}&client_secret=cs-77-secret&password=hunter2-Pw&x-auth=auth-XYZ-9`,
    `/api/v1/snapshots?q=${jwt}&next=${key}`, `/api/v1/snapshots?refreshToken=tok-5-abc`, `/api/v1/snapshots?limit=5&API_KEY=${key}`,
  ];
  for (const url of urls) {
    const logged = params.pinoHttp.serializers.req({ id: 'x', method: 'GET', url }).url;
    expect(logged.startsWith(url.slice(0, url.indexOf('?') + 1))).toBe(true);
    for (const s of secrets) expect({ url: logged, leaked: logged.includes(s) }).toEqual({ url: logged, leaked: false });
    count('credentialsInUrls');
  }
  expect(params.pinoHttp.serializers.req({ id: 'x', method: 'GET', url: '/api/v1/snapshots?limit=5&offset=10' }).url).toBe('/api/v1/snapshots?limit=5&offset=10');
});

it('10: Fastify\'s own refusals come in the standard shape with the correlation id and security headers', async () => {
  const cases = [
    api.http.get('/%ff'), api.http.get('/api/v1/snapshots/%ff%fe'), api.http.get(`/api/v1/snapshots/${'a'.repeat(2049)}`),
    api.http.options('/api/v1/reconciliation/summary').set('Origin', 'https://panelone.example'),
    api.http.options('/api/v1/reconciliation/summary'),
  ];
  for (const req of cases) {
    const res = await req;
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectErrorShape(res.body, res.status, `${res.status} ${res.text.slice(0, 80)}`);
    expect(res.headers['x-correlation-id']).toBe(res.body.correlationId);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toContain('aaaaaaaaaa');
    count('frameworkErrors');
  }
});

it('11: the manifest\'s URLs come from PUBLIC_URL (or are relative), never from Host or X-Forwarded-*', async () => {
  const spoofed = await api.http.get('/plugin/manifest.json').set('Host', 'evil.example')
    .set('X-Forwarded-Host', 'evil.example').set('X-Forwarded-Proto', 'javascript').expect(200);
  expect(spoofed.body.bundleUrl).toBe('/plugin/billingone-reconcile.js');
  expect(JSON.stringify(spoofed.body)).not.toMatch(/evil|javascript/);
  const configured = await startTestApi({ env: { PUBLIC_URL: 'https://reconcile.example.com/', ...QUEUE } });
  try {
    const res = await configured.http.get('/plugin/manifest.json').set('X-Forwarded-Host', 'evil.example').expect(200);
    expect(res.body).toMatchObject({ bundleUrl: 'https://reconcile.example.com/plugin/billingone-reconcile.js', apiBase: 'https://reconcile.example.com' });
  } finally {
    await configured.close();
  }
  count('manifestChecks', 2);
});

it('12: X-Forwarded-For is ignored unless TRUST_PROXY names the proxy', async () => {
  const hits = async (env: Record<string, string>) => {
    const limited = await startTestApi({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: '5', ...env, ...QUEUE } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.http.get('/api/v1/snapshots').set('X-Forwarded-For', `203.0.113.${i}`)).status);
      return statuses;
    } finally {
      await limited.close();
    }
  };
  expect(await hits({})).toContain(429);
  expect(await hits({ TRUST_PROXY: '127.0.0.1,::1' })).not.toContain(429);
  count('proxyChecks', 2);
});

it('13: heavy exports beyond the per-tenant and per-process bounds are 429 with Retry-After; other tenants go on', async () => {
  const slots = api.app.get(ExportSlots);
  const reply = { header: () => reply } as never;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const tech = bearer(await api.token(tenant, 'technician'));
  const other = uniqueTenant('outside-other');
  const otherTech = bearer(await api.token(other, 'technician'));
  const [snap] = (await db.query(`SELECT id FROM snapshot WHERE tenant_id = $1 AND status = 'complete' LIMIT 1`, [tenant])).rows;
  // Two exports of this tenant are under way (held open): a third is refused at once.
  const held = [slots.run(tenant, reply, () => gate), slots.run(tenant, reply, () => gate)];
  try {
    for (const url of [`/api/v1/snapshots/${snap.id}/devices.csv`, '/api/v1/reconciliation/export.csv']) {
      const res = await api.http.get(url).set(tech).expect(429);
      expectErrorShape(res.body, 429, url);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      count('exportsRefused');
    }
    // Another tenant still exports; with a third held slot the process bound (3) refuses it too.
    await api.http.get('/api/v1/reconciliation/export.csv').set(otherTech).expect(200);
    held.push(slots.run(other, reply, () => gate));
    await api.http.get('/api/v1/reconciliation/export.csv').set(otherTech).expect(429);
    count('exportsRefused');
  } finally {
    release();
    await Promise.all(held);
  }
  await api.http.get(`/api/v1/snapshots/${snap.id}/devices.csv`).set(tech).expect(200);
});

it('also: authenticated JSON is Cache-Control: no-store, and ?constructor= ?toString= ?__proto__= are 400 like any unknown key', async () => {
  const viewer = bearer(await api.token(tenant, 'viewer'));
  for (const url of ['/api/v1/reconciliation/summary', '/api/v1/reconciliation/clients', '/api/v1/snapshots', '/api/v1/sync/runs']) {
    const res = await api.http.get(url).set(viewer).expect(200);
    expect({ url, cache: res.headers['cache-control'] }).toEqual({ url, cache: 'no-store' });
    count('noStoreChecks');
  }
  for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'unknownKey']) {
    for (const url of ['/api/v1/snapshots', '/api/v1/reconciliation/clients']) {
      const res = await api.http.get(`${url}?${key}=x`).set(viewer);
      expectErrorShape(res.body, 400, `${url}?${key}`);
      count('reservedQueryKeys');
    }
  }
});
