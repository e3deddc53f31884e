// Two tenants, each synced from its own simulator pair (different worlds, different credentials):
// - tenant A asking for any of B's ids (client, snapshot, run, API key, mapping, product, snapshotId
//   in a query) gets a 404, A's lists never contain B's rows, and B's tables are untouched;
// - the Pax8 client secret and PanelOne token appear in no GET response (every documented GET
//   route, CSV exports included), no log line (pino output captured while the test runs, at debug
//   level), and nowhere in the database as plaintext (every text, jsonb and array column).
import { jest } from '@jest/globals';
import fs from 'node:fs';
import type pg from 'pg';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { binary, pdfText } from '../support/pdf.js';
import { bearer, configureTenant, dumpTenant, ownQueue, expectErrorShape, fillPath, openApiRoutes, pool, runTool, startUpstreams, startWorker, summary, type Route, type Upstreams, type Worker } from './support.js';

jest.setTimeout(600_000);

const QUEUE = ownQueue('isolation');
const stamp = Date.now().toString(36);
const SECRETS = {
  a: { clientSecret: `pax8-secret-A-${stamp}-Zq9`, apiToken: `panelone-token-A-${stamp}-Xk7` },
  b: { clientSecret: `pax8-secret-B-${stamp}-Wp3`, apiToken: `panelone-token-B-${stamp}-Vm5` },
};
/** B's alert webhook signing secret: never answered, logged or stored in plaintext either. */
const WEBHOOK_SECRET_B = `webhook-secret-B-${stamp}-Hn2`;
const ALL_SECRETS = [...Object.values(SECRETS.a), ...Object.values(SECRETS.b), WEBHOOK_SECRET_B];

// Every line written to stdout/stderr (pino writes with fs.writeSync on fd 1) while this file runs.
const captured: string[] = [];
const realWriteSync = fs.writeSync;
const realStdout = process.stdout.write.bind(process.stdout);
const realStderr = process.stderr.write.bind(process.stderr);
function startCapture(): void {
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      captured.push(typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString());
      return typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).length;
    }
    return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  };
  // Kept out of the test output, except the spec's own summary lines.
  const capture = (real: (...a: unknown[]) => boolean) => ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return String(chunk).startsWith('RELIABILITY ') ? real(chunk, ...rest) : true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(realStdout as (...a: unknown[]) => boolean);
  process.stderr.write = capture(realStderr as (...a: unknown[]) => boolean);
}
function stopCapture(): void {
  (fs as { writeSync: unknown }).writeSync = realWriteSync;
  process.stdout.write = realStdout;
  process.stderr.write = realStderr;
}

let api: TestApi;
let db: pg.Pool;
let worker: Worker;
let routes: Route[];
const up: Record<'a' | 'b', Upstreams> = {} as never;
const T = { a: uniqueTenant('iso-a'), b: uniqueTenant('iso-b') };
interface Seeded { snapshot: string; run: string; key: string; keyId: string; orgs: string[]; companies: string[]; products: string[]; psaItems: string[]; gap?: { clientId: string; productId: string }; action?: string; channel?: string }
const seeded: Record<'a' | 'b', Seeded> = {} as never;

