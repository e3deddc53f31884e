// GET /reconciliation/summary and /reconciliation/clients answer from memory while nothing
// changed, and a change is visible as soon as it has committed: through the API of the same
// instance at once (no waiting), from another instance or straight in the database as soon as
// PostgreSQL's NOTIFY has reached the listener (a bounded wait, stated where it is used).
//
// "Served from memory" is observed the only way a user could: a write that deliberately goes
// around the triggers (session_replication_role = replica disables them, so no NOTIFY is sent)
// stays invisible while the cache holds the answer, and is seen once the cache is bypassed.
import pg from 'pg';
import { ReconciliationCacheService, LISTENER_APPLICATION_NAME } from '../../src/reconciliation/reconciliation-cache.service.js';
import { createWorker } from '../../src/bootstrap.js';
import { startTestApi, testConfig, uniqueTenant, type TestApi } from '../support/app.js';
import { COMPANY, device, pages, seedScenario, snapshots } from './scenario.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const SEEDED = { underLicensed: 2, overLicensed: 1, matched: 1, unmapped: 1, revenueAtRisk: usd(12), overspend: usd(34.6) };
/** NOTIFY delivery to another connection is asynchronous; on one machine it takes milliseconds. */
const DELIVERY_MS = 3000;

let api: TestApi;
let sql: pg.Client; // "someone in psql": a connection of its own, outside the app

const auth = async (a: TestApi, tenant: string, role: 'viewer' | 'admin' = 'viewer') => ({ Authorization: `Bearer ${await a.token(tenant, role)}` });
const cacheOf = (a: TestApi) => a.app.get(ReconciliationCacheService);

async function summary(a: TestApi, tenant: string, query = '') {
  return (await a.http.get(`/api/v1/reconciliation/summary${query}`).set(await auth(a, tenant)).expect(200)).body;
}
async function list(a: TestApi, tenant: string, query = '') {
  return (await a.http.get(`/api/v1/reconciliation/clients${query}`).set(await auth(a, tenant)).expect(200)).body;
}
const nameOf = (body: { items: Array<{ clientId: string; name: string }> }, clientId: string) => body.items.find((i) => i.clientId === clientId)?.name;

/** A tenant with the hand-made scenario and one snapshot, taken through the real SnapshotsService. */
async function seededTenant(a: TestApi, label: string) {
  const tenant = uniqueTenant(label);
  const devices = await seedScenario(a, tenant);
  const { snapshotId } = await snapshots(a).take(tenant, { trigger: 'manual', devices: pages(devices, 8) });
  return { tenant, devices, snapshotId };
}

/** A change the triggers do not see (no NOTIFY): only a cache bypass can reveal it. */
async function unnotifiedRename(tenant: string, clientId: string, name: string): Promise<void> {
  await sql.query('BEGIN');
  await sql.query(`SET LOCAL session_replication_role = replica`);
  await sql.query(`UPDATE reconciliation_client SET name = $3 WHERE tenant_id = $1 AND organization_id = $2`, [tenant, clientId, name]);
  await sql.query('COMMIT');
}

/**
 * NOTIFY reaches the listener asynchronously and may come after the write's response (a busy
 * event loop, a slow network). Holding the listener's socket back simulates that, so that only
 * the writing process's own invalidation at commit can make reads inside `work` right.
 */
async function withNotifyHeldBack<T>(a: TestApi, work: () => Promise<T>): Promise<T> {
  const listener = (cacheOf(a) as unknown as { client?: { connection: { stream: { pause(): void; resume(): void } } } }).client;
  if (!listener) throw new Error('the cache is not listening');
  listener.connection.stream.pause();
  try {
    return await work();
  } finally {
    listener.connection.stream.resume();
  }
}

/** Polls `check` until it passes or `ms` ran out (then fails with its last error). */
async function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function listenerCount(): Promise<number> {
  const { rows } = await sql.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTENER_APPLICATION_NAME],
  );
  return rows[0].n;
}

async function killListeners(): Promise<number> {
  const { rowCount } = await sql.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
    [LISTENER_APPLICATION_NAME],
  );
  return rowCount ?? 0;
}

beforeAll(async () => {
  api = await startTestApi();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
});
afterAll(async () => {
  await sql.end();
  await api.close();
});

