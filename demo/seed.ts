// Seeds the demo tenant on `npm start`: points its integrations at the simulators (every
// start, since their ports may change), and on the first start runs Sync All and back-fills
// a few monthly snapshots from the simulator's world as it was, so the trend has a history.
import type { INestApplication } from '@nestjs/common';
import { generateDataset } from '../simulators/dataset.js';
import type { PanelOneSimulator } from '../simulators/panelone.js';
import type { Pax8Simulator } from '../simulators/pax8.js';
import { signContextToken } from '../src/auth/context-token.js';
import { DEMO_JWT_SECRET, DEMO_TENANT_ID } from './defaults.js';
import { SnapshotsService } from '../src/snapshots/snapshots.service.js';
import type { PanelOneDevice } from '../src/integrations/panelone.client.js';

const HISTORY_MONTHS = 5;

interface Simulators {
  pax8: Pax8Simulator;
  panelone: PanelOneSimulator;
}

async function* pagesOf(devices: Iterable<PanelOneDevice>, pageSize = 1000): AsyncIterable<PanelOneDevice[]> {
  let page: PanelOneDevice[] = [];
  for (const device of devices) {
    page.push(device);
    if (page.length === pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

export async function seedDemoTenant(app: INestApplication, base: string, sims: Simulators, say: (line: string) => void): Promise<void> {
  const token = await signContextToken({
    secret: process.env.PANELONE_JWT_SECRET ?? DEMO_JWT_SECRET, tenantId: DEMO_TENANT_ID, roles: ['admin'], subject: 'demo-seed',
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
    return json;
  };

  await call('PUT', '/integrations/pax8', {
    baseUrl: sims.pax8.url, tokenUrl: sims.pax8.tokenUrl, audience: sims.pax8.audience,
    clientId: sims.pax8.clientId, clientSecret: sims.pax8.clientSecret, enabled: true,
  });
  await call('PUT', '/integrations/panelone', { baseUrl: sims.panelone.url, apiToken: sims.panelone.apiToken, enabled: true });

  const snapshots = await call('GET', '/snapshots');
  if (snapshots.items.length > 0) {
    say(`  Demo tenant  ${DEMO_TENANT_ID}: ${snapshots.items.length} snapshots kept from earlier runs`);
    return;
  }

  say(`  Demo tenant  ${DEMO_TENANT_ID}: first start, running Sync All against the simulators…`);
  // The demo bills through PanelOne agreements: the third column (billed) is on.
  await call('PUT', '/settings', { psaBilling: { enabled: true } });
  let run = await call('POST', '/sync/sync-all');
  while (run.status === 'queued' || run.status === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    run = await call('GET', `/sync/runs/${run.id}`);
  }
  if (run.status !== 'succeeded') throw new Error(`Sync All failed: ${run.error}`);
  const r = run.result;
  say(`               Sync All done: ${r.companies} companies, ${r.contacts} contacts, ${r.catalog} products, ${r.subscriptions} subscriptions,`);
  say(`               ${r.organizations} organizations, ${r.deviceCount} devices (${r.billableCount} billable), ${r.clients} clients reconciled`);

  // Earlier months: the same clients with a smaller fleet, counted as of that date.
  const snapshotsService = app.get(SnapshotsService);
  // On the schedule's own day: the 1st of each earlier month, 02:00 (the default schedule, UTC).
  const today = new Date();
  for (let monthsAgo = HISTORY_MONTHS; monthsAgo >= 1; monthsAgo--) {
    const asOf = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - monthsAgo, 1, 2, 0, 0));
    const past = generateDataset({ profile: 'demo', now: asOf.getTime(), devices: Math.round(sims.panelone.dataset.devices.count * (1 - monthsAgo * 0.025)) });
    await snapshotsService.take(DEMO_TENANT_ID, { trigger: 'schedule', asOf, devices: pagesOf(past.devices.all() as Iterable<PanelOneDevice>) });
  }
  say(`               ${HISTORY_MONTHS} earlier monthly snapshots back-filled for the trend`);
}
