// The snapshot ingest keeps nothing per device in memory: StreamJudge's fixed-size filters let
// most devices be stored with their verdict as the stream goes by, and a device they are unsure
// of (a repeated id, a serial that may repeat) is decided against the stored rows at the end. Here
// a stream full of both, with the other rules mixed in, is taken as a snapshot and every stored
// verdict is compared with DeviceCounter's, the same rules device by device in memory: with the
// default filters, and with filters so small that nearly every device is held back or doubtful.
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
  // Non-ASCII too: white space only JavaScript's trim() strips (no-break, ideographic), and a
  // letter whose upper case is two ('ß' → 'SS'), which the stored rows' lookup must not miss.
  const serials = ['ABC1', ' abc1 ', 'Abc1', 'XYZ9', 'xyz9', '0000', 'N/A', 'To Be Filled By O.E.M.', '', null, 'Q7', 'q7 ', 'ZZ',
    '\u00a0abc1', '\u3000Xyz9', 'straße', 'STRASSE'];
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

/** Takes `devices` as a snapshot and expects every stored verdict and client count DeviceCounter gives; returns the verdicts. */
async function expectDeviceCounterVerdicts(devices: PanelOneDevice[], pageSize: number, filterLog2Bits?: number) {
  const rules = await api.app.get(SettingsRepository).countingRules(tenant);
  const counter = new DeviceCounter(rules, TAKEN_AT, new Set(['org-a', 'org-b']));
  const expected = new Map<string, { counted: boolean; reason: string | null }>();
  // Each client's counts as snapshot_client keeps them, from the same verdicts.
  const clients = new Map<string, { device_count: number; billable_count: number; by_class: Record<string, number>; excluded_by_reason: Record<string, number> }>();
  for (const d of devices) {
    if (!counter.firstSight(d)) continue;
    const verdict = counter.judge(d);
    expected.set(`${d.organizationId}/${d.id}`, verdict);
    const c = clients.get(d.organizationId) ?? { device_count: 0, billable_count: 0, by_class: {}, excluded_by_reason: {} };
    clients.set(d.organizationId, c);
    c.device_count++;
    if (verdict.counted || verdict.reason === 'unmapped-organization') c.billable_count++;
    c.by_class[d.deviceClass] = (c.by_class[d.deviceClass] ?? 0) + 1;
    if (verdict.reason) c.excluded_by_reason[verdict.reason] = (c.excluded_by_reason[verdict.reason] ?? 0) + 1;
  }

  const taken = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, pageSize), asOf: TAKEN_AT, filterLog2Bits });
  const stored: Array<{ organization_id: string; device_id: string; counted: boolean; reason: string | null }> = await db(api).query(
    `SELECT organization_id, device_id, counted, reason FROM snapshot_device WHERE tenant_id = $1 AND snapshot_id = $2`, [tenant, taken.snapshotId]);
  expect(new Map(stored.map((r) => [`${r.organization_id}/${r.device_id}`, { counted: r.counted, reason: r.reason }]))).toEqual(expected);
  expect(taken.deviceCount).toBe(expected.size);
  const counts: Array<{ organization_id: string; device_count: number; billable_count: number; by_class: Record<string, number>; excluded_by_reason: Record<string, number> }> = await db(api).query(
    `SELECT organization_id, device_count, billable_count, by_class, excluded_by_reason FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2`, [tenant, taken.snapshotId]);
  expect(new Map(counts.map(({ organization_id, ...c }) => [organization_id, c]))).toEqual(clients);
  expect(taken.billableCount).toBe([...expected.values()].filter((v) => v.counted).length);
  return expected;
}

// Pages of one (every repeat and duplicate across pages), of 97, and one page of all (all within a
// page); filters of 2^25 bits (the default: unsure of none here), 2^11 (of some) and 2^5 (of nearly all).
it.each([[97, 25], [1, 25], [1500, 25], [97, 11], [97, 5], [1, 5]])('every stored verdict, and the counts, are what DeviceCounter says device by device (pages of %i, filters of 2^%i bits)', async (pageSize, filterLog2Bits) => {
  const expected = await expectDeviceCounterVerdicts(stream(), pageSize, filterLog2Bits);
  expect(new Set([...expected.values()].map((v) => v.reason))).toEqual(new Set([null, 'pending-approval', 'excluded-class', 'stale', 'duplicate-serial', 'unmapped-organization']));
});

// 6,000 devices sharing 1,500 serials: the stored rows StreamJudge asks about (every one of them)
// come back through the cursor in more than one batch.
it('more duplicates than one batch of the stored-serials lookup: the same verdicts', async () => {
  const devices: PanelOneDevice[] = Array.from({ length: 6000 }, (_, i) => ({
    id: `bulk-${i}`, organizationId: i % 3 === 0 ? 'org-c' : 'org-a', hostname: `b${i}`, serialNumber: `${i % 7 === 0 ? ' ' : ''}bulk-${i % 1500}`,
    deviceClass: 'WINDOWS_WORKSTATION', lastContact: new Date(TAKEN_AT.getTime() - DAY_MS).toISOString(), offline: false, approvalStatus: 'APPROVED',
  }));
  const expected = await expectDeviceCounterVerdicts(devices, 1000);
  expect([...expected.values()].filter((v) => v.reason === 'duplicate-serial').length).toBeGreaterThan(4000);
});
