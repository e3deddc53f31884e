// The worker: the same Nest modules without HTTP; runs queued jobs and the schedule.
import { loadDotEnv } from './config/env-file.js';
import { closeOnSignals, createWorker, loadConfigOrExit, prepareDatabase } from './bootstrap.js';

loadDotEnv();
const config = loadConfigOrExit();
const database = await prepareDatabase(config);
const worker = await createWorker(config, database.url);
await worker.init();
process.stdout.write('BillingOne Reconcile worker started\n');
closeOnSignals(async () => {
  await worker.close();
  await database.embedded?.stop();
});
