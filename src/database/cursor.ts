// Reads a query's rows through a server-side cursor, a batch at a time, so memory stays flat
// however many rows there are. The callback may wait (back-pressure).
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { withPgClient } from './transaction.js';

const CURSOR_BATCH = 500;

/** On a connection of its own, in a read-only transaction. */
export async function forEachRow<T>(db: DataSource, sql: string, params: unknown[], onRow: (row: T) => void | Promise<void>): Promise<void> {
  await withPgClient(db, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await forEachRowIn(client, sql, params, onRow);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}

/**
 * Inside the transaction `client` holds (it sees that transaction's own uncommitted rows). The
 * cursor is closed once read; should a statement fail, the transaction's rollback closes it.
 */
export async function forEachRowIn<T>(
  client: PoolClient, sql: string, params: unknown[], onRow: (row: T) => void | Promise<void>, batch = CURSOR_BATCH,
): Promise<void> {
  await client.query(`DECLARE each_row NO SCROLL CURSOR FOR ${sql}`, params);
  for (;;) {
    const { rows } = await client.query(`FETCH ${batch} FROM each_row`);
    for (const row of rows) await onRow(row as T);
    if (rows.length < batch) break;
  }
  await client.query('CLOSE each_row');
}
