// Once per jest run, for the integration and browser tiers: a fresh database, migrated once. Against DATABASE_URL when it is set
// (a new database on that server), otherwise on an embedded PostgreSQL started here.
// Jest loads this file outside its ESM transform, so it uses the compiled code in dist/
// (`npm test` builds first).
import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../dist/src/database/embedded.js';
import { runMigrations } from '../dist/src/database/migrate.js';

export default async function globalSetup() {
  // Each tier that needs the database lists this setup; the first one to run does the work.
  globalThis.__B1R_DB_USERS__ = (globalThis.__B1R_DB_USERS__ ?? 0) + 1;
  if (globalThis.__B1R_DB_USERS__ > 1) return;
  // Processes the specs start (the demo, compiled workers) may call the simulators on loopback only.
  process.env.OUTBOUND_ALLOWLIST ??= '127.0.0.0/8,::1,localhost';
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'b1r-test-')), 'pg');
    globalThis.__EMBEDDED_PG__ = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
    serverUrl = globalThis.__EMBEDDED_PG__.url;
    process.env.TEST_EMBEDDED_PG = '1';
  }
  const name = `b1r_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.TEST_SERVER_URL = serverUrl;
  process.env.DATABASE_URL = url.toString();
  await runMigrations(process.env.DATABASE_URL);
}
