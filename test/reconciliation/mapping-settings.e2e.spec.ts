// Client mapping suggestions and decisions, the per-device product catalog, the settings API
// and who may change them.
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { addCompany, addOrganization, addProduct, ensureTenant, mapClient } from './scenario.js';
import { MappingService } from '../../src/mapping/mapping.service.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const as = async (tenant: string, role: 'viewer' | 'technician' | 'admin') => ({ Authorization: `Bearer ${await api.token(tenant, role)}` });
const C = (n: number) => `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('client mapping', () => {
  it('suggests by external reference first, then by normalised name, never overriding an admin decision', async () => {
    const tenant = uniqueTenant('map');
    await ensureTenant(api, tenant);
    await addCompany(api, tenant, C(1), 'Totally Different Name', 'EXT-1');
    await addCompany(api, tenant, C(2), 'Acme, Inc.');
    await addCompany(api, tenant, C(3), 'Beta LLC');
    await addCompany(api, tenant, C(4), 'Gamma Ltd');
    await addCompany(api, tenant, C(5), 'Lonely Company');
    await addCompany(api, tenant, C(6), 'Twin');
    await addCompany(api, tenant, C(7), 'Twin Inc');
    await addOrganization(api, tenant, 'org-ref', 'Acme', 'ext-1'); // the reference wins over the name
    await addOrganization(api, tenant, 'org-acme', 'ACME Inc');
    await addOrganization(api, tenant, 'org-beta', 'Beta');
    await addOrganization(api, tenant, 'org-gamma', 'Gamma Limited');
    await addOrganization(api, tenant, 'org-twin', 'Twin'); // two companies normalise to "twin": no guess
    await addOrganization(api, tenant, 'org-none', 'Nobody Matches');
    await mapClient(api, tenant, 'org-beta', C(5), 'confirmed');
    await mapClient(api, tenant, 'org-gamma', null, 'none');

    expect(await api.app.get(MappingService).suggest(tenant)).toEqual({ suggested: 2 });
    const res = await api.http.get('/api/v1/clients').set(await as(tenant, 'admin')).expect(200);
    const byOrg = Object.fromEntries(res.body.items.map((i: { organizationId: string; pax8CompanyId: string | null; mappingState: string; reason: string | null }) => [i.organizationId, [i.pax8CompanyId, i.mappingState, i.reason]]));
    expect(byOrg).toEqual({
      'org-ref': [C(1), 'suggested', 'external-reference'], 'org-acme': [C(2), 'suggested', 'name'], 'org-beta': [C(5), 'confirmed', null],
      'org-gamma': [null, 'none', null], 'org-twin': [null, 'none', null], 'org-none': [null, 'none', null],
    });
    expect(res.body.unmatchedCompanies.map((c: { pax8CompanyId: string }) => c.pax8CompanyId).sort()).toEqual([C(3), C(4), C(6), C(7)]);
    expect(res.body.companies).toHaveLength(7);
    expect(res.body.items.find((i: { organizationId: string }) => i.organizationId === 'org-acme')).toMatchObject({ name: 'ACME Inc', pax8CompanyName: 'Acme, Inc.', reason: 'name' });

    // An admin confirms another company for org-acme; a new suggestion run leaves it alone.
    await api.http.put('/api/v1/clients/org-acme/mapping').set(await as(tenant, 'admin')).send({ pax8CompanyId: C(3) }).expect(200);
    await api.app.get(MappingService).suggest(tenant);
    const after = await api.http.get('/api/v1/clients').set(await as(tenant, 'admin')).expect(200);
    expect(after.body.items.find((i: { organizationId: string }) => i.organizationId === 'org-acme')).toMatchObject({ pax8CompanyId: C(3), mappingState: 'confirmed' });
  });

  it('validates the mapping request; unknown organization or company is a 404; only admins', async () => {
    const tenant = uniqueTenant('mapval');
    await ensureTenant(api, tenant);
    await addOrganization(api, tenant, 'org-1', 'One');
    await addCompany(api, tenant, C(1), 'One');
    const admin = await as(tenant, 'admin');
    expect((await api.http.put('/api/v1/clients/org-1/mapping').set(admin).send({ pax8CompanyId: 'nope' }).expect(400)).body.message).toMatch(/pax8CompanyId must be a UUID or null/);
    expect((await api.http.put('/api/v1/clients/org-1/mapping').set(admin).send({}).expect(400)).body.message).toMatch(/pax8CompanyId is required/);
    await api.http.put('/api/v1/clients/org-1/mapping').set(admin).send({ pax8CompanyId: C(1), extra: 1 }).expect(400);
    await api.http.put('/api/v1/clients/org-x/mapping').set(admin).send({ pax8CompanyId: C(1) }).expect(404);
    await api.http.put('/api/v1/clients/org-1/mapping').set(admin).send({ pax8CompanyId: C(9) }).expect(404);
    for (const role of ['viewer', 'technician'] as const) {
      await api.http.put('/api/v1/clients/org-1/mapping').set(await as(tenant, role)).send({ pax8CompanyId: C(1) }).expect(403);
      await api.http.get('/api/v1/clients').set(await as(tenant, role)).expect(403);
    }
    const list = await api.http.get('/api/v1/clients').set(admin).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ organizationId: 'org-1', mappingState: 'none', reason: null })]);
    const decided = await api.http.put('/api/v1/clients/org-1/mapping').set(admin).send({ pax8CompanyId: null }).expect(200);
    expect(decided.body).toMatchObject({ organizationId: 'org-1', pax8CompanyId: null, mappingState: 'none', reason: 'admin' });
  });
});

describe('per-device products', () => {
  it('lists the catalog with suggestions, and an admin decides', async () => {
    const tenant = uniqueTenant('catalog');
    await ensureTenant(api, tenant);
    await addProduct(api, tenant, 'p-edr', 'Huntress Managed EDR', 'Huntress');
    await addProduct(api, tenant, 'p-m365', 'Microsoft 365 E3', 'Microsoft');
    const admin = await as(tenant, 'admin');
    const list = await api.http.get('/api/v1/catalog/products').set(admin).expect(200);
    expect(list.body.items).toEqual([
      { productId: 'p-edr', name: 'Huntress Managed EDR', vendorName: 'Huntress', sku: expect.any(String), perDevice: true, suggested: true, confirmed: false },
      { productId: 'p-m365', name: 'Microsoft 365 E3', vendorName: 'Microsoft', sku: expect.any(String), perDevice: false, suggested: false, confirmed: false },
    ]);
    const changed = await api.http.put('/api/v1/catalog/products/p-edr').set(admin).send({ perDevice: false }).expect(200);
    expect(changed.body).toMatchObject({ perDevice: false, suggested: true, confirmed: true });
    expect((await api.http.put('/api/v1/catalog/products/p-edr').set(admin).send({ perDevice: 'yes' }).expect(400)).body.message).toMatch(/perDevice must be true or false/);
    await api.http.put('/api/v1/catalog/products/p-none').set(admin).send({ perDevice: true }).expect(404);
    await api.http.put('/api/v1/catalog/products/p-edr').set(await as(tenant, 'technician')).send({ perDevice: true }).expect(403);
  });
});

describe('settings', () => {
  it('returns the defaults, changes what is sent, and refuses bad values naming them, changing nothing', async () => {
    const tenant = uniqueTenant('settings');
    const admin = await as(tenant, 'admin');
    const defaults = {
      staleDays: 30,
      countedClasses: ['WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST'],
      licensedStatuses: ['Active'], matchedTolerance: 0, schedule: { cron: '0 2 1 * *', timeZone: 'UTC', enabled: true }, displayName: null,
      maxSeatChange: 50, maxMonthlyIncrease: 1000, requireSecondApprover: false, psaBilling: { enabled: false }, retentionMonths: null,
    };
    expect((await api.http.get('/api/v1/settings').set(admin).expect(200)).body).toEqual(defaults);

    const bad: Array<[object, RegExp]> = [
      [{ staleDays: 0 }, /staleDays must not be less than 1/],
      [{ staleDays: 4000 }, /staleDays must not be greater than 3650/],
      [{ staleDays: 1.5 }, /staleDays must be an integer/],
      [{ countedClasses: ['TOASTER'] }, /countedClasses must each be one of/],
      [{ countedClasses: [] }, /countedClasses/],
      [{ licensedStatuses: [] }, /licensedStatuses/],
      [{ licensedStatuses: ['  '] }, /licensedStatuses/],
      [{ matchedTolerance: -1 }, /matchedTolerance must not be less than 0/],
      [{ schedule: { cron: 'every tuesday' } }, /schedule\.cron must be a valid five-field cron expression/],
      [{ schedule: { cron: '61 2 1 * *' } }, /schedule\.cron/],
      [{ schedule: { cron: '* * * * * *' } }, /schedule\.cron/],
      [{ schedule: { timeZone: 'Mars/Olympus' } }, /schedule\.timeZone must be an IANA time zone/],
      [{ schedule: { enabled: 'sometimes' } }, /schedule\.enabled must be true or false/],
      [{ staleDays: 10, schedule: { timeZone: 'Nowhere/Land' } }, /schedule\.timeZone/],
      [{ colour: 'blue' }, /property colour should not exist/],
      [{ displayName: '   ' }, /displayName must not be blank/],
      [{ displayName: 'x'.repeat(201) }, /displayName must be shorter than or equal to 200 characters/],
      [{ displayName: 7 }, /displayName must be a text or null/],
    ];
    for (const [body, message] of bad) {
      const res = await api.http.put('/api/v1/settings').set(admin).send(body).expect(400);
      expect(res.body.message).toMatch(message);
    }
    expect((await api.http.get('/api/v1/settings').set(admin).expect(200)).body).toEqual(defaults);

    const changed = await api.http.put('/api/v1/settings').set(admin)
      .send({ staleDays: 14, countedClasses: ['MAC'], licensedStatuses: ['Active', 'PendingManual'], matchedTolerance: 2, schedule: { cron: '30 3 * * 1', timeZone: 'europe/berlin' } })
      .expect(200);
    const expected = { staleDays: 14, countedClasses: ['MAC'], licensedStatuses: ['Active', 'PendingManual'], matchedTolerance: 2, schedule: { cron: '30 3 * * 1', timeZone: 'Europe/Berlin', enabled: true }, displayName: null,
      maxSeatChange: 50, maxMonthlyIncrease: 1000, requireSecondApprover: false, psaBilling: { enabled: false }, retentionMonths: null };
    expect(changed.body).toEqual(expected);
    expect((await api.http.get('/api/v1/settings').set(admin).expect(200)).body).toEqual(expected);
  });

  it('is admin only', async () => {
    const tenant = uniqueTenant('settings-roles');
    await api.http.get('/api/v1/settings').set(await as(tenant, 'technician')).expect(403);
    await api.http.put('/api/v1/settings').set(await as(tenant, 'viewer')).send({ staleDays: 5 }).expect(403);
  });
});
