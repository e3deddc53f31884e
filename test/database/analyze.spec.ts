// The rule for ANALYZE after a bulk write (src/database/analyze.ts), on a table of its own: a
// table the planner has never counted is analyzed; rows small beside what it counts are not
// worth a sample; rows that move the count are, and the planner then knows them. A few rows
// under a key the statistics have never seen are analyzed when the planner would take them for a
// handful, and not when it already estimates them fairly.
import pg from 'pg';
import { analyzeIfGrown, plannedRows } from '../../src/database/analyze.js';

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

describe('a key the statistics have not seen (a new snapshot id)', () => {
  const keyed = `analyze_key_${process.pid}`;
  const probe = (key: number) => ({ sql: `SELECT 1 FROM ${keyed} WHERE k = $1`, params: [key], minRows: 1000 });
  beforeEach(async () => {
    await db.query(`DROP TABLE IF EXISTS ${keyed}`);
    await db.query(`CREATE TABLE ${keyed} (k int, v int)`);
    await db.query(`ALTER TABLE ${keyed} SET (autovacuum_enabled = false)`);
  });
  afterAll(() => db?.query(`DROP TABLE IF EXISTS ${keyed}`));
  const insertKey = (key: number, n: number) => db.query(`INSERT INTO ${keyed} SELECT $1, g FROM generate_series(1, $2) g`, [key, n]);
  /** 25 months of 2,000 lines, analyzed; then the 26th month's `rows`, under a tenth of the 50,000 counted. */
  const twentySixthMonth = async (rows: number) => {
    for (let key = 1; key <= 25; key++) await insertKey(key, 2000);
    await db.query(`ANALYZE ${keyed}`);
    await insertKey(26, rows);
  };

  it('analyzes when every earlier key is in the statistics and the new one would be planned as about one row', async () => {
    await twentySixthMonth(2000);
    expect(await analyzeIfGrown(db, keyed, 2000, keyed)).toBe(false);
    expect(await plannedRows(db, probe(26))).toBeLessThan(200);

    expect(await analyzeIfGrown(db, keyed, 2000, keyed, probe(26))).toBe(true);
    expect(await plannedRows(db, probe(26))).toBeGreaterThan(1000);
  });

  it('with the statistics target the migrations give a snapshot id, estimates the 26th key fairly: no ANALYZE', async () => {
    const [{ target }] = (await db.query(
      `SELECT attstattarget AS target FROM pg_attribute WHERE attrelid = 'reconciliation_line'::regclass AND attname = 'snapshot_id'`)).rows;
    expect(target).toBe(10);
    await db.query(`ALTER TABLE ${keyed} ALTER COLUMN k SET STATISTICS ${target}`);
    await twentySixthMonth(2000);
    expect(await plannedRows(db, probe(26))).toBeGreaterThan(1000);
    expect(await analyzeIfGrown(db, keyed, 2000, keyed, probe(26))).toBe(false);
  });

  it('does not probe a write of fewer rows than its minimum (a small tenant\'s snapshot): planned as a handful, they cost less than an ANALYZE', async () => {
    await twentySixthMonth(999);
    expect(await plannedRows(db, probe(26))).toBeLessThan(100);
    expect(await analyzeIfGrown(db, keyed, 999, keyed, probe(26))).toBe(false);
  });

  it('does not analyze when the planner already estimates the new key fairly (more keys than its common-values list holds)', async () => {
    for (let start = 1; start <= 300; start += 100) {
      await db.query(`INSERT INTO ${keyed} SELECT k, g FROM generate_series($1::int, $1::int + 99) k, generate_series(1, 1000) g`, [start]);
    }
    await db.query(`ANALYZE ${keyed}`);
    await insertKey(301, 1000);
    expect(await plannedRows(db, probe(301))).toBeGreaterThan(100);
    expect(await analyzeIfGrown(db, keyed, 1000, keyed, probe(301))).toBe(false);
  });
});