beforeAll(async () => {
  startCapture();
  api = await startTestApi({ env: { LOG_LEVEL: 'debug', ...QUEUE } });
  db = pool();
  routes = await openApiRoutes(api);
  up.a = await startUpstreams({ seed: 21, clients: 4, devices: 60 }, SECRETS.a);
  up.b = await startUpstreams({ seed: 22, clients: 7, devices: 100 }, SECRETS.b);
  worker = await startWorker({ LOG_LEVEL: 'debug', ...QUEUE });
  for (const side of ['a', 'b'] as const) {
    const tenant = T[side];
    await configureTenant(api, tenant, up[side]);
    const admin = bearer(await api.token(tenant, 'admin'));
    await api.http.post('/api/v1/integrations/pax8/test').set(admin).expect(200);
    await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    // B bills through PanelOne agreements (PSA billing on): its PSA catalog items are synced, A's are not.
    if (side === 'b') await api.http.put('/api/v1/settings').set(admin).send({ psaBilling: { enabled: true } }).expect(200);
    const run = await runTool(api, tenant, 'sync-all');
    expect(run.status).toBe('succeeded');
    const key = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: `key-${side}`, scopes: ['read', 'sync'] }).expect(201)).body;
    const q = async (sql: string) => (await db.query(sql, [tenant])).rows.map((r: { id: string }) => r.id);
    seeded[side] = {
      snapshot: (await q(`SELECT id FROM snapshot WHERE tenant_id = $1 AND status = 'complete'`))[0],
      run: run.id,
      key: key.key,
      keyId: key.id,
      orgs: await q(`SELECT id FROM panelone_organization WHERE tenant_id = $1`),
      companies: await q(`SELECT id FROM pax8_company WHERE tenant_id = $1`),
      products: await q(`SELECT id FROM pax8_product WHERE tenant_id = $1`),
      psaItems: await q(`SELECT id FROM panelone_catalog_item WHERE tenant_id = $1`),
    };
  }
  await worker.close();
  expect([seeded.a.psaItems.length, seeded.b.psaItems.length > 0]).toEqual([0, true]);
  // B accepts one of its gaps at a client A does not have: A's reach for that exception must miss.
  const { rows: [gap] } = await db.query(
    `SELECT l.organization_id, l.product_id FROM reconciliation_line l
       JOIN snapshot s ON s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND s.reconciliation_version = l.version
      WHERE l.tenant_id = $1 AND l.status <> 'matched' AND NOT (l.organization_id = ANY($2)) ORDER BY 1, 2 LIMIT 1`, [T.b, seeded.a.orgs]);
  expect(gap).toBeDefined();
  seeded.b.gap = { clientId: gap.organization_id, productId: gap.product_id };
  await api.http.post(`/api/v1/gaps/${gap.organization_id}/${gap.product_id}/exception`).set(bearer(await api.token(T.b, 'admin'))).send({ reason: 'not-billable' }).expect(201);
  // Each proposes an action on a gap with licences to change: A's reach for B's must miss.
  for (const side of ['a', 'b'] as const) {
    const { rows: [other] } = await db.query(
      `SELECT l.organization_id, l.product_id FROM reconciliation_line l
         JOIN snapshot s ON s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND s.reconciliation_version = l.version
        WHERE l.tenant_id = $1 AND l.status <> 'matched' AND l.gap_state = 'open' AND l.licensed_quantity > 0 ORDER BY 1, 2 LIMIT 1`, [T[side]]);
    expect(other).toBeDefined();
    seeded[side].action = (await api.http.post('/api/v1/actions').set(bearer(await api.token(T[side], 'technician')))
      .send({ type: 'pax8-quantity', gaps: [{ clientId: other.organization_id, productId: other.product_id }] }).expect(201)).body.id;
  }
  // B has an alert channel (with a signing secret): A's reach for it must miss.
  const channels = await api.http.put('/api/v1/alerts/channels').set(bearer(await api.token(T.b, 'admin')))
    .send({ channels: [{ kind: 'webhook', name: 'B hook', enabled: true, url: 'https://hooks.b.example/b1r', secret: WEBHOOK_SECRET_B }] }).expect(200);
  seeded.b.channel = channels.body.items[0].id;
});
afterAll(async () => {
  stopCapture();
  await api?.close();
  await db?.end();
  await up.a?.close();
  await up.b?.close();
});

/** Ids of B that A does not have (organization ids are positional in the simulator worlds). */
function bOnly(kind: 'orgs' | 'companies' | 'products'): string[] {
  return seeded.b[kind].filter((id) => !seeded.a[kind].includes(id));
}

