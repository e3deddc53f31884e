// What changed between two snapshots, on a hand-made pair: in the second one Beta gained a
// device (b8), lost one (b6), one went stale (b5) and one became a duplicate of another's
// serial (b4, after b3 in the stream). Nothing else changed.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { daysAgo, device, pages, seedScenario, snapshots } from '../reconciliation/scenario.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function pair(tenant: string) {
  const devices = await seedScenario(api, tenant);
  const first = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  const viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  const listBefore = (await api.http.get('/api/v1/reconciliation/clients?limit=100').set(viewer).expect(200)).body;
  const second = devices
    .filter((d) => d.id !== 'b6')
    .map((d) => (d.id === 'b5' ? { ...d, lastContact: daysAgo(45) } : d.id === 'b4' ? { ...d, serialNumber: 'SN-b3' } : d));
  second.push(device('org-beta', 'b8'));
  const next = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(second) });
  return { first: first.snapshotId, second: next.snapshotId, viewer, listBefore };
}

it('lists per client the devices added, removed and changed, with their rows, against the previous snapshot by default', async () => {
  const tenant = uniqueTenant('changes');
  const { first, second, viewer } = await pair(tenant);
  const body = (await api.http.get(`/api/v1/snapshots/${second}/changes`).set(viewer).expect(200)).body;
  expect(body.snapshot.id).toBe(second);
  expect(body.against.id).toBe(first);
  expect(body.clients).toEqual([{
    clientId: 'org-beta', name: 'Beta Dental', added: 1, removed: 1, changed: 2,
    devicesBefore: 7, devicesAfter: 7, billableBefore: 6, billableAfter: 4,
  }]);
  expect(body.total).toBe(4);
  expect(body.items.map((i: { deviceId: string; change: string; before: unknown; after: unknown }) => [i.deviceId, i.change, i.before, i.after])).toEqual([
    ['b8', 'added', null, { counted: true, reason: null }],
    ['b4', 'changed', { counted: true, reason: null }, { counted: false, reason: 'duplicate-serial' }],
    ['b5', 'changed', { counted: true, reason: null }, { counted: false, reason: 'stale' }],
    ['b6', 'removed', { counted: true, reason: null }, null],
  ]);
  const removed = body.items[3];
  expect(removed).toMatchObject({ clientId: 'org-beta', hostname: 'b6-host', serialNumber: 'SN-b6', deviceClass: 'WINDOWS_WORKSTATION' });

  // Paged, and per client (a client without changes still gets its counts).
  const page = (await api.http.get(`/api/v1/snapshots/${second}/changes?clientId=org-beta&limit=2&offset=2`).set(viewer).expect(200)).body;
  expect(page.items.map((i: { deviceId: string }) => i.deviceId)).toEqual(['b5', 'b6']);
  expect(page.total).toBe(4);
  const acme = (await api.http.get(`/api/v1/snapshots/${second}/changes?clientId=org-acme`).set(viewer).expect(200)).body;
  expect(acme.clients).toEqual([{ clientId: 'org-acme', name: 'Acme Corp', added: 0, removed: 0, changed: 0, devicesBefore: 8, devicesAfter: 8, billableBefore: 4, billableAfter: 4 }]);
  expect(acme.items).toEqual([]);

  // The other way round: what was added is removed.
  const back = (await api.http.get(`/api/v1/snapshots/${first}/changes?against=${second}`).set(viewer).expect(200)).body;
  expect(back.clients[0]).toMatchObject({ clientId: 'org-beta', added: 1, removed: 1, changed: 2, billableBefore: 4, billableAfter: 6 });
  expect(back.items.find((i: { deviceId: string }) => i.deviceId === 'b8').change).toBe('removed');

  // The first snapshot has nothing before it.
  const none = (await api.http.get(`/api/v1/snapshots/${first}/changes`).set(viewer).expect(200)).body;
  expect(none).toMatchObject({ against: null, clients: [], items: [], total: 0 });
});

it('marks on the list the clients whose status changed since the previous snapshot', async () => {
  const tenant = uniqueTenant('changes-list');
  const { viewer, listBefore } = await pair(tenant);
  const before = new Map(listBefore.items.map((c: { clientId: string; status: string }) => [c.clientId, c.status]));
  for (const c of listBefore.items) expect(c.previousStatus).toBeNull();
  const after = (await api.http.get('/api/v1/reconciliation/clients?limit=100').set(viewer).expect(200)).body;
  for (const c of after.items) expect(c.previousStatus).toBe(before.get(c.clientId) ?? null);
  // Beta had 6 billable devices for 4 EDR licences (under-licensed); now 4 for 4.
  const beta = after.items.find((c: { clientId: string }) => c.clientId === 'org-beta');
  expect([beta.previousStatus, beta.status]).toEqual(['under-licensed', 'over-licensed']);
});

it('refuses an against that is not a complete snapshot of the tenant, and hides other tenants\' snapshots', async () => {
  const tenant = uniqueTenant('changes-a');
  const other = uniqueTenant('changes-b');
  const mine = await pair(tenant);
  const theirs = await pair(other);
  const refused = await api.http.get(`/api/v1/snapshots/${mine.second}/changes?against=${theirs.first}`).set(mine.viewer).expect(400);
  expect(refused.body.message).toBe('against must be a complete snapshot of this tenant');
  await api.http.get(`/api/v1/snapshots/${mine.second}/changes?against=00000000-0000-4000-8000-000000000000`).set(mine.viewer).expect(400);
  await api.http.get(`/api/v1/snapshots/${theirs.second}/changes`).set(mine.viewer).expect(404);
  await api.http.get(`/api/v1/snapshots/${mine.second}/changes?against=nope`).set(mine.viewer).expect(400);
  const same = (await api.http.get(`/api/v1/snapshots/${mine.second}/changes?against=${mine.second}`).set(mine.viewer).expect(200)).body;
  expect(same).toMatchObject({ clients: [], items: [], total: 0 });
});
