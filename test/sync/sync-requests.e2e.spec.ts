// Starting runs through the API (no worker in this process): one run per tenant and tool
// however many replicas and requests ask at once, role and scope checks, and reading runs.
// Its own queue name keeps workers of specs running alongside from executing these runs.
import pg from 'pg';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';

let api: TestApi;
let db: pg.Pool;
beforeAll(async () => {
  api = await startTestApi({ env: API_ENV });
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
});
afterAll(async () => {
  await api?.close();
  await db?.end();
});

const QUEUE = 'sync-run-requests-spec';
const API_ENV = { SYNC_QUEUE_NAME: QUEUE };
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** Jobs waiting in this spec's queue: sync_run is the queue, a queued run is its job. */
async function queuedJobs(tenantId: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM sync_run WHERE queue = $2 AND tenant_id = $1 AND status = 'queued'`, [tenantId, QUEUE]);
  return rows[0].n;
}

describe('POST /api/v1/sync/{tool}', () => {
  it('20 concurrent requests for one tenant produce exactly one run and one job; another tenant runs independently', async () => {
    const tenant = uniqueTenant('sync-conc');
    const other = uniqueTenant('sync-conc-other');
    const tech = bearer(await api.token(tenant, 'technician'));
    const otherTech = bearer(await api.token(other, 'technician'));
    // A second API replica on the same database takes half of the requests.
    const replica = await startTestApi({ env: API_ENV });
    try {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? replica : api).http.post('/api/v1/sync/device-snapshot').set(tech)),
      );
      const otherResponse = await api.http.post('/api/v1/sync/device-snapshot').set(otherTech);
      for (const res of responses) expect(res.status).toBe(202);
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const run = responses[0].body;
      expect(run).toMatchObject({
        tool: 'device-snapshot', status: expect.stringMatching(/^(queued|running|succeeded|failed)$/),
        progress: { done: expect.any(Number) }, requestedBy: `technician@${tenant}`, error: null,
      });
      expect(otherResponse.status).toBe(202);
      expect(otherResponse.body.id).not.toBe(run.id);

      const { rows } = await db.query(`SELECT count(*)::int AS n FROM sync_run WHERE tenant_id = $1`, [tenant]);
      expect(rows[0].n).toBe(1);
      expect(await queuedJobs(tenant)).toBe(1);
      expect(await queuedJobs(other)).toBe(1);

      // Asking again while it is queued returns the same run.
      const again = await api.http.post('/api/v1/sync/device-snapshot').set(tech).expect(202);
      expect(again.body.id).toBe(run.id);
      // A different tool of the same tenant is its own run.
      const catalog = await api.http.post('/api/v1/sync/catalog-sync').set(tech).expect(202);
      expect(catalog.body.id).not.toBe(run.id);
    } finally {
      await replica.close();
    }
  });

  it('POST /snapshots and POST /integrations/{kind}/sync start the same kind of run', async () => {
    const tenant = uniqueTenant('sync-entry');
    const tech = bearer(await api.token(tenant, 'technician'));
    const snap = await api.http.post('/api/v1/snapshots').set(tech).expect(202);
    expect(snap.body.tool).toBe('device-snapshot');
    const direct = await api.http.post('/api/v1/sync/device-snapshot').set(tech).expect(202);
    expect(direct.body.id).toBe(snap.body.id);
    const pax8 = await api.http.post('/api/v1/integrations/pax8/sync').set(tech).expect(202);
    expect(pax8.body.tool).toBe('pax8-sync');
    const panelone = await api.http.post('/api/v1/integrations/panelone/sync').set(tech).expect(202);
    expect(panelone.body.tool).toBe('panelone-sync');
    const bad = await api.http.post('/api/v1/integrations/quickbooks/sync').set(tech).expect(400);
    expect(bad.body.message).toBe('kind must be one of: pax8, panelone');
  });

  it('an unknown tool is a 400 naming the allowed tools, and creates nothing', async () => {
    const tenant = uniqueTenant('sync-bad');
    const tech = bearer(await api.token(tenant, 'technician'));
    const res = await api.http.post('/api/v1/sync/everything').set(tech).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', correlationId: expect.any(String) });
    expect(res.body.message).toBe('tool must be one of: device-snapshot, catalog-sync, contacts-sync, full-reconcile, sync-all');
    const list = await api.http.get('/api/v1/sync/runs').set(tech).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('roles and API key scopes: viewer 403, technician 202, read key 403, sync key 202', async () => {
    const tenant = uniqueTenant('sync-roles');
    const viewer = await api.http.post('/api/v1/sync/sync-all').set(bearer(await api.token(tenant, 'viewer'))).expect(403);
    expect(viewer.body.message).toMatch(/technician role/);
    await api.http.post('/api/v1/snapshots').set(bearer(await api.token(tenant, 'viewer'))).expect(403);
    await api.http.post('/api/v1/integrations/pax8/sync').set(bearer(await api.token(tenant, 'viewer'))).expect(403);

    const admin = bearer(await api.token(tenant, 'admin'));
    const readKey = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'read', scopes: ['read'] }).expect(201)).body.key;
    const syncKey = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'sync', scopes: ['read', 'sync'] }).expect(201)).body.key;
    const byReadKey = await api.http.post('/api/v1/sync/sync-all').set(bearer(readKey)).expect(403);
    expect(byReadKey.body.message).toMatch(/scope/);
    const byKey = await api.http.post('/api/v1/sync/sync-all').set(bearer(syncKey)).expect(202);
    expect(byKey.body.requestedBy).toMatch(/^api-key:/);
    const byTech = await api.http.post('/api/v1/sync/sync-all').set(bearer(await api.token(tenant, 'technician'))).expect(202);
    expect(byTech.body.id).toBe(byKey.body.id);
    // A read key and a viewer may read runs.
    const listed = await api.http.get('/api/v1/sync/runs').set(bearer(readKey)).expect(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([byKey.body.id]);
    await api.http.get(`/api/v1/sync/runs/${byKey.body.id}`).set(bearer(await api.token(tenant, 'viewer'))).expect(200);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM sync_run WHERE tenant_id = $1`, [tenant]);
    expect(rows[0].n).toBe(1);
  });
});