/** How A reaches for B's rows, per route that takes an id (path or snapshotId query). */
const ISOLATION: Record<string, () => { path?: Record<string, string>; query?: Record<string, string>; body?: object }> = {
  'DELETE /api/v1/api-keys/{id}': () => ({ path: { id: seeded.b.keyId } }),
  'PUT /api/v1/clients/{organizationId}/mapping': () => ({ path: { organizationId: bOnly('orgs')[0] }, body: { pax8CompanyId: null } }),
  'PUT /api/v1/catalog/products/{productId}': () => ({ path: { productId: `b-only-${seeded.b.products[0]}` }, body: { perDevice: true } }),
  'PUT /api/v1/catalog/psa-items/{itemId}/mapping': () => ({ path: { itemId: seeded.b.psaItems[0] }, body: { pax8ProductId: null } }),
  'GET /api/v1/snapshots/{id}': () => ({ path: { id: seeded.b.snapshot } }),
  'GET /api/v1/snapshots/{id}/devices': () => ({ path: { id: seeded.b.snapshot } }),
  'GET /api/v1/snapshots/{id}/devices.csv': () => ({ path: { id: seeded.b.snapshot } }),
  'GET /api/v1/reconciliation/summary': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/reconciliation/clients': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/reconciliation/export.csv': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/reconciliation/clients/{clientId}': () => ({ path: { clientId: bOnly('orgs')[0] } }),
  'GET /api/v1/reconciliation/clients/{clientId}/export.csv': () => ({ path: { clientId: bOnly('orgs')[0] } }),
  'GET /api/v1/reconciliation/clients/{clientId}/report.html': () => ({ path: { clientId: bOnly('orgs')[0] } }),
  'GET /api/v1/reconciliation/clients/{clientId}/report.pdf': () => ({ path: { clientId: bOnly('orgs')[0] } }),
  'GET /api/v1/missed-billing': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/reconciliation/versions': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/products/reconciliation': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'GET /api/v1/sync/runs/{id}': () => ({ path: { id: seeded.b.run } }),
  'GET /api/v1/gaps': () => ({ query: { snapshotId: seeded.b.snapshot } }),
  'POST /api/v1/gaps/{clientId}/{productId}/exception': () => ({ path: { ...seeded.b.gap! }, body: { reason: 'other', note: 'A reaching for B' } }),
  'DELETE /api/v1/gaps/{clientId}/{productId}/exception': () => ({ path: { ...seeded.b.gap! } }),
  'GET /api/v1/actions/{id}': () => ({ path: { id: seeded.b.action! } }),
  'POST /api/v1/actions/{id}/approve': () => ({ path: { id: seeded.b.action! }, body: { confirmLarge: true } }),
  'POST /api/v1/actions/{id}/cancel': () => ({ path: { id: seeded.b.action! } }),
  'GET /api/v1/snapshots/{id}/changes': () => ({ path: { id: seeded.b.snapshot } }),
  'POST /api/v1/alerts/channels/{id}/test': () => ({ path: { id: seeded.b.channel! } }),
};

/** Routes that address a row by id: a non-enum path parameter or a snapshotId query. */
function takesId(route: Route): boolean {
  return (route.operation.parameters ?? []).some((p) => (p.in === 'path' && !p.schema?.enum) || (p.in === 'query' && p.name === 'snapshotId'));
}

it('every route that takes an id has an isolation case', () => {
  expect(routes.filter(takesId).map((r) => r.key).filter((k) => !ISOLATION[k])).toEqual([]);
  expect(bOnly('orgs').length).toBeGreaterThan(0);
});

it("tenant A asking for tenant B's client, snapshot, run, API key, mapping or product gets a 404, and B is untouched", async () => {
  const beforeB = await dumpTenant(db, T.b);
  const admin = bearer(await api.token(T.a, 'admin'));
  const results: string[] = [];
  for (const route of routes.filter(takesId)) {
    const c = ISOLATION[route.key]();
    const defaults = { id: seeded.a.snapshot, organizationId: seeded.a.orgs[0], productId: seeded.a.products[0], clientId: seeded.a.orgs[0] };
    let req = api.http[route.method](fillPath(route.path, { ...defaults, ...c.path })).set(admin).query(c.query ?? {});
    if (c.body) req = req.send(c.body);
    const res = await req;
    expectErrorShape(res.body, 404, `${route.key} for B's id`);
    results.push(route.key);
  }
  expect(await dumpTenant(db, T.b)).toEqual(beforeB);
  // B's key survived A's DELETE and still works for B.
  await api.http.get('/api/v1/snapshots').set(bearer(seeded.b.key)).expect(200);
  summary('isolation', { idRoutes: results.length });
});

