// The audit log as an admin reads it: every change of a mapping, a per-device flag, the counting
// rules, the schedule, an API key or an integration's settings appears once, with who, when,
// before and after, and never a secret; the table refuses UPDATE and DELETE in SQL itself; only
// admins in PanelOne read it, each tenant its own; a bad filter is a 400 that changes nothing.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, addProduct, db, ensureTenant } from '../reconciliation/scenario.js';

const COMPANY_1 = '40000000-0000-4000-8000-000000000001';
const COMPANY_2 = '40000000-0000-4000-8000-000000000002';
const PRODUCT = '50000000-0000-4000-8000-000000000001';
const stamp = Date.now().toString(36);
const PAX8_SECRET = `audit-pax8-secret-${stamp}-Qx1`;
const PAX8_SECRET_2 = `audit-pax8-secret-two-${stamp}-Rw2`;
const PANELONE_TOKEN = `audit-panelone-token-${stamp}-Tz3`;

let api: TestApi;
const tenant = uniqueTenant('audit');
const other = uniqueTenant('audit-other');
const as = async (t: string, role: 'viewer' | 'technician' | 'admin', subject?: string) =>
  ({ Authorization: `Bearer ${await api.token(t, role, { subject })}` });
const admin = () => as(tenant, 'admin', 'alice');

const pax8 = (over: Record<string, unknown> = {}) => ({
  baseUrl: 'http://127.0.0.1:9/v1', tokenUrl: 'http://127.0.0.1:9/oauth/token', audience: 'https://api.pax8.com', clientId: 'client-1', enabled: true, ...over,
});
const pax8Config = { baseUrl: 'http://127.0.0.1:9/v1', tokenUrl: 'http://127.0.0.1:9/oauth/token', audience: 'https://api.pax8.com', clientId: 'client-1' };

interface Entry { id: string; at: string; actor: string; actorRole: string; type: string; clientId: string | null; subject: string; before: unknown; after: unknown }
const audit = async (query: Record<string, string> = {}, headers?: Record<string, string>) =>
  (await api.http.get('/api/v1/audit').query(query).set(headers ?? await admin()).expect(200)).body as { items: Entry[]; total: number };
const count = async (t: string) => (await db(api).query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [t]))[0].n as number;

