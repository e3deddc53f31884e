// A tenant wired to the Pax8 and PanelOne simulators and synced the way Sync All does it
// (companies, catalog, subscriptions, contacts, organizations, mapping suggestions, a snapshot),
// for specs that check the reconciliation of a generated world.
import type { Dataset } from '../../simulators/dataset.js';
import { startPanelOneSimulator, startPax8Simulator, type PanelOneSimulator, type Pax8Simulator } from '../../simulators/index.js';
import { IntegrationSyncService, PAX8_SYNC_PARTS } from '../../src/integrations/integration-sync.service.js';
import { MappingService } from '../../src/mapping/mapping.service.js';
import { SnapshotsService } from '../../src/snapshots/snapshots.service.js';
import type { TestApi } from './app.js';

export interface SimulatedWorld {
  pax8: Pax8Simulator;
  panelOne: PanelOneSimulator;
  close(): Promise<void>;
}

export async function syncSimulatedWorld(api: TestApi, tenant: string, dataset: Dataset): Promise<SimulatedWorld> {
  const pax8 = await startPax8Simulator({ dataset });
  const panelOne = await startPanelOneSimulator({ dataset });
  const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
  await api.http.put('/api/v1/integrations/pax8').set(admin)
    .send({ baseUrl: pax8.url, tokenUrl: pax8.tokenUrl, audience: pax8.audience, clientId: pax8.clientId, clientSecret: pax8.clientSecret, enabled: true }).expect(200);
  await api.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl: panelOne.url, apiToken: panelOne.apiToken, enabled: true }).expect(200);
  const sync = api.app.get(IntegrationSyncService);
  await sync.syncPax8(tenant, [...PAX8_SYNC_PARTS]);
  await sync.syncPanelOneOrganizations(tenant);
  await api.app.get(MappingService).suggest(tenant);
  await api.app.get(SnapshotsService).take(tenant, { trigger: 'sync-all', devices: sync.panelOneDevicePages(tenant) });
  return { pax8, panelOne, close: async () => { await pax8.close(); await panelOne.close(); } };
}
