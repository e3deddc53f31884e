// Staging for a sync. Fetched pages go into session-local temp tables (one per target table,
// shaped like it) as they arrive, so memory holds one page at a time; when every part has been
// fetched, one transaction upserts them into the real tables, stamps last_seen_at and marks the
// rows that were not seen as removed. A sync that fails before that leaves the data untouched.
import type { DataSource, QueryRunner } from 'typeorm';

export interface TableSpec {
  table: string;
  /** Key columns after tenant_id. */
  key: string[];
  /** Data columns (key columns included) with their PostgreSQL types. */
  columns: Array<[name: string, type: string]>;
  /** removed_at is set on rows not seen in the sync, and cleared on rows seen again. */
  tracksRemoval: boolean;
}

export type StagedRow = Record<string, unknown>;

const BATCH_ROWS = 1000;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class SyncStaging {
  /** Stage tables of this session, created once even when concurrent writers ask together. */
  private readonly created = new Map<string, Promise<void>>();

  private constructor(private readonly runner: QueryRunner, private readonly tenantId: string) {}

  /** One connection runs one statement at a time; concurrent fetchers queue here. */
  private tail: Promise<unknown> = Promise.resolve();

  private run<T = any>(sql: string, params: unknown[] = []): Promise<T> {
    const next = this.tail.then(() => this.runner.query(sql, params));
    this.tail = next.catch(() => undefined);
    return next;
  }

  get tenantIdValue(): string {
    return this.tenantId;
  }

  static async open(db: DataSource, tenantId: string): Promise<SyncStaging> {
    const runner = db.createQueryRunner();
    await runner.connect();
    return new SyncStaging(runner, tenantId);
  }

  stageName(spec: TableSpec): string {
    return ident(`stage_${spec.table}`);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run(sql, params);
  }

  /** Adds rows to the table's stage; a row staged again (same key) replaces the earlier one. */
  async stage(spec: TableSpec, rows: StagedRow[]): Promise<void> {
    await this.ensureStage(spec);
    const keyOf = (row: StagedRow) => spec.key.map((k) => String(row[k])).join('\u0000');
    const unique = [...new Map(rows.map((row) => [keyOf(row), row])).values()];
    const columns = spec.columns.map(([name]) => ident(name)).join(', ');
    const recordType = spec.columns.map(([name, type]) => `${ident(name)} ${type}`).join(', ');
    const updates = spec.columns.map(([name]) => `${ident(name)} = EXCLUDED.${ident(name)}`).join(', ');
    for (let i = 0; i < unique.length; i += BATCH_ROWS) {
      await this.run(
        `INSERT INTO ${this.stageName(spec)} (tenant_id, ${columns})
         SELECT $1, ${columns} FROM jsonb_to_recordset($2::jsonb) AS r(${recordType})
         ON CONFLICT (tenant_id, ${spec.key.map(ident).join(', ')}) DO UPDATE SET ${updates}`,
        [this.tenantId, JSON.stringify(unique.slice(i, i + BATCH_ROWS))],
      );
    }
  }

  async count(spec: TableSpec): Promise<number> {
    await this.ensureStage(spec);
    const [row] = await this.run(`SELECT count(*)::int AS n FROM ${this.stageName(spec)}`);
    return row.n as number;
  }

  /** Upserts every staged table into its real table in one transaction. */
  async apply(specs: TableSpec[]): Promise<void> {
    await this.runner.startTransaction();
    try {
      for (const spec of specs) {
        await this.ensureStage(spec);
        const columns = spec.columns.map(([name]) => ident(name)).join(', ');
        const key = spec.key.map(ident).join(', ');
        const updates = spec.columns.filter(([name]) => !spec.key.includes(name)).map(([name]) => `${ident(name)} = EXCLUDED.${ident(name)}`);
        updates.push('last_seen_at = EXCLUDED.last_seen_at');
        if (spec.tracksRemoval) updates.push('removed_at = NULL');
        await this.run(
          `INSERT INTO ${ident(spec.table)} (tenant_id, ${columns}, last_seen_at)
           SELECT $1, ${columns}, now() FROM ${this.stageName(spec)}
           ON CONFLICT (tenant_id, ${key}) DO UPDATE SET ${updates.join(', ')}`,
          [this.tenantId],
        );
        if (spec.tracksRemoval) {
          const match = spec.key.map((k) => `s.${ident(k)} = t.${ident(k)}`).join(' AND ');
          await this.run(
            `UPDATE ${ident(spec.table)} t SET removed_at = now()
             WHERE t.tenant_id = $1 AND t.removed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM ${this.stageName(spec)} s WHERE ${match})`,
            [this.tenantId],
          );
        }
      }
      await this.runner.commitTransaction();
    } catch (err) {
      await this.runner.rollbackTransaction();
      throw err;
    }
  }

  async close(): Promise<void> {
    try {
      for (const name of this.created.keys()) await this.run(`DROP TABLE IF EXISTS ${name}`);
    } finally {
      await this.runner.release();
    }
  }

  private ensureStage(spec: TableSpec): Promise<void> {
    const name = this.stageName(spec);
    let creation = this.created.get(name);
    if (!creation) {
      creation = (async () => {
        // Temp tables live in this session only; drop a leftover from an earlier use of the connection.
        await this.run(`DROP TABLE IF EXISTS ${name}`);
        await this.run(`CREATE TEMP TABLE ${name} (LIKE ${ident(spec.table)} INCLUDING DEFAULTS)`);
        await this.run(`ALTER TABLE ${name} ADD PRIMARY KEY (tenant_id, ${spec.key.map(ident).join(', ')})`);
      })();
      this.created.set(name, creation);
    }
    return creation;
  }
}