describe('answers from memory', () => {
  it('repeats an answer without asking PostgreSQL while nothing that notifies has changed', async () => {
    const { tenant } = await seededTenant(api, 'cache-hit');
    expect(cacheOf(api).isListening()).toBe(true);
    // The seeding's own NOTIFY may reach the listener after the first read (a loaded machine) and
    // rightly drop its answer: then the round is tried again, the name put back unnoticed first.
    // A cache that never answered from memory fails every round.
    await within(10_000, async () => {
      expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Legal');
      await unnotifiedRename(tenant, 'org-gamma', 'Not Notified');
      try {
        // Still the remembered answer: this read did not reach the table (with no cache it would show 'Not Notified').
        expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Legal');
      } catch (err) {
        await unnotifiedRename(tenant, 'org-gamma', 'Gamma Legal');
        throw err;
      }
    });
    // A request with other parameters is another entry, read fresh.
    expect(nameOf(await list(api, tenant, '?sort=name'), 'org-gamma')).toBe('Not Notified');
  });
});

describe('a committed change is seen by the next read', () => {
  it('a mapping change through the API: summary and list at once, with no wait', async () => {
    const { tenant } = await seededTenant(api, 'cache-mapping');
    expect(await summary(api, tenant)).toMatchObject(SEEDED);
    const before = await list(api, tenant, '?status=unmapped');
    expect(before.items.map((i: { clientId: string }) => i.clientId)).toEqual(['org-delta']);

    await withNotifyHeldBack(api, async () => {
      await api.http.put('/api/v1/clients/org-delta/mapping').set(await auth(api, tenant, 'admin')).send({ pax8CompanyId: COMPANY.spare }).expect(200);
      expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, unmapped: 0 });
      expect(await list(api, tenant, '?status=unmapped')).toMatchObject({ items: [], total: 0 });
    });

    // Delta (2 billable devices) is now mapped to a company with no licences: under-licensed by 2.
    expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, unmapped: 0 });
    expect(await list(api, tenant, '?status=unmapped')).toMatchObject({ items: [], total: 0 });
    expect((await list(api, tenant)).items).toContainEqual(expect.objectContaining({ clientId: 'org-delta', status: 'under-licensed', variance: 2, pax8CompanyId: COMPANY.spare }));
  });

  it('a new snapshot becomes the latest at once; the older one stays readable by id', async () => {
    const { tenant, devices, snapshotId: first } = await seededTenant(api, 'cache-snapshot');
    expect((await summary(api, tenant)).snapshot.id).toBe(first);
    expect((await list(api, tenant)).total).toBe(5);

    // Echo's devices are gone in the next read of PanelOne.
    const second = await withNotifyHeldBack(api, async () => {
      const taken = (await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices.filter((d) => d.organizationId !== 'org-echo')) })).snapshotId;
      expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, snapshot: { id: taken, takenAt: expect.any(String) }, underLicensed: 1 });
      return taken;
    });

    const latest = await list(api, tenant);
    expect(latest.snapshot.id).toBe(second);
    expect(latest.items.map((i: { clientId: string }) => i.clientId)).not.toContain('org-echo');
    expect((await summary(api, tenant, `?snapshotId=${first}`))).toMatchObject({ ...SEEDED, snapshot: { id: first, takenAt: expect.any(String) } });
    expect((await list(api, tenant, `?snapshotId=${first}`)).total).toBe(5);
  });

  it('a failed snapshot changes nothing that is shown', async () => {
    const { tenant, devices, snapshotId } = await seededTenant(api, 'cache-failed');
    const before = { summary: await summary(api, tenant), list: await list(api, tenant) };
    const more = [...devices, ...Array.from({ length: 12 }, (_, i) => device('org-beta', `late-${i}`))];
    await expect(snapshots(api).take(tenant, { trigger: 'manual', devices: pages(more, 4, 5) })).rejects.toThrow('PanelOne went away mid-read');
    expect(await summary(api, tenant)).toEqual(before.summary);
    expect(await list(api, tenant)).toEqual(before.list);
    expect(before.summary.snapshot.id).toBe(snapshotId);
  });

  it('writes made straight in the database (UPDATE, a snapshot marked failed, DELETE) are caught by the triggers', async () => {
    const { tenant, devices, snapshotId: first } = await seededTenant(api, 'cache-raw');
    const second = (await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) })).snapshotId;
    expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Legal');
    expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, snapshot: { id: second } });

    // Another connection, another process as far as the app knows: seen once NOTIFY arrives.
    await sql.query(`UPDATE reconciliation_client SET name = 'Gamma Renamed', status = 'under-licensed' WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = 'org-gamma'`, [tenant, second]);
    await within(DELIVERY_MS, async () => {
      expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Renamed');
      expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, matched: 0 });
    });

    // The latest snapshot marked failed: the reads fall back to the first one.
    await sql.query(`UPDATE snapshot SET status = 'failed' WHERE tenant_id = $1 AND id = $2`, [tenant, second]);
    await within(DELIVERY_MS, async () => {
      expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, snapshot: { id: first } });
      expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Legal');
    });

    // Every snapshot deleted (its reconciliation rows go by cascade): nothing to show.
    await sql.query(`DELETE FROM snapshot WHERE tenant_id = $1`, [tenant]);
    await within(DELIVERY_MS, async () => {
      expect(await summary(api, tenant)).toMatchObject({ snapshot: null, underLicensed: 0 });
      expect(await list(api, tenant)).toMatchObject({ snapshot: null, version: null, items: [], total: 0, totals: { devices: 0 } });
    });
  });
});

