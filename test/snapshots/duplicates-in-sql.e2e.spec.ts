// The snapshot ingest keeps nothing per device in memory: a repeated device id and a duplicate
// serial are decided by PostgreSQL once the stream is in (SnapshotRepository.judgeStaged). Here
// a stream full of both, with the other rules mixed in, is taken as a snapshot and every stored
// verdict is compared with DeviceCounter's, the same rules device by device in memory.
import type { PanelOneDevice } from '../../src/integrations/panelone.client.js';
import { SettingsRepository } from '../../src/settings/settings.repository.js';
import { DeviceCounter } from '../../src/snapshots/device-counting.js';
import { addCompany, addOrganization, db, ensureTenant, mapClient, pages, snapshots } from '../reconciliation/scenario.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';

let api: TestApi;
const tenant = uniqueTenant('dup-sql');
const TAKEN_AT = new Date(Date.now() - 3_600_000);
const DAY_MS = 86_400_000;

/** A fixed stream (a seeded generator): serials that collide within and across organizations, in other case and spacing, placeholders, repeated ids. */
function stream(): PanelOneDevice[] {
  let seed = 18; // mulberry32
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
  const serials = ['ABC1', ' abc1 ', 'Abc1', 'XYZ9', 'xyz9', '0000', 'N/A', 'To Be Filled By O.E.M.', '', null, 'Q7', 'q7 ', 'ZZ'];
  const classes = ['WINDOWS_WORKSTATION', 'MAC', 'WINDOWS_SERVER', 'PRINTER', 'TOASTER'];
  const devices: PanelOneDevice[] = [];
  for (let i = 0; i < 1500; i++) {
    const repeat = i > 10 && next(10) === 0;
    const base: PanelOneDevice = repeat ? { ...devices[next(devices.length)] } : {
      id: `d${i}`, organizationId: ['org-a', 'org-b', 'org-c'][next(3)], hostname: `h${i}`,
      serialNumber: next(4) === 0 ? `S${i}` : (serials[next(serials.length)] as string), deviceClass: classes[next(classes.length)],
      lastContact: new Date(TAKEN_AT.getTime() - next(60) * DAY_MS).toISOString(), offline: next(2) === 0,
      approvalStatus: next(8) === 0 ? 'PENDING' : 'APPROVED',
    };
    // A repeated id may come back with other fields (the second sight is skipped all the same).
    if (repeat && next(2) === 0) base.serialNumber = 'ABC1';
    devices.push(base);
  }
  return devices;
}

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  for (const [org, n] of [['org-a', 1], ['org-b', 2], ['org-c', 3]] as const) {
    await addOrganization(api, tenant, org, org);
    await addCompany(api, tenant, `50000000-0000-4000-8000-00000000000${n}`, org);
  }
  await mapClient(api, tenant, 'org-a', '50000000-0000-4000-8000-000000000001');
  await mapClient(api, tenant, 'org-b', '50000000-0000-4000-8000-000000000002');
});
afterAll(() => api.close());

// Pages of one (every repeat and duplicate across pages), of 97, and one page of all (all within a page).
it.each([97, 1, 1500])('every stored verdict, and the counts, are what DeviceCounter says device by device (pages of %i)', async (pageSize) => {
  const devices = stream();
  const rules = await api.app.get(SettingsRepository).countingRules(tenant);
  const counter = new DeviceCounter(rules, TAKEN_AT, new Set(['org-a', 'org-b']));
  const expected = new Map<string, { counted: boolean; reason: string | null }>();
  for (const d of devices) if (counter.firstSight(d)) expected.set(`${d.organizationId}/${d.id}`, counter.judge(d));
  const reasons = new Set([...expected.values()].map((v) => v.reason));
  expect(reasons).toEqual(new Set([null, 'pending-approval', 'excluded-class', 'stale', 'duplicate-serial', 'unmapped-organization']));

  const taken = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, pageSize), asOf: TAKEN_AT });
  const stored: Array<{ organization_id: string; device_id: string; counted: boolean; reason: string | null }> = await db(api).query(
    `SELECT organization_id, device_id, counted, reason FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2`, [tenant, taken.snapshotId]);
  expect(new Map(stored.map((r) => [`${r.organization_id}/${r.device_id}`, { counted: r.counted, reason: r.reason }]))).toEqual(expected);
  expect(taken.deviceCount).toBe(expected.size);
  expect(taken.billableCount).toBe([...expected.values()].filter((v) => v.counted).length);
});
