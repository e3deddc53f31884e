// `npm start`: the whole product on one machine with nothing but Node.js. An embedded
// PostgreSQL, the Pax8 and PanelOne simulators with seeded demo data, the API and the worker
// in one process, and a page that plays PanelOne with the widgets on it.
import { generateDataset } from '../simulators/dataset.js';
import { startPanelOneSimulator } from '../simulators/panelone.js';
import { startPax8Simulator } from '../simulators/pax8.js';
import { closeOnSignals, createApi, loadConfigOrExit, prepareDatabase } from '../src/bootstrap.js';
import { loadDotEnv } from '../src/config/env-file.js';
import { DEMO_ENCRYPTION_KEY, DEMO_JWT_SECRET } from './defaults.js';
import { DEMO_ROUTES, DemoModule } from './demo.module.js';
import { seedDemoTenant } from './seed.js';
import { freePort } from '../src/database/embedded.js';

loadDotEnv();
process.env.PANELONE_JWT_SECRET ??= DEMO_JWT_SECRET;
process.env.ENCRYPTION_KEY ??= DEMO_ENCRYPTION_KEY;
process.env.LOG_LEVEL ??= 'warn';
// The simulators run on loopback; the demo's outbound calls may reach them (and only them) over http.
process.env.OUTBOUND_ALLOWLIST ??= '127.0.0.0/8,::1,localhost';
// /demo/context-token hands out admin tokens to whoever asks: reachable from this machine only,
// unless HOST says otherwise.
process.env.HOST ??= '127.0.0.1';
const config = loadConfigOrExit();

async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => freePort().then(resolve));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}

const say = (line: string) => process.stdout.write(`${line}\n`);
say('Starting BillingOne Reconcile demo…');
say(/^(127\.|::1$|localhost$)/.test(config.HOST)
  ? `  Listening on ${config.HOST} only (this machine); HOST=0.0.0.0 would expose the demo's admin-token page to the network`
  : `  WARNING: listening on ${config.HOST}: anyone who can reach it can fetch admin tokens from /demo/context-token`);
const database = await prepareDatabase(config);
say(`  PostgreSQL   ${database.embedded ? `embedded, data in ${database.embedded.dataDir}` : 'from DATABASE_URL'}`);
const dataset = generateDataset({ profile: 'demo' });
const pax8 = await startPax8Simulator({ dataset, port: await portOr(4010) });
const panelone = await startPanelOneSimulator({ dataset, port: await portOr(4020) });
say(`  Pax8 sim     ${pax8.url}`);
say(`  PanelOne sim ${panelone.url}`);

const app = await createApi(config, database.url, { worker: true, extraModules: [DemoModule], unprefixedRoutes: DEMO_ROUTES });
await app.listen(config.PORT, config.HOST);
const base = `http://localhost:${config.PORT}`;
closeOnSignals(async () => {
  await app.close();
  await Promise.all([pax8.close(), panelone.close()]);
  await database.embedded?.stop();
});

await seedDemoTenant(app, base, { pax8, panelone }, say);
say('');
say(`  PanelOne (demo host page)  ${base}/panelone/`);
say(`  API docs                   ${base}/api/docs`);
say(`  Widget manifest            ${base}/plugin/manifest.json`);
say(`  A token for curl           npm run -s token -- --tenant demo-msp --role admin`);
say('Press Ctrl-C to stop.');
