import type { MigrationInterface, QueryRunner } from 'typeorm';

// The reconciliation cache's NOTIFY payload becomes JSON, so a tenant id can only ever mean
// that tenant: {"tenant":"<id>"} for a write, {"all":true} for a TRUNCATE. The bare-text
// protocol of ReconciliationNotify1764000000003 sent '*' for TRUNCATE, and a tenant whose id
// was "*" emptied every tenant's cache on every replica with each of its writes.
// Only the trigger function changes; the triggers keep calling it by name.
const RECONCILIATION_CHANNEL = 'b1r_reconciliation';

export class ReconciliationNotifyJson1764000000004 implements MigrationInterface {
  name = 'ReconciliationNotifyJson1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION b1r_notify_reconciliation() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t text;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('${RECONCILIATION_CHANNEL}', '{"all":true}');
        ELSIF TG_OP = 'INSERT' THEN
          FOR t IN SELECT DISTINCT tenant_id FROM b1r_new LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', json_build_object('tenant', t)::text); END LOOP;
        ELSIF TG_OP = 'DELETE' THEN
          FOR t IN SELECT DISTINCT tenant_id FROM b1r_old LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', json_build_object('tenant', t)::text); END LOOP;
        ELSE
          FOR t IN SELECT tenant_id FROM b1r_new UNION SELECT tenant_id FROM b1r_old LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', json_build_object('tenant', t)::text); END LOOP;
        END IF;
        RETURN NULL;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION b1r_notify_reconciliation() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        t text;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('${RECONCILIATION_CHANNEL}', '*');
        ELSIF TG_OP = 'INSERT' THEN
          FOR t IN SELECT DISTINCT tenant_id FROM b1r_new LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', t); END LOOP;
        ELSIF TG_OP = 'DELETE' THEN
          FOR t IN SELECT DISTINCT tenant_id FROM b1r_old LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', t); END LOOP;
        ELSE
          FOR t IN SELECT tenant_id FROM b1r_new UNION SELECT tenant_id FROM b1r_old LOOP PERFORM pg_notify('${RECONCILIATION_CHANNEL}', t); END LOOP;
        END IF;
        RETURN NULL;
      END
      $$`);
  }
}