describe('a read under way when a change commits', () => {
  it('returns what it read but does not keep it: the next read sees the change', async () => {
    const { tenant } = await seededTenant(api, 'cache-race');
    const cache = cacheOf(api);
    const gammaName = async () => (await sql.query(
      `SELECT name FROM reconciliation_client WHERE tenant_id = $1 AND organization_id = 'org-gamma'`, [tenant],
    )).rows[0].name as string;
    expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma Legal'); // remembered

    // A read that has its (soon old) answer from PostgreSQL but has not stored it yet...
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow = cache.read(tenant, ['race-probe'], async () => {
      const name = await gammaName();
      await gate;
      return { name };
    });
    await new Promise((r) => setTimeout(r, 50));
    // ...while a change commits and its NOTIFY arrives (seen: the remembered list is dropped).
    await sql.query(`UPDATE reconciliation_client SET name = 'Gamma After' WHERE tenant_id = $1 AND organization_id = 'org-gamma'`, [tenant]);
    await within(DELIVERY_MS, async () => expect(nameOf(await list(api, tenant), 'org-gamma')).toBe('Gamma After'));
    release();
    expect(await slow).toEqual({ name: 'Gamma Legal' });
    // Had the old answer been stored, this would return it instead of reading.
    expect(await cache.read(tenant, ['race-probe'], async () => ({ name: await gammaName() }))).toEqual({ name: 'Gamma After' });
  });
});

describe('more than one instance', () => {
  it('a change made through instance A is seen by instance B once the NOTIFY arrives, and by A at once', async () => {
    const b = await startTestApi();
    try {
      const { tenant } = await seededTenant(api, 'cache-replicas');
      expect(cacheOf(b).isListening()).toBe(true);
      // B remembers the answers (proven: an unnotified change stays invisible on B).
      expect(await summary(b, tenant)).toMatchObject(SEEDED);
      expect(nameOf(await list(b, tenant), 'org-beta')).toBe('Beta Dental');
      await unnotifiedRename(tenant, 'org-beta', 'Beta Unnotified');
      expect(nameOf(await list(b, tenant), 'org-beta')).toBe('Beta Dental');

      await api.http.put('/api/v1/clients/org-delta/mapping').set(await auth(api, tenant, 'admin')).send({ pax8CompanyId: COMPANY.spare }).expect(200);

      // A (the writer) at once; B as soon as the notification has been delivered (bounded wait).
      expect(await summary(api, tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, unmapped: 0 });
      await within(DELIVERY_MS, async () => {
        expect(await summary(b, tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, unmapped: 0 });
        // The re-reconcile rewrote the rows from snapshot_client: the unnotified name is gone too.
        expect(nameOf(await list(b, tenant), 'org-beta')).toBe('Beta Dental');
        expect(await list(b, tenant, '?status=unmapped')).toMatchObject({ items: [], total: 0 });
      });
    } finally {
      await b.close();
    }
  });
});

describe('the LISTEN connection', () => {
  it('while it is down every read goes to PostgreSQL; once it is back, caching resumes and stays correct', async () => {
    const { tenant } = await seededTenant(api, 'cache-listener');
    const cache = cacheOf(api);
    expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme Corp'); // remembered

    expect(await killListeners()).toBeGreaterThanOrEqual(1);
    await within(DELIVERY_MS, async () => expect(cache.isListening()).toBe(false));

    // Down: a change nobody is notified of is seen at once, by every read (nothing is remembered).
    await unnotifiedRename(tenant, 'org-acme', 'Acme While Down');
    expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme While Down');
    await unnotifiedRename(tenant, 'org-acme', 'Acme Still Down');
    expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme Still Down');

    // Back (reconnects by itself, with backoff): everything from before is dropped, caching resumes.
    await within(10_000, async () => expect(cache.isListening()).toBe(true));
    expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme Still Down');
    await unnotifiedRename(tenant, 'org-acme', 'Acme Unnotified');
    expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme Still Down'); // from memory again

    // ...and notified changes invalidate it again.
    await sql.query(`UPDATE reconciliation_client SET name = 'Acme Notified' WHERE tenant_id = $1 AND organization_id = 'org-acme'`, [tenant]);
    await within(DELIVERY_MS, async () => expect(nameOf(await list(api, tenant), 'org-acme')).toBe('Acme Notified'));
  });

  it('is opened by processes that serve HTTP only, not by a worker-only process', async () => {
    const before = await listenerCount();
    const worker = await createWorker(testConfig(), process.env.DATABASE_URL!);
    await worker.init();
    try {
      expect(worker.get(ReconciliationCacheService).isListening()).toBe(false);
      expect(await listenerCount()).toBe(before);
    } finally {
      await worker.close();
    }
  });

  it('is one connection of its own, named, and closed with the app', async () => {
    const b = await startTestApi();
    const count = listenerCount;
    const withB = await within(DELIVERY_MS, async () => {
      const n = await count();
      expect(n).toBeGreaterThanOrEqual(2);
      return n;
    });
    await b.close();
    await within(DELIVERY_MS, async () => expect(await count()).toBe(withB - 1));
  });
});

