// The Pax8 client paces itself under Pax8's rate limit instead of bouncing off it: against a
// simulator that answers 429 beyond 20 calls per credential in any 2 s (Pax8's 1,000 a minute,
// scaled down), a full sync makes every call and causes no 429; two tenants on one credential
// share the pace; the same sync unpaced does hit the limit (so the limit is real).
import { generateDataset, startPax8Simulator, type Pax8Simulator } from '../../simulators/index.js';
import { IntegrationConnections } from '../../src/integrations/integration-connections.js';
import { IntegrationSyncService } from '../../src/integrations/integration-sync.service.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { FAST_RETRY, pax8Tenant } from './support.js';

const LIMIT = { calls: 20, windowMs: 2000 };
const parts = ['companies', 'contacts', 'catalog', 'pricing', 'subscriptions'] as const;
let sim: Pax8Simulator;
let paced: TestApi;
let unpaced: TestApi;

beforeAll(async () => {
  sim = await startPax8Simulator({ dataset: generateDataset({ clients: 12, seed: 3 }), rateLimit: LIMIT });
  // At most 16 calls in any 2 s, under the 20 allowed (the margin covers calls' different latencies).
  paced = await startTestApi({ env: { PAX8_CALLS_PER_MINUTE: '16', PAX8_RATE_WINDOW_SECONDS: '2' } });
  unpaced = await startTestApi({ env: { PAX8_CALLS_PER_MINUTE: '0' } });
  for (const api of [paced, unpaced]) api.app.get(IntegrationConnections).retryOptions = FAST_RETRY;
});
afterAll(async () => {
  await paced?.close();
  await unpaced?.close();
  await sim?.close();
});

const apiCalls = () => Object.entries(sim.stats().byRoute).filter(([route]) => route !== 'POST /oauth/token').reduce((n, [, c]) => n + c, 0);

it('makes every call of two tenants\' syncs on one credential without a single 429', async () => {
  const [a, b] = [await pax8Tenant(paced, sim, 'pace-a'), await pax8Tenant(paced, sim, 'pace-b')];
  sim.resetStats();
  const sync = paced.app.get(IntegrationSyncService);
  const [countsA, countsB] = await Promise.all([sync.syncPax8(a, [...parts]), sync.syncPax8(b, [...parts])]);
  const stats = sim.stats();
  expect(stats.byStatus[429] ?? 0).toBe(0);
  expect(countsA).toEqual(countsB);
  expect(countsA.companies).toBe(sim.dataset.companies.length);
  // Every call (token requests included) answered 200, and more than two windows' worth (pacing was needed).
  expect(stats.byStatus[200]).toBe(stats.totalCalls);
  expect(apiCalls()).toBeGreaterThan(2 * LIMIT.calls);
});

it('without pacing, the same syncs run into the limit (the simulator enforces it)', async () => {
  const [a, b] = [await pax8Tenant(unpaced, sim, 'burst-a'), await pax8Tenant(unpaced, sim, 'burst-b')];
  await new Promise((r) => setTimeout(r, LIMIT.windowMs)); // a fresh window
  sim.resetStats();
  const sync = unpaced.app.get(IntegrationSyncService);
  await Promise.allSettled([sync.syncPax8(a, [...parts]), sync.syncPax8(b, [...parts])]);
  expect(sim.stats().byStatus[429]).toBeGreaterThan(0);
});
