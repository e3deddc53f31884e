import type { MigrationInterface, QueryRunner } from 'typeorm';

// The audit log: who changed what (mappings, product flags, rules, schedule, API keys,
// integration settings; later exceptions and actions), when, before and after. Append-only in
// the database itself, not only in the application: a trigger refuses every UPDATE, DELETE and
// TRUNCATE, so neither a bug nor a hand-typed statement can rewrite history.
//
// Like every other table, the rows belong to their tenant (REFERENCES tenant ON DELETE CASCADE),
// and deleting the tenant is the one way they go: the cascade's DELETE reaches the trigger after
// the tenant row itself is gone in this transaction, so the trigger lets a delete through exactly
// when its tenant no longer exists. Refusing that too would make a tenant undeletable, and
// dropping the foreign key would leave a deleted tenant's history behind, unowned.
export class AuditLog1796165059287 implements MigrationInterface {
  name = 'AuditLog1796165059287';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        tenant_id       text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id              uuid NOT NULL DEFAULT gen_random_uuid(),
        -- Milliseconds, as the API shows it (JavaScript dates), so a filter on a shown time finds
        -- that entry; clock_timestamp(), not now(), so entries of one transaction differ.
        at              timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        -- The order entries were written in, for those within the same millisecond.
        seq             bigint GENERATED ALWAYS AS IDENTITY,
        actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 300),
        actor_role      text NOT NULL,
        type            text NOT NULL CHECK (type ~ '^[a-z0-9-]+(\\.[a-z0-9-]+)+$'),
        client_id       text,
        subject         text NOT NULL,
        before          jsonb,
        after           jsonb,
        correlation_id  text,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (tenant_id, at DESC, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_client_idx ON audit_log (tenant_id, client_id, at DESC) WHERE client_id IS NOT NULL`);
    // type filters are exact or by prefix (type LIKE 'settings.%'), which text_pattern_ops serves.
    await q.query(`CREATE INDEX audit_log_type_idx ON audit_log (tenant_id, type text_pattern_ops, at DESC)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF NOT EXISTS (SELECT 1 FROM tenant t WHERE t.tenant_id = OLD.tenant_id) THEN
            RETURN OLD; -- the tenant is being deleted: its history goes with it
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