describe('isolation of entries', () => {
  it("one tenant's change and answers never reach another tenant; each filter has its own answer", async () => {
    const a = await seededTenant(api, 'cache-iso-a');
    const b = await seededTenant(api, 'cache-iso-b');
    // Same data, different snapshots: each tenant sees its own.
    expect((await summary(api, a.tenant)).snapshot.id).toBe(a.snapshotId);
    expect((await summary(api, b.tenant)).snapshot.id).toBe(b.snapshotId);
    expect((await list(api, a.tenant)).snapshot.id).toBe(a.snapshotId);
    expect((await list(api, b.tenant)).snapshot.id).toBe(b.snapshotId);

    await api.http.put('/api/v1/clients/org-delta/mapping').set(await auth(api, a.tenant, 'admin')).send({ pax8CompanyId: COMPANY.spare }).expect(200);
    expect(await summary(api, a.tenant)).toMatchObject({ ...SEEDED, underLicensed: 3, unmapped: 0, snapshot: { id: a.snapshotId } });
    expect(await summary(api, b.tenant)).toMatchObject({ ...SEEDED, snapshot: { id: b.snapshotId } });

    // B's change, made in the database: A keeps its own answer.
    await sql.query(`UPDATE reconciliation_client SET name = 'B Only' WHERE tenant_id = $1 AND organization_id = 'org-gamma'`, [b.tenant]);
    await within(DELIVERY_MS, async () => expect(nameOf(await list(api, b.tenant), 'org-gamma')).toBe('B Only'));
    expect(nameOf(await list(api, a.tenant), 'org-gamma')).toBe('Gamma Legal');

    // Filters, sort, order and paging: every variant is its own answer, read after the unfiltered one.
    const ids = (body: { items: Array<{ clientId: string }> }) => body.items.map((i) => i.clientId);
    expect(ids(await list(api, b.tenant))).toEqual(['org-echo', 'org-gamma', 'org-acme', 'org-beta', 'org-delta']);
    expect(ids(await list(api, b.tenant, '?status=matched'))).toEqual(['org-gamma']);
    expect(ids(await list(api, b.tenant, '?status=under-licensed'))).toEqual(['org-echo', 'org-beta']);
    expect(ids(await list(api, b.tenant, '?search=dental'))).toEqual(['org-beta']);
    // By name: 'B Only' (Gamma, renamed above) sorts between Acme Corp and Beta Dental.
    expect(ids(await list(api, b.tenant, '?sort=name'))).toEqual(['org-acme', 'org-gamma', 'org-beta', 'org-delta', 'org-echo']);
    expect(ids(await list(api, b.tenant, '?sort=name&order=desc'))).toEqual(['org-echo', 'org-delta', 'org-beta', 'org-gamma', 'org-acme']);
    expect(await list(api, b.tenant, '?sort=name&limit=2&offset=1')).toMatchObject({ total: 5, items: [{ clientId: 'org-gamma' }, { clientId: 'org-beta' }] });
    expect(await list(api, b.tenant, '?sort=name&limit=2&offset=10')).toMatchObject({ total: 5, items: [] });
  });

  it('a remembered answer cannot be changed by whoever received it', async () => {
    const { tenant } = await seededTenant(api, 'cache-frozen');
    const service = (await import('../../src/reconciliation/reconciliation-reader.service.js')).ReconciliationReader;
    const first = await api.app.get(service).summary(tenant);
    expect(() => { (first as { matched: number }).matched = 99; }).toThrow(TypeError);
    expect((await summary(api, tenant)).matched).toBe(1);
  });
});
