// The QBR report as a billing lead and a QBR script get it: the PDF parses back and holds the
// client's name, every product and the same totals as the API's client detail; the period is
// validated; technicians and read API keys may fetch it, viewers and other tenants may not.
// The scenario (test/reconciliation/scenario.ts): Beta Dental has EDR 6 devices / 4 licences
// (+2, $12.00 at risk) and Backup 6 / 9 (-3, $30.00 overspend).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getDocumentProxy } from 'unpdf';
import { bearer, expectErrorShape } from '../reliability/support.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { binary, pdfText } from '../support/pdf.js';
import { addOrganization, COMPANY, db, device, mapClient, pages, PRODUCT, seedScenario, snapshots } from '../reconciliation/scenario.js';

let api: TestApi;
const tenant = uniqueTenant('qbr');
const other = uniqueTenant('qbr-other');
let technician: Record<string, string>;
let admin: Record<string, string>;
let devices: Awaited<ReturnType<typeof seedScenario>>;

/** The PDF is kept with the test artifacts (git-ignored) for a person to open. */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/reports/', import.meta.url));
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = () => dayOf(Date.now());

beforeAll(async () => {
  api = await startTestApi();
  devices = await seedScenario(api, tenant);
  // Two snapshots about seven weeks apart: Beta had 5 billable devices then, 6 now.
  const first = await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices.filter((d) => d.id !== 'b6')) });
  await db(api).query(`UPDATE snapshot SET taken_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenant, first.snapshotId, new Date(Date.now() - 50 * DAY)]);
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  admin = bearer(await api.token(tenant, 'admin', { subject: 'lead-1' }));
  technician = bearer(await api.token(tenant, 'technician'));
  await api.http.put('/api/v1/settings').set(admin).send({ displayName: '  Northwind IT ' }).expect(200);
  // In the period: the mapping is confirmed, the Backup gap accepted, and an entry of a type this build does not know.
  await api.http.put('/api/v1/clients/org-beta/mapping').set(admin).send({ pax8CompanyId: COMPANY.beta }).expect(200);
  await api.http.post(`/api/v1/gaps/org-beta/${PRODUCT.backup}/exception`).set(admin)
    .send({ reason: 'spare-on-purpose', note: 'Three spare seats for new hires', until: dayOf(Date.now() + 90 * DAY) }).expect(201);
  await db(api).query(
    `INSERT INTO audit_log (tenant_id, actor, actor_role, type, client_id, subject, before, after) VALUES ($1, 'tech-9', 'technician', 'action.proposed', 'org-beta', 'action-1', NULL, $2)`,
    [tenant, JSON.stringify({ productName: 'SentinelOne Complete EDR', fromQuantity: 4, toQuantity: 6, state: 'proposed' })],
  );
  await seedScenario(api, other);
  await addOrganization(api, other, 'org-only-b', 'Only In B');
  await mapClient(api, other, 'org-only-b', COMPANY.gamma);
  await snapshots(api).take(other, { trigger: 'manual', devices: pages([device('org-only-b', 'x1')]) });
});
afterAll(async () => {
  await api?.close();
});

const detail = async () => (await api.http.get('/api/v1/reconciliation/clients/org-beta').set(technician).expect(200)).body;

describe('report.pdf', () => {
  it('parses back with the client, the period, every product and the totals of the client detail', async () => {
    const res = await api.http.get('/api/v1/reconciliation/clients/org-beta/report.pdf').set(technician).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="qbr-beta-dental-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(res.headers['content-security-policy']).toBeDefined();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}qbr-beta-dental.pdf`, res.body as Buffer);
    const { text } = await pdfText(res.body as Buffer);
    const d = await detail();
    expect(text).toContain('Quarterly business review: Beta Dental');
    expect(text).toContain('Prepared by: Northwind IT');
    for (const line of d.lines) expect(text).toContain(line.productName);
    expect(d.lines.map((l: { productName: string }) => l.productName).sort()).toEqual(['Datto Endpoint Backup', 'SentinelOne Complete EDR']);
    // The API's totals, in the report's words: $12.00 at risk (EDR +2), the Backup overspend accepted and shown apart.
    expect(d.revenueAtRisk.amount).toBe(12);
    expect(text).toContain(`Billable devices ${d.devices}`);
    expect(text).toContain(`Revenue at risk per month $${d.revenueAtRisk.amount.toFixed(2)}`);
    expect(text).toContain(`Overspend per month $${d.overspend.amount.toFixed(2)}`);
    expect(text).toContain(`Seats with no price ${d.unpricedSeats}`);
    expect(text).toContain(`$${d.acceptedOverspend.amount.toFixed(2)} overspend`);
    // Per product: devices, licences, variance of the API's lines.
    const edr = d.lines.find((l: { productId: string }) => l.productId === PRODUCT.edr);
    expect(text).toContain(`SentinelOne Complete EDR ${edr.devices} ${edr.licenses} +${edr.variance} Under-licensed $12.00 $0.00`);
    // The gap and its exception, what changed, the audit entries (the unknown type read generically).
    expect(text).toContain('Spare on purpose: Three spare seats for new hires');
    expect(text).toMatch(/billable devices 5 -> 6 \(\+1\)/);
    expect(text).toContain('Mapping changed: mapped to Pax8 company Beta Dental LLC (confirmed)');
    expect(text).toContain('Action proposed: SentinelOne Complete EDR, quantity 4 -> 6, state: proposed');
    expect(text).not.toContain('Billed');
  });

  it('is A4 by default and Letter on request', async () => {
    const size = async (query: string) => {
      const res = await api.http.get(`/api/v1/reconciliation/clients/org-beta/report.pdf${query}`).set(technician).buffer(true).parse(binary).expect(200);
      const page = await (await getDocumentProxy(new Uint8Array(res.body as Buffer))).getPage(1);
      return page.view.slice(2).map(Math.round);
    };
    expect(await size('')).toEqual([595, 842]);
    expect(await size('?paper=letter')).toEqual([612, 792]);
  });

  it('a period before the second snapshot shows the first one\'s figures', async () => {
    const to = dayOf(Date.now() - 40 * DAY);
    const res = await api.http.get(`/api/v1/reconciliation/clients/org-beta/report.pdf?from=${dayOf(Date.now() - 80 * DAY)}&to=${to}`).set(technician).buffer(true).parse(binary).expect(200);
    const { text } = await pdfText(res.body as Buffer);
    expect(text).toContain('Billable devices 5');
    expect(text).toContain('One snapshot in the period');
  });
});

