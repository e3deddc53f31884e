// npm run build:api-types (after build:server): writes the API's OpenAPI document, as
// /api/docs-json serves it, to the path given (default dist/openapi.json), without a database:
// the app is built with its modules but no connection, and never listens.
import { writeFileSync } from 'node:fs';
import { apiDocumentOf, createApi } from '../bootstrap.js';
import { validateEnvironment } from '../config/config.js';

const out = process.argv[2] ?? 'dist/openapi.json';
// Placeholders that pass validation; nothing is signed, encrypted or connected with them.
const config = validateEnvironment({
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/none',
  PANELONE_JWT_SECRET: 'openapi-document-placeholder-secret-000000',
  ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
  LOG_LEVEL: 'silent',
});
const app = await createApi(config, config.DATABASE_URL!, { connect: false });
writeFileSync(out, `${JSON.stringify(apiDocumentOf(app), null, 2)}\n`);
process.stdout.write(`OpenAPI document written to ${out}\n`);
process.exit(0); // nothing was started that needs closing; app.close() would close a pool never opened
