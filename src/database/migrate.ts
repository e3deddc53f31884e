// Runs pending migrations under a PostgreSQL advisory lock, so replicas starting together
// cannot race: the first takes the lock and migrates, the others wait and find nothing to do.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

export const MIGRATION_LOCK_KEY = 7_140_001; // arbitrary, fixed for this application

export async function runMigrationsOn(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, { extra: { max: 2 } }));
  await dataSource.initialize();
  try {
    return await runMigrationsOn(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