it("A's lists and exports never contain B's rows; A's integrations show only A's config", async () => {
  const markers = [seeded.b.snapshot, seeded.b.run, seeded.b.action!, seeded.b.keyId, ...bOnly('companies'), ...bOnly('orgs').map((o) => `"${o}"`), up.b.pax8.url, up.b.panelone.url];
  const admin = bearer(await api.token(T.a, 'admin'));
  let walked = 0;
  for (const route of routes.filter((r) => r.method === 'get')) {
    const url = fillPath(route.path, { id: seeded.a.snapshot, clientId: seeded.a.orgs[0] });
    const finalUrl = route.key === 'GET /api/v1/sync/runs/{id}' ? `/api/v1/sync/runs/${seeded.a.run}`
      : route.key === 'GET /api/v1/actions/{id}' ? `/api/v1/actions/${seeded.a.action}` : url;
    const pdf = route.path.endsWith('.pdf');
    const res = pdf ? await api.http.get(finalUrl).set(admin).buffer(true).parse(binary) : await api.http.get(finalUrl).set(admin);
    expect([route.key, res.status]).toEqual([route.key, 200]);
    const text = pdf ? (await pdfText(res.body as Buffer)).text : res.text;
    for (const m of markers) if (text.includes(m)) throw new Error(`${route.key} shows B's ${m}`);
    walked++;
  }
  const integrations = await api.http.get('/api/v1/integrations').set(admin).expect(200);
  expect(JSON.stringify(integrations.body)).toContain(up.a.pax8.url);
  expect(JSON.stringify(integrations.body)).toContain(up.a.panelone.url);
  summary('isolation-lists', { getRoutesWalked: walked });
});

it('the Pax8 client secret and PanelOne token are in no GET response, no log line and no database column', async () => {
  let responses = 0;
  for (const side of ['a', 'b'] as const) {
    const admin = bearer(await api.token(T[side], 'admin'));
    for (const route of routes.filter((r) => r.method === 'get')) {
      const url = route.key === 'GET /api/v1/sync/runs/{id}' ? `/api/v1/sync/runs/${seeded[side].run}`
        : route.key === 'GET /api/v1/actions/{id}' ? `/api/v1/actions/${seeded[side].action}`
        : fillPath(route.path, { id: seeded[side].snapshot, clientId: seeded[side].orgs[0] });
      const res = await api.http.get(url).set(admin);
      expect([route.key, res.status]).toEqual([route.key, 200]);
      const text = `${JSON.stringify(res.headers)}\n${res.text}`;
      for (const s of ALL_SECRETS) if (text.includes(s)) throw new Error(`${route.key} shows a secret`);
      responses++;
    }
  }
  // Logs: something was logged (requests, sync steps), and no secret in it.
  const logs = captured.join('');
  expect(logs).toMatch(/request completed|"level"/);
  for (const s of ALL_SECRETS) expect(logs.includes(s)).toBe(false);
  // Database: every text-like column of every table.
  const { rows: cols } = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`);
  let columns = 0;
  for (const { table_name: t, column_name: c } of cols as Array<{ table_name: string; column_name: string }>) {
    for (const s of ALL_SECRETS) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${t}" WHERE "${c}"::text LIKE '%' || $1 || '%'`, [s]);
      if (rows[0].n) throw new Error(`${t}.${c} holds a secret in plaintext`);
    }
    columns++;
  }
  // The secrets are stored, encrypted.
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM integration WHERE tenant_id = ANY($1) AND secret_enc IS NOT NULL`, [[T.a, T.b]]);
  expect(rows[0].n).toBe(4);
  summary('secrets', { secrets: ALL_SECRETS.length, getResponses: responses, logBytes: logs.length, columnsSearched: columns });
});
