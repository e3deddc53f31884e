import type { MigrationInterface, QueryRunner } from 'typeorm';

// sync_run becomes the job queue itself (pg-boss is gone). A worker claims the oldest due run of
// its queue with FOR UPDATE SKIP LOCKED; `run_after` holds a retry back until its back-off has
// passed; `queue` keeps deployments (or test suites) that share a database apart. A run that
// becomes queued (inserted, retried, released at shutdown) sends NOTIFY b1r_sync_run with its
// queue name, on commit, so an idle worker starts it at once instead of at its next poll.
// Runs already queued by pg-boss keep their rows and are claimed like any other; the pgboss
// schema it created for itself is dropped (pg-boss recreates it if old code is started again).
const CHANNEL = 'b1r_sync_run';

export class SyncRunQueue1796161998674 implements MigrationInterface {
  name = 'SyncRunQueue1796161998674';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_run ADD COLUMN queue text NOT NULL DEFAULT 'sync-run', ADD COLUMN run_after timestamptz NOT NULL DEFAULT now()`);
    await q.query(`UPDATE sync_run SET run_after = created_at`);
    await q.query(`CREATE INDEX sync_run_queued_idx ON sync_run (tenant_id, queue, run_after) WHERE status = 'queued'`);
    await q.query(`
      CREATE FUNCTION b1r_notify_sync_run() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', NEW.queue);
        RETURN NULL;
      END
      $$`);
    await q.query(`CREATE TRIGGER sync_run_queued_ins AFTER INSERT ON sync_run
      FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION b1r_notify_sync_run()`);
    await q.query(`CREATE TRIGGER sync_run_queued_upd AFTER UPDATE OF status ON sync_run
      FOR EACH ROW WHEN (NEW.status = 'queued' AND OLD.status <> 'queued') EXECUTE FUNCTION b1r_notify_sync_run()`);
    await q.query(`DROP SCHEMA IF EXISTS pgboss CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER sync_run_queued_upd ON sync_run`);
    await q.query(`DROP TRIGGER sync_run_queued_ins ON sync_run`);
    await q.query(`DROP FUNCTION b1r_notify_sync_run()`);
    await q.query(`DROP INDEX sync_run_queued_idx`);
    await q.query(`ALTER TABLE sync_run DROP COLUMN run_after, DROP COLUMN queue`);
  }
}