const created: { keyId?: string; key?: string; keyHash?: string; keyPrefix?: string } = {};
const span = { from: 0, to: 0 };

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addOrganization(api, tenant, 'org-1', 'Acme Corp');
  await addOrganization(api, tenant, 'org-2', 'Beta Dental');
  await addCompany(api, tenant, COMPANY_1, 'Acme Corporation');
  await addCompany(api, tenant, COMPANY_2, 'Beta Dental LLC');
  await addProduct(api, tenant, PRODUCT, 'SentinelOne Complete EDR', 'SentinelOne');

  // The changes, in order, by alice (an admin). Repeats that change nothing record nothing.
  span.from = Date.now();
  const h = await admin();
  await api.http.put('/api/v1/clients/org-1/mapping').set(h).set('X-Correlation-Id', `audit-corr-${stamp}`).send({ pax8CompanyId: COMPANY_1 }).expect(200);
  await api.http.put('/api/v1/clients/org-1/mapping').set(h).send({ pax8CompanyId: COMPANY_1 }).expect(200);
  await api.http.put('/api/v1/clients/org-1/mapping').set(h).send({ pax8CompanyId: null }).expect(200);
  await api.http.put(`/api/v1/catalog/products/${PRODUCT}`).set(h).send({ perDevice: false }).expect(200);
  await api.http.put('/api/v1/settings').set(h).send({ staleDays: 45, licensedStatuses: ['Active', 'Trial'] }).expect(200);
  await api.http.put('/api/v1/settings').set(h).send({ staleDays: 45 }).expect(200);
  await api.http.put('/api/v1/settings').set(h).send({ schedule: { enabled: false, cron: '0 3 * * *' } }).expect(200);
  const key = (await api.http.post('/api/v1/api-keys').set(h).send({ name: 'QBR deck', scopes: ['sync'] }).expect(201)).body;
  const [stored] = await db(api).query(`SELECT key_hash, key_prefix FROM api_key WHERE tenant_id = $1 AND id = $2`, [tenant, key.id]);
  Object.assign(created, { keyId: key.id, key: key.key, keyHash: stored.key_hash, keyPrefix: stored.key_prefix });
  await api.http.delete(`/api/v1/api-keys/${key.id}`).set(h).expect(200);
  await api.http.delete(`/api/v1/api-keys/${key.id}`).set(h).expect(200);
  await api.http.put('/api/v1/integrations/pax8').set(h).send(pax8({ clientSecret: PAX8_SECRET })).expect(200);
  await api.http.put('/api/v1/integrations/pax8').set(h).send(pax8({ clientSecret: PAX8_SECRET })).expect(200); // the same secret again
  await api.http.put('/api/v1/integrations/pax8').set(h).send(pax8({ enabled: false })).expect(200); // secret kept
  await api.http.put('/api/v1/integrations/pax8').set(h).send(pax8({ enabled: false, clientSecret: PAX8_SECRET_2 })).expect(200);
  // Refused: a new host without the secret. Nothing is saved, so nothing is recorded.
  await api.http.put('/api/v1/integrations/pax8').set(h).send(pax8({ baseUrl: 'http://127.0.0.2:9/v1' })).expect(400);
  await api.http.put('/api/v1/integrations/panelone').set(h).send({ baseUrl: 'http://127.0.0.1:9', apiToken: PANELONE_TOKEN, enabled: true }).expect(200);
  span.to = Date.now();

  // Another tenant's admin makes a change of its own.
  await api.http.put('/api/v1/settings').set(await as(other, 'admin', 'mallory')).send({ staleDays: 7 }).expect(200);
});
afterAll(() => api?.close());