describe('GET /api/v1/sync/runs', () => {
  it('lists newest first with a limit; one run by id; another tenant\'s run is a 404; a bad id is a 400', async () => {
    const tenant = uniqueTenant('sync-read');
    const viewer = bearer(await api.token(tenant, 'viewer'));
    const tech = bearer(await api.token(tenant, 'technician'));
    const first = (await api.http.post('/api/v1/sync/catalog-sync').set(tech).expect(202)).body;
    const second = (await api.http.post('/api/v1/sync/contacts-sync').set(tech).expect(202)).body;
    const list = await api.http.get('/api/v1/sync/runs').set(viewer).expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([second.id, first.id]);
    const limited = await api.http.get('/api/v1/sync/runs?limit=1').set(viewer).expect(200);
    expect(limited.body.items.map((r: { id: string }) => r.id)).toEqual([second.id]);
    const one = await api.http.get(`/api/v1/sync/runs/${first.id}`).set(viewer).expect(200);
    expect(one.body).toEqual({
      id: first.id, tool: 'catalog-sync', status: expect.any(String), trigger: 'manual', phase: one.body.phase,
      progress: { done: expect.any(Number), total: one.body.progress.total }, requestedBy: `technician@${tenant}`,
      createdAt: expect.any(String), startedAt: one.body.startedAt, finishedAt: one.body.finishedAt,
      attempts: expect.any(Number), error: one.body.error, result: one.body.result,
    });

    const stranger = bearer(await api.token(uniqueTenant('sync-stranger'), 'viewer'));
    const notFound = await api.http.get(`/api/v1/sync/runs/${first.id}`).set(stranger).expect(404);
    expect(notFound.body.message).toBe('Sync run not found');
    const strangerList = await api.http.get('/api/v1/sync/runs').set(stranger).expect(200);
    expect(strangerList.body.items).toEqual([]);

    const badId = await api.http.get('/api/v1/sync/runs/not-a-uuid').set(viewer).expect(400);
    expect(badId.body.message).toBe('id must be a UUID');
    const badLimit = await api.http.get('/api/v1/sync/runs?limit=0').set(viewer).expect(400);
    expect(badLimit.body.message).toMatch(/limit/);
    await api.http.get('/api/v1/sync/runs?limit=abc').set(viewer).expect(400);
    await api.http.get('/api/v1/sync/runs').expect(401);
  });
});

describe('OpenAPI', () => {
  it('documents the sync routes', async () => {
    const res = await api.http.get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/v1/sync/{tool}'].post.parameters[0].schema.enum).toEqual(
      ['device-snapshot', 'catalog-sync', 'contacts-sync', 'full-reconcile', 'sync-all'],
    );
    expect(Object.keys(res.body.paths['/api/v1/sync/{tool}'].post.responses)).toContain('202');
    expect(res.body.paths['/api/v1/sync/runs'].get).toBeDefined();
    expect(res.body.paths['/api/v1/sync/runs/{id}'].get).toBeDefined();
    expect(res.body.paths['/api/v1/snapshots'].post).toBeDefined();
    expect(res.body.paths['/api/v1/integrations/{kind}/sync'].post).toBeDefined();
  });
});
