// A raw pg client from the application's pool, for work TypeORM does not do (COPY, cursors) and
// for transactions that span such work. The client is borrowed through TypeORM's public
// QueryRunner, so it counts against the one pool the rest of the app uses. A client whose work
// failed is ended rather than handed back, so no half-finished state (an open COPY, a cursor, a
// failed transaction) can leak into the next borrower: the pool drops ended clients on release.
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

export async function withPgClient<T>(db: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner('master');
  const client = (await runner.connect()) as PoolClient;
  let broken: Error | undefined;
  // A connection that dies while checked out (PostgreSQL restarted) emits 'error' on the client;
  // the QueryRunner's own listener hands it back as broken. Ours notes it for the pending work.
  const onError = (err: Error) => { broken ??= err; };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    broken ??= err as Error;
    throw err;
  } finally {
    client.removeListener('error', onError);
    if (broken) await client.end().catch(() => undefined);
    await runner.release();
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
