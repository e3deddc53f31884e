// Every key leads with tenant_id: after all migrations, the primary key, each unique constraint
// and each unique index of every table in the schema starts with tenant_id, so each table can be
// distributed by tenant_id (docs/scaling.md) and no uniqueness ever spans tenants. A new table
// fails here until its keys follow the rule or it is listed below with the reason.
import pg from 'pg';

/** Tables whose keys may not lead with tenant_id, and why. */
const EXEMPT: Record<string, string> = {
  migrations: 'TypeORM\'s own bookkeeping of applied migrations (no tenant data)',
};

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});
afterAll(() => db?.end());

interface Key { table: string; key: string; kind: string; first: string | null; partitioned: boolean }

it('every table (bar the listed exemptions) has a primary key, and every unique key leads with tenant_id', async () => {
  const { rows: tables } = await db.query<{ table: string; has_pk: boolean }>(
    `SELECT c.relname AS table, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`);
  expect(tables.length).toBeGreaterThan(10);
  expect(tables.filter((t) => !t.has_pk && !EXEMPT[t.table]).map((t) => t.table)).toEqual([]);

  const keys = await uniqueKeys(db);
  const offending = keys.filter((k) => k.first !== 'tenant_id' && !EXEMPT[k.table]).map((k) => `${k.table}.${k.key} (${k.kind}) leads with ${k.first ?? 'an expression'}`);
  expect(offending).toEqual([]);
  // The partitioned device rows table is among those checked.
  expect(keys.some((k) => k.table === 'snapshot_device' && k.partitioned)).toBe(true);
});

it('every foreign key between tenant tables joins on tenant_id (so co-located shards can enforce it)', async () => {
  const { rows } = await db.query<{ table: string; fk: string; first: string }>(
    `SELECT c.relname AS table, con.conname AS fk, a.attname AS first
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
      WHERE n.nspname = 'public' AND con.contype = 'f' AND NOT c.relispartition ORDER BY 1, 2`);
  expect(rows.length).toBeGreaterThan(5);
  expect(rows.filter((r) => r.first !== 'tenant_id' && !EXEMPT[r.table]).map((r) => `${r.table}.${r.fk} starts with ${r.first}`)).toEqual([]);
});

/** Every unique index (primary keys and unique constraints included) of the schema's tables; partitions inherit their parent's. */
async function uniqueKeys(q: pg.Client): Promise<Key[]> {
  const { rows } = await q.query<Key>(
    `SELECT c.relname AS table, ic.relname AS key,
            CASE WHEN i.indisprimary THEN 'primary key' ELSE 'unique' END AS kind,
            a.attname AS first, c.relkind = 'p' AS partitioned
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
      WHERE n.nspname = 'public' AND i.indisunique AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1, 2`);
  return rows;
}

it('catches a table whose key does not lead with tenant_id (the check itself)', async () => {
  await db.query('BEGIN');
  try {
    await db.query(`CREATE TABLE zz_key_probe (id int PRIMARY KEY, tenant_id text NOT NULL, code text, UNIQUE (code, tenant_id))`);
    const probe = (await uniqueKeys(db)).filter((k) => k.table === 'zz_key_probe').map((k) => `${k.kind} ${k.first}`);
    expect(probe.sort()).toEqual(['primary key id', 'unique code']);
  } finally {
    await db.query('ROLLBACK');
  }
});
