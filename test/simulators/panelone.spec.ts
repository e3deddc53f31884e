// PanelOne RMM data API simulator: the contract of docs/contracts-panelone.md (cursor paging, pageSize <= 1000,
// 401 for a bad token, organizationId filter).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEVICE_CLASSES, generateDataset, startPanelOneSimulator, type Device, type PanelOneSimulator } from '../../simulators/index.js';
import { NOW, getJson, walkPanelOne } from './helpers.js';

describe('PanelOne simulator', () => {
  let sim: PanelOneSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startPanelOneSimulator({ dataset: generateDataset({ seed: 5, now: NOW }) });
    token = sim.apiToken;
  });
  afterAll(() => sim.close());

  it('401 for a missing or wrong token', async () => {
    for (const path of ['/api/v2/organizations', '/api/v2/devices']) {
      expect((await getJson(`${sim.url}${path}`)).status).toBe(401);
      const wrong = await getJson(`${sim.url}${path}`, 'wrong');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
      expect((await getJson(`${sim.url}${path}`, token)).status).toBe(200);
    }
  });

  it('organizations: cursor walk returns each exactly once, in the contract shape', async () => {
    const { items, calls } = await walkPanelOne(`${sim.url}/api/v2/organizations`, token, 7);
    expect(items).toEqual(sim.dataset.organizations);
    expect(calls).toBe(Math.ceil(sim.dataset.organizations.length / 7));
    for (const org of items) expect(Object.keys(org).sort()).toEqual(['externalRef', 'id', 'name']);
  });

  it('devices: cursor walk returns every device exactly once, with every contract field', async () => {
    for (const pageSize of [1000, 333]) {
      const { items, calls } = await walkPanelOne<Device>(`${sim.url}/api/v2/devices`, token, pageSize);
      expect(items).toHaveLength(3000);
      expect(new Set(items.map((d) => d.id)).size).toBe(3000);
      expect(calls).toBe(Math.ceil(3000 / pageSize));
      expect(items).toEqual([...sim.dataset.devices.all()]);
    }
    const page = await getJson(`${sim.url}/api/v2/devices?pageSize=5`, token);
    for (const device of page.body.items as Device[]) {
      expect(Object.keys(device).sort()).toEqual(['approvalStatus', 'deviceClass', 'hostname', 'id', 'lastContact', 'offline', 'organizationId', 'serialNumber']);
      expect(DEVICE_CLASSES).toContain(device.deviceClass);
      expect(new Date(device.lastContact).toISOString()).toBe(device.lastContact);
      expect(typeof device.offline).toBe('boolean');
      expect(['APPROVED', 'PENDING']).toContain(device.approvalStatus);
    }
  });

  it('nextCursor is null on the last page, not an extra empty page', async () => {
    const all = await getJson(`${sim.url}/api/v2/devices?pageSize=1000`, token);
    let cursor = all.body.nextCursor as string;
    let last = all;
    while (cursor) {
      last = await getJson(`${sim.url}/api/v2/devices?pageSize=1000&after=${encodeURIComponent(cursor)}`, token);
      cursor = last.body.nextCursor;
    }
    expect(last.body.items).toHaveLength(1000);
    expect(last.body.nextCursor).toBeNull();
  });

  it('organizationId filter returns exactly that organization\'s devices', async () => {
    const org = sim.dataset.organizations[3];
    const { items } = await walkPanelOne<Device>(`${sim.url}/api/v2/devices?organizationId=${org.id}`, token, 10);
    const expected = [...sim.dataset.devices.all()].filter((d) => d.organizationId === org.id);
    expect(expected.length).toBeGreaterThan(10);
    expect(items).toEqual(expected);
    const none = await getJson(`${sim.url}/api/v2/devices?organizationId=org-unknown`, token);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('pageSize above 1000, below 1 or malformed, and a forged cursor: 400', async () => {
    for (const query of ['pageSize=1001', 'pageSize=0', 'pageSize=ten', 'after=not-a-cursor']) {
      for (const path of ['/api/v2/devices', '/api/v2/organizations']) {
        const res = await getJson(`${sim.url}${path}?${query}`, token);
        expect({ path, query, status: res.status }).toEqual({ path, query, status: 400 });
      }
    }
    expect((await getJson(`${sim.url}/api/v2/devices?pageSize=1000`, token)).body.items).toHaveLength(1000);
  });

  it('serves mutations: added, updated and removed devices', async () => {
    const org = sim.dataset.organizations[0];
    const added = sim.dataset.devices.add({ organizationId: org.id, hostname: 'NEW-LAPTOP', serialNumber: 'NEW123' });
    const victim = [...sim.dataset.devices.all(org.id)][0];
    sim.dataset.devices.remove(victim.id);
    const changed = [...sim.dataset.devices.all(org.id)][0];
    sim.dataset.devices.update(changed.id, { approvalStatus: 'PENDING' });
    const { items } = await walkPanelOne<Device>(`${sim.url}/api/v2/devices`, token, 1000);
    expect(items).toHaveLength(3000);
    expect(items.at(-1)).toEqual(added);
    expect(items.find((d) => d.id === victim.id)).toBeUndefined();
    expect(items.find((d) => d.id === changed.id)?.approvalStatus).toBe('PENDING');
    const orgOnly = await walkPanelOne<Device>(`${sim.url}/api/v2/devices?organizationId=${org.id}`, token, 1000);
    expect(orgOnly.items.map((d) => d.id)).toContain(added.id);
    expect(orgOnly.items.map((d) => d.id)).not.toContain(victim.id);
  });
});
