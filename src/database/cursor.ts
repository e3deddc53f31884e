// Reads a query's rows through a read-only server-side cursor, a batch at a time, so memory
// stays flat however many rows there are. The callback may wait (back-pressure).
import type { DataSource } from 'typeorm';
import { withPgClient } from './transaction.js';

const CURSOR_BATCH = 500;

export async function forEachRow<T>(db: DataSource, sql: string, params: unknown[], onRow: (row: T) => void | Promise<void>): Promise<void> {
  await withPgClient(db, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
      for (;;) {
        const { rows } = await client.query(`FETCH ${CURSOR_BATCH} FROM export_rows`);
        for (const row of rows) await onRow(row as T);
        if (rows.length < CURSOR_BATCH) break;
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
