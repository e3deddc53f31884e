// The whole path on the simulators' generated world: Pax8 and PanelOne syncs, mapping
// suggestions, a snapshot streamed from the PanelOne device pages, then the reconciliation
// compared with the dataset's own ground truth (generated with the scenario of every client).
import { generateDataset } from '../../simulators/index.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { syncSimulatedWorld, type SimulatedWorld } from '../support/simulated-world.js';
import { db } from './scenario.js';

let api: TestApi;
let world: SimulatedWorld;
const tenant = uniqueTenant('sim');
const dataset = generateDataset({ clients: 60, devices: 2500, seed: 23 });

beforeAll(async () => {
  api = await startTestApi();
  world = await syncSimulatedWorld(api, tenant, dataset);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await world?.close();
});

const STATUS = { under: 'under-licensed', over: 'over-licensed', matched: 'matched' } as const;

it('suggests the mapping the dataset was built with', async () => {
  const rows: Array<{ organization_id: string; pax8_company_id: string | null }> = await db(api).query(
    `SELECT organization_id, pax8_company_id FROM client_mapping WHERE tenant_id = $1 AND state = 'suggested'`, [tenant],
  );
  const suggested = new Map(rows.map((r) => [r.organization_id, r.pax8_company_id]));
  for (const client of dataset.clients.filter((c) => c.organizationId)) {
    expect([client.organizationId, suggested.get(client.organizationId!) ?? null]).toEqual([client.organizationId, client.companyId]);
  }
});

it('every client row matches the generated truth: status, billable devices, and each licensed line', async () => {
  const viewer = { Authorization: `Bearer ${await api.token(tenant, 'viewer')}` };
  const list = await api.http.get('/api/v1/reconciliation/clients?limit=500').set(viewer).expect(200);
  const rows = new Map(list.body.items.map((r: { clientId: string }) => [r.clientId, r]));
  const lines: Array<{ organization_id: string; product_id: string; licensed_quantity: string; variance: string }> = await db(api).query(
    `SELECT l.organization_id, l.product_id, l.licensed_quantity, l.variance FROM reconciliation_line l
      JOIN snapshot s ON s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND s.status = 'complete' WHERE l.tenant_id = $1`, [tenant],
  );
  let compared = 0;
  for (const truth of dataset.clients) {
    if (!truth.organizationId) continue;
    const row = rows.get(truth.organizationId) as { status: string; devices: number; lineCount: number } | undefined;
    if (!truth.companyId) {
      // Unmapped organizations appear when they have devices at all.
      if (row) expect(row.status).toBe('unmapped');
      continue;
    }
    expect(row).toBeDefined();
    expect([truth.organizationId, row!.devices]).toEqual([truth.organizationId, truth.billableDevices]);
    // A line bought at quantity 0 leaves no subscription: nothing in Pax8 says the product is wanted.
    const known = truth.lines.filter((l) => l.quantity > 0);
    if (known.length !== truth.lines.length && truth.lines.length > 1) continue;
    const expectedStatus = truth.scenario === 'no-per-device' || known.length === 0
      ? (truth.billableDevices > 0 ? 'under-licensed' : 'matched')
      : STATUS[truth.scenario as keyof typeof STATUS];
    expect([truth.organizationId, row!.status]).toEqual([truth.organizationId, expectedStatus]);
    const mine = lines.filter((l) => l.organization_id === truth.organizationId)
      .map((l) => ({ productId: l.product_id, quantity: Number(l.licensed_quantity), variance: Number(l.variance) }))
      .sort((a, b) => a.productId.localeCompare(b.productId));
    expect(mine).toEqual([...known].sort((a, b) => a.productId.localeCompare(b.productId)));
    compared++;
  }
  expect(compared).toBeGreaterThan(40);

  const summary = (await api.http.get('/api/v1/reconciliation/summary').set(viewer).expect(200)).body;
  expect(summary.underLicensed + summary.overLicensed + summary.matched + summary.unmapped).toBe(list.body.total);
  expect(summary.revenueAtRisk.amount).toBeGreaterThan(0);
  expect(summary.overspend.amount).toBeGreaterThan(0);
});