describe('what is recorded', () => {
  it('each change appears once, newest first, with who, when, before and after', async () => {
    const { items, total } = await audit({ limit: '500' });
    const mine = (e: Entry) => ({ actor: e.actor, actorRole: e.actorRole, type: e.type, clientId: e.clientId, subject: e.subject, before: e.before, after: e.after });
    const defaults = { staleDays: 30, countedClasses: expect.any(Array), licensedStatuses: ['Active'], matchedTolerance: 0 };
    const by = { actor: 'alice', actorRole: 'admin' };
    expect(items.map(mine)).toEqual([
      { ...by, type: 'integration.configured', clientId: null, subject: 'panelone', before: null, after: { enabled: true, config: { baseUrl: 'http://127.0.0.1:9' }, secretChanged: true } },
      { ...by, type: 'integration.configured', clientId: null, subject: 'pax8', before: { enabled: false, config: pax8Config }, after: { enabled: false, config: pax8Config, secretChanged: true } },
      { ...by, type: 'integration.configured', clientId: null, subject: 'pax8', before: { enabled: true, config: pax8Config }, after: { enabled: false, config: pax8Config, secretChanged: false } },
      { ...by, type: 'integration.configured', clientId: null, subject: 'pax8', before: null, after: { enabled: true, config: pax8Config, secretChanged: true } },
      { ...by, type: 'api-key.revoked', clientId: null, subject: created.keyId, before: { id: created.keyId, name: 'QBR deck', scopes: ['read', 'sync'], revokedAt: null }, after: { id: created.keyId, name: 'QBR deck', scopes: ['read', 'sync'], revokedAt: expect.any(String) } },
      { ...by, type: 'api-key.created', clientId: null, subject: created.keyId, before: null, after: { id: created.keyId, name: 'QBR deck', scopes: ['read', 'sync'], revokedAt: null } },
      { ...by, type: 'settings.schedule-changed', clientId: null, subject: 'schedule', before: { cron: expect.any(String), timeZone: 'UTC', enabled: true }, after: { cron: '0 3 * * *', timeZone: 'UTC', enabled: false } },
      { ...by, type: 'settings.rules-changed', clientId: null, subject: 'rules', before: defaults, after: { ...defaults, staleDays: 45, licensedStatuses: ['Active', 'Trial'] } },
      { ...by, type: 'product.per-device-changed', clientId: null, subject: PRODUCT, before: { name: 'SentinelOne Complete EDR', perDevice: true, confirmed: false }, after: { name: 'SentinelOne Complete EDR', perDevice: false, confirmed: true } },
      { ...by, type: 'mapping.changed', clientId: 'org-1', subject: 'org-1', before: { pax8CompanyId: COMPANY_1, pax8CompanyName: 'Acme Corporation', mappingState: 'confirmed' }, after: { pax8CompanyId: null, pax8CompanyName: null, mappingState: 'none' } },
      { ...by, type: 'mapping.changed', clientId: 'org-1', subject: 'org-1', before: { pax8CompanyId: null, pax8CompanyName: null, mappingState: 'none' }, after: { pax8CompanyId: COMPANY_1, pax8CompanyName: 'Acme Corporation', mappingState: 'confirmed' } },
    ]);
    expect(total).toBe(11);
    expect(new Set(items.map((e) => e.id)).size).toBe(11);
    const times = items.map((e) => Date.parse(e.at));
    expect(times.every((t) => t >= span.from && t <= span.to)).toBe(true); // when it happened
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // The request that made the first change can be found by its correlation id.
    const [row] = await db(api).query(`SELECT type FROM audit_log WHERE tenant_id = $1 AND correlation_id = $2`, [tenant, `audit-corr-${stamp}`]);
    expect(row).toEqual({ type: 'mapping.changed' });
  });

  it('no secret is in any audit answer nor in the table: not the integration secrets, not the API key, its prefix or its hash', async () => {
    const answers = [await audit({ limit: '500' }), await audit({ type: 'integration.' }), await audit({ type: 'api-key.' })].map((a) => JSON.stringify(a));
    const rows = JSON.stringify(await db(api).query(`SELECT * FROM audit_log WHERE tenant_id = $1`, [tenant]));
    const secrets = [PAX8_SECRET, PAX8_SECRET_2, PANELONE_TOKEN, created.key!, created.keyHash!, created.keyPrefix!];
    for (const text of [...answers, rows]) for (const s of secrets) expect(text.includes(s)).toBe(false);
    expect(answers[1]).toContain('secretChanged');
  });

  it('filters by client, by exact type or prefix, by time, and pages', async () => {
    expect((await audit({ clientId: 'org-1' })).items.map((e) => e.type)).toEqual(['mapping.changed', 'mapping.changed']);
    expect((await audit({ clientId: 'org-2' }))).toEqual({ items: [], total: 0 });
    expect((await audit({ type: 'settings.' })).items.map((e) => e.type)).toEqual(['settings.schedule-changed', 'settings.rules-changed']);
    expect((await audit({ type: 'settings.rules-changed' })).items.map((e) => e.subject)).toEqual(['rules']);
    expect((await audit({ type: 'settings' })).total).toBe(0); // exact unless it ends with a dot
    expect((await audit({ type: 'api-key.created' })).items.map((e) => e.subject)).toEqual([created.keyId]);

    const all = (await audit()).items;
    const [firstDay, lastDay] = [all[all.length - 1].at.slice(0, 10), all[0].at.slice(0, 10)];
    const dayAfter = new Date(Date.parse(lastDay) + 86_400_000).toISOString().slice(0, 10);
    expect((await audit({ from: firstDay, to: lastDay })).total).toBe(11); // a date alone as `to` is that whole day
    expect((await audit({ from: dayAfter })).total).toBe(0);
    expect((await audit({ to: '2020-01-01T00:00:00Z' })).total).toBe(0);
    const middle = all[5].at;
    expect((await audit({ to: middle })).items.map((e) => e.id)).toEqual(all.slice(5).map((e) => e.id));
    expect((await audit({ from: middle })).items.map((e) => e.id)).toEqual(all.slice(0, 6).map((e) => e.id));

    const page = await audit({ limit: '3', offset: '2' });
    expect(page.total).toBe(11);
    expect(page.items.map((e) => e.id)).toEqual(all.slice(2, 5).map((e) => e.id));
  });
});

