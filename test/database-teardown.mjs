import pg from 'pg';

export default async function globalTeardown() {
  // The last tier that used the database drops it (see database-setup.mjs).
  globalThis.__B1R_DB_USERS__ = (globalThis.__B1R_DB_USERS__ ?? 1) - 1;
  if (globalThis.__B1R_DB_USERS__ > 0) return;
  const url = process.env.DATABASE_URL;
  const serverUrl = process.env.TEST_SERVER_URL;
  if (url && serverUrl && !globalThis.__EMBEDDED_PG__) {
    const name = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  await globalThis.__EMBEDDED_PG__?.stop();
}
