import type { MigrationInterface, QueryRunner } from 'typeorm';

// Tenants and their API keys. tenant_id leads every primary key and index: every
// query is scoped by the caller's tenant, and a sharded PostgreSQL can split on it.
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant (
        tenant_id   text PRIMARY KEY CHECK (length(tenant_id) BETWEEN 1 AND 200),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_key (
        tenant_id    text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id           uuid NOT NULL DEFAULT gen_random_uuid(),
        name         text NOT NULL,
        key_prefix   text NOT NULL,
        key_hash     text NOT NULL,
        scopes       text[] NOT NULL,
        created_by   text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX api_key_hash_idx ON api_key (tenant_id, key_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE tenant`);
  }
}
