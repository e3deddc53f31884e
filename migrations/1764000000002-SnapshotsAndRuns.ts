import type { MigrationInterface, QueryRunner } from 'typeorm';

// Snapshots (immutable once complete), their device rows and per-client counts, the
// reconciliation computed for each snapshot, and the sync runs the worker executes.
// Reads only ever join snapshots whose status is 'complete', so rows of a snapshot still
// being built (or that failed) are never visible.
export class SnapshotsAndRuns1764000000002 implements MigrationInterface {
  name = 'SnapshotsAndRuns1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE snapshot (
        tenant_id      text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id             uuid NOT NULL DEFAULT gen_random_uuid(),
        taken_at       timestamptz NOT NULL DEFAULT now(),
        trigger        text NOT NULL CHECK (trigger IN ('manual','schedule','sync-all')),
        status         text NOT NULL DEFAULT 'building' CHECK (status IN ('building','complete','failed')),
        rules          jsonb NOT NULL,
        device_count   integer NOT NULL DEFAULT 0,
        billable_count integer NOT NULL DEFAULT 0,
        run_id         uuid,
        error          text,
        completed_at   timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX snapshot_complete_idx ON snapshot (tenant_id, taken_at DESC) WHERE status = 'complete'`);
    await q.query(`
      CREATE TABLE snapshot_device (
        tenant_id        text NOT NULL,
        snapshot_id      uuid NOT NULL,
        organization_id  text NOT NULL,
        device_id        text NOT NULL,
        hostname         text,
        serial_number    text,
        device_class     text NOT NULL,
        last_contact     timestamptz,
        offline          boolean,
        approval_status  text,
        counted          boolean NOT NULL,
        reason           text,
        PRIMARY KEY (tenant_id, snapshot_id, organization_id, device_id),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE snapshot_client (
        tenant_id          text NOT NULL,
        snapshot_id        uuid NOT NULL,
        organization_id    text NOT NULL,
        organization_name  text NOT NULL,
        device_count       integer NOT NULL,
        billable_count     integer NOT NULL,
        by_class           jsonb NOT NULL DEFAULT '{}',
        excluded_by_reason jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, snapshot_id, organization_id),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE reconciliation_line (
        tenant_id          text NOT NULL,
        snapshot_id        uuid NOT NULL,
        organization_id    text NOT NULL,
        product_id         text NOT NULL,
        product_name       text NOT NULL,
        pax8_company_id    text NOT NULL,
        devices            integer NOT NULL,
        licensed_quantity  numeric NOT NULL,
        variance           numeric NOT NULL,
        unit_price_monthly numeric,
        monthly_impact     numeric,
        currency           text NOT NULL DEFAULT 'USD',
        PRIMARY KEY (tenant_id, snapshot_id, organization_id, product_id),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE reconciliation_client (
        tenant_id         text NOT NULL,
        snapshot_id       uuid NOT NULL,
        organization_id   text NOT NULL,
        name              text NOT NULL,
        pax8_company_id   text,
        devices           integer NOT NULL,
        licenses          numeric NOT NULL,
        variance          numeric NOT NULL,
        status            text NOT NULL CHECK (status IN ('under-licensed','over-licensed','matched','unmapped')),
        monthly_impact    numeric,
        line_count        integer NOT NULL DEFAULT 0,
        shown_product_id  text,
        PRIMARY KEY (tenant_id, snapshot_id, organization_id),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX reconciliation_client_status_idx ON reconciliation_client (tenant_id, snapshot_id, status, monthly_impact DESC)`);
    await q.query(`
      CREATE TABLE sync_run (
        tenant_id      text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id             uuid NOT NULL DEFAULT gen_random_uuid(),
        tool           text NOT NULL,
        status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','succeeded','failed')),
        trigger        text NOT NULL DEFAULT 'manual',
        phase          text,
        progress_done  integer NOT NULL DEFAULT 0,
        progress_total integer,
        requested_by   text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        started_at     timestamptz,
        finished_at    timestamptz,
        heartbeat_at   timestamptz,
        attempts       integer NOT NULL DEFAULT 0,
        error          text,
        result         jsonb,
        PRIMARY KEY (tenant_id, id)
      )`);
    // At most one queued-or-running run per tenant and tool, across every replica.
    await q.query(`CREATE UNIQUE INDEX sync_run_active_idx ON sync_run (tenant_id, tool) WHERE status IN ('queued','running')`);
    await q.query(`CREATE INDEX sync_run_recent_idx ON sync_run (tenant_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE schedule_fire (
        tenant_id  text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        due_at     timestamptz NOT NULL,
        run_id     uuid,
        fired_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, due_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['schedule_fire', 'sync_run', 'reconciliation_client', 'reconciliation_line', 'snapshot_client', 'snapshot_device', 'snapshot']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
