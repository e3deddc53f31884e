// Device-row retention: a tenant's retentionMonths deletes the device rows of its older
// snapshots (their counts and reconciliation stay), reads say so plainly (410 and
// deviceRowsRetained: false), a month another tenant still keeps loses only the expired
// tenant's rows, and a month nobody keeps is dropped as a whole partition.
import pg from 'pg';
import { DeviceRetentionService } from '../../src/snapshots/device-retention.service.js';
import { SnapshotRepository } from '../../src/snapshots/snapshot.repository.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { db, pages, seedScenario, snapshots } from '../reconciliation/scenario.js';

let api: TestApi;
const a = uniqueTenant('retain-a');
const b = uniqueTenant('retain-b');
const at = (iso: string) => new Date(iso);
// Months far from the present, so no other spec's snapshot shares them; `now` is given to enforce().
const NOW = at('2024-09-10T08:00:00Z');
let ids: { aOld: string; aKept: string; bOld: string };
let adminA: { Authorization: string };
let adminB: { Authorization: string };
let summaryBefore: unknown;

const rowsOf = async (tenant: string, snapshotId: string) =>
  (await db(api).query(`SELECT count(*)::int AS n FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2`, [tenant, snapshotId]))[0].n as number;
const partitionExists = async (name: string) => Boolean((await db(api).query(`SELECT to_regclass($1) AS t`, [name]))[0].t);

beforeAll(async () => {
  api = await startTestApi();
  const devicesA = await seedScenario(api, a);
  const devicesB = await seedScenario(api, b);
  const take = (tenant: string, devices: typeof devicesA, asOf: string) =>
    snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices), asOf: at(asOf) }).then((r) => r.snapshotId);
  ids = {
    aOld: await take(a, devicesA, '2024-03-15T12:00:00Z'),
    aKept: await take(a, devicesA, '2024-08-15T12:00:00Z'),
    bOld: await take(b, devicesB, '2024-03-20T12:00:00Z'),
  };
  adminA = { Authorization: `Bearer ${await api.token(a, 'admin')}` };
  adminB = { Authorization: `Bearer ${await api.token(b, 'admin')}` };
  summaryBefore = (await api.http.get(`/api/v1/reconciliation/summary?snapshotId=${ids.aOld}`).set(adminA).expect(200)).body;
});
afterAll(() => api.close());

it('puts each snapshot\'s device rows in the partition of its month', async () => {
  const rows = await db(api).query(
    `SELECT DISTINCT tableoid::regclass::text AS partition FROM snapshot_device WHERE tenant_id = $1 ORDER BY 1`, [a]);
  expect(rows.map((r: { partition: string }) => r.partition)).toEqual(['snapshot_device_p202403', 'snapshot_device_p202408']);
});

it('keeps every device row while no retention is set (the default)', async () => {
  expect((await api.http.get('/api/v1/settings').set(adminA).expect(200)).body.retentionMonths).toBeNull();
  const report = await api.app.get(DeviceRetentionService).enforce(NOW);
  expect(report).toEqual({ droppedMonths: [], deletedRows: 0, snapshotsCleared: 0 });
  expect(await rowsOf(a, ids.aOld)).toBe(27);
});

it('refuses a retention that is not a whole number of months from 1', async () => {
  for (const retentionMonths of [0, -1, 1.5, 'six', 1201]) {
    await api.http.put('/api/v1/settings').set(adminA).send({ retentionMonths }).expect(400);
  }
  expect((await api.http.get('/api/v1/settings').set(adminA).expect(200)).body.retentionMonths).toBeNull();
});

