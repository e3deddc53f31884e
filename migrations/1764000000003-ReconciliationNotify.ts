import type { MigrationInterface, QueryRunner } from 'typeorm';

// Change notifications for the reconciliation read cache (src/reconciliation/reconciliation-cache.service.ts).
// Every write to a table that GET /reconciliation/summary and GET /reconciliation/clients read
// (snapshot, reconciliation_client, reconciliation_line) sends NOTIFY b1r_reconciliation with
// each distinct tenant id the statement touched, from the database itself, so no write path
// (the API, the worker, a migration, someone in psql) can forget to invalidate. PostgreSQL
// delivers a NOTIFY only when its transaction commits, once per distinct payload per
// transaction: a rolled-back snapshot notifies nobody, a 10,000-row reconcile notifies once.
// Statement-level triggers with transition tables: one call per statement, not per row.
// PostgreSQL allows transition tables on single-event triggers only, hence three per table.
// TRUNCATE has no transition table: it notifies '*', which listeners take as "every tenant".
// snapshot_device (the 250k-row COPY) and snapshot_client get no trigger: neither read reads them.
const RECONCILIATION_CHANNEL = 'b1r_reconciliation';
const TABLES = ['snapshot', 'reconciliation_client', 'reconciliation_line'];

export class ReconciliationNotify1764000000003 implements MigrationInterface {
  name = 'ReconciliationNotify1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION b1r_notify_reconciliation() RETURNS trigger LANGUAGE plpgsql AS $$
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
    for (const table of TABLES) {
      await q.query(`CREATE TRIGGER ${table}_notify_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS b1r_new
        FOR EACH STATEMENT EXECUTE FUNCTION b1r_notify_reconciliation()`);
      await q.query(`CREATE TRIGGER ${table}_notify_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS b1r_old NEW TABLE AS b1r_new
        FOR EACH STATEMENT EXECUTE FUNCTION b1r_notify_reconciliation()`);
      await q.query(`CREATE TRIGGER ${table}_notify_del AFTER DELETE ON ${table} REFERENCING OLD TABLE AS b1r_old
        FOR EACH STATEMENT EXECUTE FUNCTION b1r_notify_reconciliation()`);
      await q.query(`CREATE TRIGGER ${table}_notify_trunc AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION b1r_notify_reconciliation()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const suffix of ['ins', 'upd', 'del', 'trunc']) await q.query(`DROP TRIGGER ${table}_notify_${suffix} ON ${table}`);
    }
    await q.query(`DROP FUNCTION b1r_notify_reconciliation()`);
  }
}