describe('append-only', () => {
  it('UPDATE, DELETE and TRUNCATE on audit_log fail in SQL, and every row stays', async () => {
    const before = await db(api).query(`SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id`, [tenant]);
    await expect(db(api).query(`UPDATE audit_log SET actor = 'nobody' WHERE tenant_id = $1`, [tenant])).rejects.toThrow(/append-only/);
    await expect(db(api).query(`UPDATE audit_log SET after = NULL`)).rejects.toThrow(/append-only/);
    await expect(db(api).query(`DELETE FROM audit_log WHERE tenant_id = $1`, [tenant])).rejects.toThrow(/append-only/);
    await expect(db(api).query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(await db(api).query(`SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id`, [tenant])).toEqual(before);
  });

  it("a tenant's entries go only with the tenant itself", async () => {
    const gone = uniqueTenant('audit-gone');
    await api.http.post('/api/v1/api-keys').set(await as(gone, 'admin')).send({ name: 'k', scopes: ['read'] }).expect(201);
    expect(await count(gone)).toBe(1);
    await expect(db(api).query(`DELETE FROM audit_log WHERE tenant_id = $1`, [gone])).rejects.toThrow(/append-only/);
    await db(api).query(`DELETE FROM tenant WHERE tenant_id = $1`, [gone]);
    expect(await count(gone)).toBe(0);
    expect(await count(tenant)).toBe(11);
  });
});

describe('who may read it', () => {
  it('viewers, technicians and API keys get a 403; another tenant sees none of these entries', async () => {
    for (const role of ['viewer', 'technician'] as const) {
      const res = await api.http.get('/api/v1/audit').set(await as(tenant, role)).expect(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String), correlationId: expect.any(String) });
    }
    for (const scopes of [['read'], ['read', 'sync']]) {
      const key = (await api.http.post('/api/v1/api-keys').set(await as(other, 'admin', 'mallory')).send({ name: `k-${scopes.join('-')}`, scopes }).expect(201)).body.key;
      await api.http.get('/api/v1/audit').set({ Authorization: `Bearer ${key}` }).expect(403);
    }
    const theirs = await audit({ limit: '500' }, await as(other, 'admin', 'mallory'));
    expect(theirs.items.map((e) => [e.type, e.actor])).toEqual([
      ['api-key.created', 'mallory'], ['api-key.created', 'mallory'], ['settings.rules-changed', 'mallory'],
    ]);
    const text = JSON.stringify(theirs);
    for (const marker of ['alice', 'org-1', created.keyId!, PRODUCT]) expect(text.includes(marker)).toBe(false);
    expect((await audit({ clientId: 'org-1' }, await as(other, 'admin', 'mallory'))).total).toBe(0);
  });
});

describe('bad filters', () => {
  it('are a 400 naming the problem, and change nothing', async () => {
    const before = await audit({ limit: '500' });
    const rows = await count(tenant);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ from: '2025-02-01', to: '2025-01-01' }, /from must not be after to/],
      [{ from: 'last week' }, /from must be an ISO 8601 date/],
      [{ to: '2025-01-31T12:00:00' }, /to must be an ISO 8601 date/], // no zone
      [{ from: '2025-02-30' }, /from must be an ISO 8601 date/],
      [{ type: 'settings.%' }, /type must be an entry type/],
      [{ type: "x' OR '1'='1" }, /type must be an entry type/],
      [{ clientId: 'x'.repeat(201) }, /clientId/],
      [{ limit: '0' }, /limit/],
      [{ limit: '501' }, /limit/],
      [{ offset: '-1' }, /offset/],
      [{ actor: 'alice' }, /property actor should not exist/],
    ];
    for (const [query, message] of cases) {
      const res = await api.http.get('/api/v1/audit').query(query).set(await admin());
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message), correlationId: expect.any(String) });
    }
    expect(await count(tenant)).toBe(rows);
    expect(await audit({ limit: '500' })).toEqual(before);
  });
});