describe('a tenant keeping device rows for 2 months', () => {
  beforeAll(async () => {
    const res = await api.http.put('/api/v1/settings').set(adminA).send({ retentionMonths: 2 }).expect(200);
    expect(res.body.retentionMonths).toBe(2);
  });

  it('loses only its own rows older than that, by bounded deletes, while another tenant keeps the month', async () => {
    const report = await api.app.get(DeviceRetentionService).enforce(NOW);
    expect(report).toEqual({ droppedMonths: [], deletedRows: 27, snapshotsCleared: 1 });
    expect(await rowsOf(a, ids.aOld)).toBe(0);
    expect(await rowsOf(a, ids.aKept)).toBe(27); // August is within 2 months of September
    expect(await rowsOf(b, ids.bOld)).toBe(27); // b keeps its rows for ever
    expect(await partitionExists('snapshot_device_p202403')).toBe(true);
  });

  it('says plainly that the rows are gone, and keeps the counts and the reconciliation', async () => {
    const viewer = { Authorization: `Bearer ${await api.token(a, 'viewer')}` };
    const old = (await api.http.get(`/api/v1/snapshots/${ids.aOld}`).set(viewer).expect(200)).body;
    expect(old).toMatchObject({ deviceRowsRetained: false, deviceCount: 27 });
    expect((await api.http.get(`/api/v1/snapshots/${ids.aKept}`).set(viewer).expect(200)).body.deviceRowsRetained).toBe(true);
    const gone = await api.http.get(`/api/v1/snapshots/${ids.aOld}/devices`).set(viewer).expect(410);
    expect(gone.body.message).toMatch(/deleted by the retention setting/);
    const technician = { Authorization: `Bearer ${await api.token(a, 'technician')}` };
    await api.http.get(`/api/v1/snapshots/${ids.aOld}/devices.csv`).set(technician).expect(410);
    expect((await api.http.get(`/api/v1/snapshots/${ids.aKept}/devices`).set(viewer).expect(200)).body.total).toBe(27);
    // What changed since a snapshot without its rows would call every device added: 410, named and dated.
    for (const path of [`/api/v1/snapshots/${ids.aKept}/changes`, `/api/v1/snapshots/${ids.aKept}/changes?against=${ids.aOld}&clientId=org-acme`]) {
      const res = await api.http.get(path).set(viewer).expect(410);
      expect(res.body.message).toBe('The device rows of the snapshot of 2024-03-15 were deleted by the retention setting, so what changed cannot be shown; its counts and reconciliation are kept');
    }

    const summary = (await api.http.get(`/api/v1/reconciliation/summary?snapshotId=${ids.aOld}`).set(viewer).expect(200)).body;
    expect(summary).toEqual(summaryBefore);
    expect(summary.billableCount).toBeGreaterThan(0);
    const detail = (await api.http.get(`/api/v1/reconciliation/clients/org-acme?snapshotId=${ids.aOld}`).set(viewer).expect(200)).body;
    expect(detail.trend.length).toBeGreaterThan(0);
    const qbr = await api.http.get(`/api/v1/reconciliation/clients/org-acme/export.csv?snapshotId=${ids.aOld}`).set(technician).expect(200);
    expect(qbr.text).toMatch(/Device rows of this snapshot were deleted by the retention setting/);
    expect(qbr.text).not.toMatch(/Hostname,Serial number/);
  });

  it('drops the whole month once no tenant keeps it', async () => {
    await api.http.put('/api/v1/settings').set(adminB).send({ retentionMonths: 3 }).expect(200);
    const report = await api.app.get(DeviceRetentionService).enforce(NOW);
    expect(report).toEqual({ droppedMonths: ['2024-03-01'], deletedRows: 0, snapshotsCleared: 1 });
    expect(await partitionExists('snapshot_device_p202403')).toBe(false);
    const viewerB = { Authorization: `Bearer ${await api.token(b, 'viewer')}` };
    expect((await api.http.get(`/api/v1/snapshots/${ids.bOld}`).set(viewerB).expect(200)).body.deviceRowsRetained).toBe(false);
    await api.http.get(`/api/v1/snapshots/${ids.bOld}/devices`).set(viewerB).expect(410);
    // Nothing else moved, and a second pass has nothing to do.
    expect(await rowsOf(a, ids.aKept)).toBe(27);
    expect(await api.app.get(DeviceRetentionService).enforce(NOW)).toEqual({ droppedMonths: [], deletedRows: 0, snapshotsCleared: 0 });
  });

  it('records the change in the audit log', async () => {
    const res = await api.http.get('/api/v1/audit?type=settings.retention-changed').set(adminA).expect(200);
    expect(res.body.items[0]).toMatchObject({ type: 'settings.retention-changed', before: { retentionMonths: null }, after: { retentionMonths: 2 } });
  });
});

describe('a month no snapshot uses', () => {
  it('is left alone while a snapshot of that month is being taken, dropped after, and a later back-fill brings it back', async () => {
    await api.app.get(SnapshotRepository).ensurePartition('2024-01-01');
    // An ingest of January holds the month (shared) for its transaction.
    const ingest = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await ingest.connect();
    try {
      await ingest.query('BEGIN');
      await ingest.query(`SELECT pg_advisory_xact_lock_shared(hashtext('b1r:snapshot-month'), hashtext('2024-01-01'))`);
      expect((await api.app.get(DeviceRetentionService).enforce(NOW)).droppedMonths).toEqual([]);
      expect(await partitionExists('snapshot_device_p202401')).toBe(true);
      await ingest.query('ROLLBACK');
    } finally {
      await ingest.end();
    }
    expect(await api.app.get(DeviceRetentionService).enforce(NOW)).toEqual({ droppedMonths: ['2024-01-01'], deletedRows: 0, snapshotsCleared: 0 });
    expect(await partitionExists('snapshot_device_p202401')).toBe(false);

    const c = uniqueTenant('retain-backfill');
    const backfill = await seedScenario(api, c);
    const { snapshotId } = await snapshots(api).take(c, { trigger: 'manual', devices: pages(backfill), asOf: at('2024-01-20T12:00:00Z') });
    expect(await rowsOf(c, snapshotId)).toBe(27);
    expect(await partitionExists('snapshot_device_p202401')).toBe(true);
    // Created by the ingest with the snapshot id's statistics target (a partition does not take its parent's).
    expect((await db(api).query(
      `SELECT attstattarget AS target FROM pg_attribute WHERE attrelid = 'snapshot_device_p202401'::regclass AND attname = 'snapshot_id'`))[0].target).toBe(10);
  });
});