describe('report.html', () => {
  it('is one self-contained page with the same figures', async () => {
    const res = await api.http.get(`/api/v1/reconciliation/clients/org-beta/report.html?from=${dayOf(Date.now() - 90 * DAY)}&to=${today()}`).set(technician).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain('<h1>Quarterly business review: Beta Dental</h1>');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(2);
    const d = await detail();
    expect(html).toContain(`<dt>Revenue at risk per month</dt><dd>$${d.revenueAtRisk.amount.toFixed(2)}</dd>`);
  });

  it('escapes what came from the upstreams', async () => {
    await db(api).query(`UPDATE panelone_organization SET name = '<img src=x onerror=alert(1)>' WHERE tenant_id = $1 AND id = 'org-gamma'`, [tenant]);
    await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
    const html = (await api.http.get('/api/v1/reconciliation/clients/org-gamma/report.html').set(technician).expect(200)).text;
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain('<img');
  });
});

describe('who may ask, and for what', () => {
  it('refuses a bad period or paper with a 400', async () => {
    for (const query of ['from=2026-05-01&to=2026-04-01', 'from=2024-01-01&to=2026-01-01', 'from=2026-02-30', 'to=yesterday', 'from=2026-1-1', 'paper=a5']) {
      const path = query.startsWith('paper') ? 'report.pdf' : 'report.html';
      const res = await api.http.get(`/api/v1/reconciliation/clients/org-beta/${path}?${query}`).set(technician).expect(400);
      expectErrorShape(res.body, 400, query);
    }
  });

  it('answers 404 for an unknown client and for another tenant\'s', async () => {
    for (const clientId of ['org-nobody', 'org-only-b']) {
      for (const file of ['report.html', 'report.pdf']) {
        const res = await api.http.get(`/api/v1/reconciliation/clients/${clientId}/${file}`).set(technician).expect(404);
        expect(res.body.message).toBe('Client not found');
      }
    }
    // The other tenant's client is real: its own technician gets its report.
    const theirs = await api.http.get('/api/v1/reconciliation/clients/org-only-b/report.html').set(bearer(await api.token(other, 'technician'))).expect(200);
    expect(theirs.text).toContain('Only In B');
    expect(theirs.text).toContain(`<dt>Prepared by</dt><dd>${other}</dd>`); // no name set: the tenant id
  });

  it('lets technicians and admins, and any API key, but not viewers', async () => {
    const viewer = bearer(await api.token(tenant, 'viewer'));
    const res = await api.http.get('/api/v1/reconciliation/clients/org-beta/report.pdf').set(viewer).expect(403);
    expect(res.body.message).toMatch(/technician/);
    await api.http.get('/api/v1/reconciliation/clients/org-beta/report.html').set(viewer).expect(403);
    await api.http.get('/api/v1/reconciliation/clients/org-beta/report.html').set(admin).expect(200);
    const key = (await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'QBR deck', scopes: ['read'] }).expect(201)).body.key;
    const pdf = await api.http.get('/api/v1/reconciliation/clients/org-beta/report.pdf?paper=letter').set(bearer(key)).buffer(true).parse(binary).expect(200);
    expect((await pdfText(pdf.body as Buffer)).text).toContain('Beta Dental');
  });
});
