// The all-devices CSV of a snapshot, as a spreadsheet would read it: one row per device in
// organization order, formula injection neutralised like the reconciliation exports, technician only.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, device, ensureTenant, mapClient, pages, snapshots } from '../reconciliation/scenario.js';

let api: TestApi;
const tenant = uniqueTenant('devcsv');
let technician: { Authorization: string };
let snapshotId: string;

beforeAll(async () => {
  api = await startTestApi();
  await ensureTenant(api, tenant);
  await addOrganization(api, tenant, 'org-a', '=cmd|calc Ltd');
  await addOrganization(api, tenant, 'org-b', 'Plain, Inc');
  await addCompany(api, tenant, '30000000-0000-4000-8000-000000000001', 'Company A');
  await mapClient(api, tenant, 'org-a', '30000000-0000-4000-8000-000000000001');
  const devices = [
    device('org-a', 'a-1', { hostname: '=HYPERLINK("http://evil.example")' }),
    device('org-a', 'a-2', { hostname: '+sum', serialNumber: '@SN' }),
    device('org-a', 'a-3', { approvalStatus: 'PENDING' }),
    device('org-a', 'a-4', { hostname: 'two\nlines, "quoted"', serialNumber: null }),
    ...Array.from({ length: 1200 }, (_, i) => device('org-b', `b-${String(i).padStart(4, '0')}`)),
  ];
  snapshotId = (await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices, 250) })).snapshotId;
  technician = { Authorization: `Bearer ${await api.token(tenant, 'technician')}` };
});
afterAll(() => api.close());

async function download(url: string, headers: Record<string, string>, status = 200) {
  return api.http.get(url).set(headers).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
  }).expect(status);
}

describe('GET /api/v1/snapshots/{id}/devices.csv', () => {
  it('lists every device once, with its client, verdict and reason, and neutralises formulas', async () => {
    const res = await download(`/api/v1/snapshots/${snapshotId}/devices.csv`, technician);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="billingone-devices-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (res.body as string).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Client,Organization id,Device id,Hostname,Serial number,Device class,Last contact,Offline,Approval,Counted,Reason');
    expect(lines).toHaveLength(1 + 4 + 1200);
    expect(lines[1]).toMatch(/^'=cmd\|calc Ltd,org-a,a-1,"'=HYPERLINK\(""http:\/\/evil\.example""\)",SN-a-1,WINDOWS_WORKSTATION,[^,]+,no,APPROVED,yes,$/);
    expect(lines[2]).toMatch(/^'=cmd\|calc Ltd,org-a,a-2,'\+sum,'@SN,/);
    expect(lines[3]).toMatch(/,PENDING,no,pending-approval$/);
    // A line break inside a field stays inside its quoted field; a missing serial is an empty cell.
    expect(lines[4]).toMatch(/^'=cmd\|calc Ltd,org-a,a-4,"two\nlines, ""quoted""",,WINDOWS_WORKSTATION,/);
    expect(lines[5]).toMatch(/^"Plain, Inc",org-b,b-0000,b-0000-host,SN-b-0000,WINDOWS_WORKSTATION,.*,no,unmapped-organization$/);
    expect(lines.at(-1)).toMatch(/^"Plain, Inc",org-b,b-1199,/);
  });

  it('is for technicians: a viewer gets 403', async () => {
    const viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
    const res = await api.http.get(`/api/v1/snapshots/${snapshotId}/devices.csv`).set(viewer).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403 });
  });

  it('answers 404 for another tenant\'s or an unknown snapshot, and 400 naming the field for a bad id', async () => {
    const other = { Authorization: `Bearer ${await api.token(uniqueTenant('devcsv-other'), 'technician')}` };
    const notYours = await api.http.get(`/api/v1/snapshots/${snapshotId}/devices.csv`).set(other).expect(404);
    expect(notYours.headers['content-type']).toMatch(/application\/json/);
    await api.http.get('/api/v1/snapshots/00000000-0000-4000-8000-000000000000/devices.csv').set(technician).expect(404);
    const bad = await api.http.get('/api/v1/snapshots/not-a-uuid/devices.csv').set(technician).expect(400);
    expect(JSON.stringify(bad.body)).toContain('id');
  });
});
