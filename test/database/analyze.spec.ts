// The rule for ANALYZE after a bulk write (src/database/analyze.ts), on a table of its own: a
// table the planner has never counted is analyzed; rows small beside what it counts are not
// worth a sample; rows that move the count are, and the planner then knows them.
import pg from 'pg';
import { analyzeIfGrown } from '../../src/database/analyze.js';

let db: pg.Client;
const table = `analyze_rule_${process.pid}`;
const plannerRows = async () => Number((await db.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [table])).rows[0].n);
const insert = (n: number) => db.query(`INSERT INTO ${table} SELECT g FROM generate_series(1, $1) g`, [n]);

beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query(`CREATE TABLE ${table} (id int)`);
  // Autovacuum must not analyze it behind the test's back.
  await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
});
afterAll(async () => {
  await db?.query(`DROP TABLE IF EXISTS ${table}`);
  await db?.end();
});

it('analyzes a table the planner never counted, skips a write under a tenth of what it counts, and analyzes one that moves the count', async () => {
  await insert(5000);
  expect(await analyzeIfGrown(db, table, 5000, table)).toBe(true);
  expect(await plannerRows()).toBe(5000);

  await insert(400);
  expect(await analyzeIfGrown(db, table, 400, table)).toBe(false);
  expect(await plannerRows()).toBe(5000);

  await insert(3000);
  expect(await analyzeIfGrown(db, table, 3000, table)).toBe(true);
  expect(await plannerRows()).toBe(8400);
});

it('does not wait for a table another VACUUM or ANALYZE holds (autovacuum at work): it skips it', async () => {
  const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  try {
    await other.query('BEGIN');
    // The lock VACUUM and ANALYZE take; waiting for it would hang here until the end of the test.
    await other.query(`LOCK TABLE ${table} IN SHARE UPDATE EXCLUSIVE MODE`);
    await insert(20000);
    expect(await analyzeIfGrown(db, table, 20000, table)).toBe(true);
    expect(await plannerRows()).toBe(8400);
  } finally {
    await other.query('ROLLBACK');
    await other.end();
  }
  expect(await analyzeIfGrown(db, table, 20000, table)).toBe(true);
  expect(await plannerRows()).toBe(28400);
});
