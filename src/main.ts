// The HTTP API: REST under /api/v1, OpenAPI at /api/docs, the widget bundle under /plugin.
import { loadDotEnv } from './config/env-file.js';
import { closeOnSignals, createApi, loadConfigOrExit, prepareDatabase } from './bootstrap.js';

loadDotEnv();
const config = loadConfigOrExit();
const database = await prepareDatabase(config);
const app = await createApi(config, database.url);
await app.listen(config.PORT, config.HOST);
process.stdout.write(`BillingOne Reconcile API listening on ${await app.getUrl()}\n`);
closeOnSignals(async () => {
  await app.close();
  await database.embedded?.stop();
});
