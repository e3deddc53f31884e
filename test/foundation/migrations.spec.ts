import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { runMigrationsOn } from '../../src/database/migrate.js';

// Up, down all the way, up again, on an empty database of its own.
it('migrations go up, down and up again on an empty database', async () => {
  const server = process.env.TEST_SERVER_URL!;
  const name = `b1r_mig_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const ds = new DataSource(dataSourceOptions(url.toString()));
  await ds.initialize();
  try {
    const tables = async () =>
      (await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`))[0].n;
    const ran = await runMigrationsOn(ds);
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(await tables()).toBeGreaterThan(10);
    for (let i = 0; i < ran.length; i++) await ds.undoLastMigration();
    expect(await tables()).toBe(0);
    expect(await runMigrationsOn(ds)).toEqual(ran);
    expect(await runMigrationsOn(ds)).toEqual([]); // second boot: nothing to do
  } finally {
    await ds.destroy();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});
