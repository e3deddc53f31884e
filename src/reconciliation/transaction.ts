// A raw pg client from the DataSource's pool, for work TypeORM does not do (COPY, cursors) and
// for transactions that span such work. A client whose transaction failed is discarded, not
// returned to the pool, so no half-finished state can leak into the next borrower.
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

export async function withPgClient<T>(db: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = (db.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that dies while checked out (PostgreSQL restarted) emits 'error' on the client;
  // with no listener that is an uncaught exception that ends the process. Note it instead: the
  // pending query rejects with it, and the client is discarded on release.
  const onError = (err: Error) => { broken ??= err; };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ?? false);
  }
}

export async function inTransaction<T>(db: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withPgClient(db, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
