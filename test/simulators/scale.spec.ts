// The scale profile served by the CLI as a child process (as the demo and benchmarks run it):
// 250k devices pageable end to end while the simulator's memory stays modest.
// Uses dist/simulators/main.js, so build first (npx tsc -p tsconfig.build.json).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { call, getJson, postJson, walkPanelOne, walkPax8 } from './helpers.js';

interface Started { pax8: { url: string; tokenUrl: string; audience: string; clientId: string; clientSecret: string }; panelone: { url: string; apiToken: string }; dataset: Record<string, unknown> }

describe('scale profile through the CLI', () => {
  let child: ChildProcess;
  let started: Started;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--expose-gc', 'dist/simulators/main.js', '--profile', 'scale', '--pax8-port', '0', '--panelone-port', '0', '--seed', '4', '--now', '2026-11-01T12:00:00Z'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`simulators exited with ${code}`)));
    });
    started = JSON.parse(line) as Started;
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('prints URLs, credentials and counts as one JSON line', () => {
    expect(started.pax8.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(started.panelone.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.dataset).toMatchObject({ profile: 'scale', organizations: expect.any(Number), devices: 250_000, subscriptions: 12_000 });
  });

  it('pages through all 250k devices exactly once with modest memory', async () => {
    const { items, calls } = await walkPanelOne<{ id: string }>(`${started.panelone.url}/api/v2/devices`, started.panelone.apiToken, 1000);
    expect(calls).toBe(250);
    expect(items).toHaveLength(250_000);
    expect(new Set(items.map((d) => d.id)).size).toBe(250_000);
    const stats = await getJson(`${started.panelone.url}/_sim/stats?gc=1`);
    expect(stats.body.byRoute['GET /api/v2/devices']).toBe(250);
    // Both simulators and the whole dataset (12k subscriptions, 2000 companies) live in this
    // process: about 20 MB of live heap. Holding the 250k device objects would add ~70 MB.
    expect(stats.body.memory.heapUsed).toBeLessThan(50 * 1024 * 1024);
    expect(stats.body.memory.rss).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);

  it('serves 12000 subscriptions in ceil(12000/200) calls', async () => {
    const tokenRes = await postJson(started.pax8.tokenUrl, { client_id: started.pax8.clientId, client_secret: started.pax8.clientSecret, audience: started.pax8.audience, grant_type: 'client_credentials' });
    const { items, calls } = await walkPax8<{ id: string }>(`${started.pax8.url}/subscriptions`, tokenRes.body.access_token, 200);
    expect(calls).toBe(60);
    expect(new Set(items.map((s) => s.id)).size).toBe(12_000);
  }, 60_000);

  it('the world can be read and mutated over HTTP: /_sim/truth, /_sim/devices, /_sim/subscriptions', async () => {
    const truth = await getJson(`${started.panelone.url}/_sim/truth`);
    expect(truth.body.clients).toHaveLength(2000);
    const client = truth.body.clients.find((c: { organizationId: string | null; companyId: string | null }) => c.organizationId && c.companyId);
    const orgUrl = `${started.panelone.url}/api/v2/devices?organizationId=${client.organizationId}`;
    const before = await walkPanelOne<{ id: string }>(orgUrl, started.panelone.apiToken, 1000);

    const added = await postJson(`${started.panelone.url}/_sim/devices`, { organizationId: client.organizationId, hostname: 'NEW-PC', serialNumber: 'SN-NEW-1' });
    expect(added.status).toBe(201);
    const removedId = before.items[0].id;
    expect((await call('DELETE', `${started.panelone.url}/_sim/devices/${removedId}`)).status).toBe(200);
    const after = await walkPanelOne<{ id: string }>(orgUrl, started.panelone.apiToken, 1000);
    expect(after.items.map((d) => d.id)).toEqual([...before.items.slice(1).map((d) => d.id), added.body.id]);

    // Both simulators share the world: a quantity changed through one shows in the other's API.
    const tokenRes = await postJson(started.pax8.tokenUrl, { client_id: started.pax8.clientId, client_secret: started.pax8.clientSecret, audience: started.pax8.audience, grant_type: 'client_credentials' });
    const subs = await getJson(`${started.pax8.url}/subscriptions?companyId=${client.companyId}`, tokenRes.body.access_token);
    const target = subs.body.content[0];
    const patched = await call('PATCH', `${started.panelone.url}/_sim/subscriptions/${target.id}`, { quantity: target.quantity + 5 });
    expect(patched.status).toBe(200);
    const reread = await getJson(`${started.pax8.url}/subscriptions/${target.id}`, tokenRes.body.access_token);
    expect(reread.body.quantity).toBe(target.quantity + 5);
    expect((await call('PATCH', `${started.pax8.url.replace(/\/v1$/, '')}/_sim/subscriptions/${target.id}`, { quantity: -1 })).status).toBe(400);
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
