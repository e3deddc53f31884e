import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { runMigrations, runMigrationsOn } from '../../src/database/migrate.js';

/** A database of its own on the test server, dropped after `use`. */
async function withEmptyDatabase(label: string, use: (url: string) => Promise<void>): Promise<void> {
  const server = process.env.TEST_SERVER_URL!;
  const name = `b1r_mig_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

// Up, down all the way, up again, on an empty database of its own.
it('migrations go up, down and up again on an empty database', async () => {
  await withEmptyDatabase('updown', async (url) => {
    const ds = new DataSource(dataSourceOptions(url));
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
    }
  });
});

it('two migrators starting together: one runs every migration, the other finds nothing to do', async () => {
  await withEmptyDatabase('race', async (url) => {
    const [a, b] = await Promise.all([runMigrations(url), runMigrations(url)]);
    const ran = [a, b].sort((x, y) => y.length - x.length);
    expect(ran[0].length).toBeGreaterThanOrEqual(3);
    expect(ran[1]).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT name, count(*)::int AS n FROM migrations GROUP BY name HAVING count(*) > 1`);
      expect(rows).toEqual([]); // no migration recorded twice
    } finally {
      await client.end();
    }
  });
});

// Multi-tenancy in the schema itself: every table carries tenant_id, and every primary key,
// unique constraint or index and foreign key starts with it, so that every lookup is scoped
// by the tenant and the schema can be sharded by it.
describe('the migrated schema', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(() => client.end());

  const APP_TABLES = `SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations' AND NOT c.relispartition`;

  it('every table has a tenant_id column', async () => {
    const { rows } = await client.query(
      `SELECT t.relname FROM (${APP_TABLES}) t
        WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`,
    );
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('every primary key, unique constraint and index leads with tenant_id', async () => {
    const { rows } = await client.query(
      `SELECT t.relname AS "table", i.relname AS "index", a.attname AS "firstColumn"
         FROM (${APP_TABLES}) t
         JOIN pg_index x ON x.indrelid = t.oid
         JOIN pg_class i ON i.oid = x.indexrelid
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        WHERE a.attname IS DISTINCT FROM 'tenant_id'
        ORDER BY 1, 2`,
    );
    expect(rows).toEqual([]);
    const { rows: [{ n }] } = await client.query(`SELECT count(*)::int AS n FROM (${APP_TABLES}) t JOIN pg_index x ON x.indrelid = t.oid`);
    expect(n).toBeGreaterThan(10);
  });

  it('every foreign key leads with tenant_id on both sides', async () => {
    const { rows } = await client.query(
      `SELECT conrelid::regclass::text AS "table", conname AS "constraint",
              (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1]) AS "from",
              (SELECT attname FROM pg_attribute WHERE attrelid = confrelid AND attnum = confkey[1]) AS "to"
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.from !== 'tenant_id' || r.to !== 'tenant_id')).toEqual([]);
  });
});
