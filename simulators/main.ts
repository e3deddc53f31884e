// Runs both simulators as one process:
//   node dist/simulators/main.js [--pax8-port 4010] [--panelone-port 4020] [--host 127.0.0.1]
//     [--profile demo|scale] [--clients N --devices N --subscriptions N] [--seed N] [--now ISO]
//     [--pax8-rate-limit 1000 (calls a minute per credential, as Pax8; 0: none)]
// Prints one JSON line with the URLs and credentials on stdout, then serves until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { generateDataset } from './dataset.js';
import { startPanelOneSimulator } from './panelone.js';
import { startPax8Simulator } from './pax8.js';

const { values } = parseArgs({
  options: {
    'pax8-port': { type: 'string', default: '4010' },
    'panelone-port': { type: 'string', default: '4020' },
    host: { type: 'string', default: '127.0.0.1' },
    profile: { type: 'string', default: 'demo' },
    clients: { type: 'string' },
    devices: { type: 'string' },
    subscriptions: { type: 'string' },
    seed: { type: 'string', default: '42' },
    now: { type: 'string' },
    'pax8-rate-limit': { type: 'string', default: '1000' },
  },
  strict: true,
});

const num = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
};

async function main(): Promise<void> {
  const profile = values.profile === 'scale' ? 'scale' : values.profile === 'demo' ? 'demo' : undefined;
  if (!profile) throw new Error('--profile must be demo or scale');
  const now = values.now !== undefined ? Date.parse(values.now) : undefined;
  if (now !== undefined && Number.isNaN(now)) throw new Error('--now must be an ISO date');
  const dataset = generateDataset({
    profile, seed: num('seed', values.seed), now,
    clients: num('clients', values.clients), devices: num('devices', values.devices), subscriptions: num('subscriptions', values.subscriptions),
  });
  const rateLimit = num('pax8-rate-limit', values['pax8-rate-limit']);
  const pax8 = await startPax8Simulator({
    dataset, port: num('pax8-port', values['pax8-port']), host: values.host,
    rateLimit: rateLimit ? { calls: rateLimit, windowMs: 60_000 } : undefined, subCredentials: true,
  });
  const panelone = await startPanelOneSimulator({ dataset, port: num('panelone-port', values['panelone-port']), host: values.host });
  process.stdout.write(`${JSON.stringify({
    pax8: { url: pax8.url, tokenUrl: pax8.tokenUrl, audience: pax8.audience, clientId: pax8.clientId, clientSecret: pax8.clientSecret },
    panelone: { url: panelone.url, apiToken: panelone.apiToken },
    dataset: {
      profile: dataset.profile, seed: dataset.seed, now: new Date(dataset.now).toISOString(),
      organizations: dataset.organizations.length, companies: dataset.companies.length,
      devices: dataset.devices.count, subscriptions: dataset.subscriptions.length,
    },
  })}\n`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    Promise.all([pax8.close(), panelone.close()]).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulators: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
