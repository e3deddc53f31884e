import type { MigrationInterface, QueryRunner } from 'typeorm';

// Actions on gaps (technicians propose, admins approve, the worker applies):
//  - action: one proposal; its own state is proposed, approved or cancelled (the items carry
//    what happened after approval).
//  - action_item: one gap of it, with its frozen preview and its own state. The item row is the
//    worker's job: a worker claims it with FOR UPDATE SKIP LOCKED and holds a lease
//    (lease_until), so a worker that dies mid-item leaves a lease that lapses, never a row
//    stuck in 'applying'. Scheduled items wait for scheduled_for.
//  - action_event: the history, append-only (a trigger refuses UPDATE and DELETE but a
//    tenant's deletion cascade, as audit_log does).
//  - tenant_settings: the action caps and the second-approver rule.
export class Actions1796180000000 implements MigrationInterface {
  name = 'Actions1796180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant_settings
        ADD COLUMN max_seat_change integer NOT NULL DEFAULT 50 CHECK (max_seat_change >= 0),
        ADD COLUMN max_monthly_increase numeric NOT NULL DEFAULT 1000 CHECK (max_monthly_increase >= 0),
        ADD COLUMN require_second_approver boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE action (
        tenant_id    text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id           uuid NOT NULL DEFAULT gen_random_uuid(),
        type         text NOT NULL CHECK (type IN ('pax8-quantity','psa-quantity')),
        state        text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','approved','cancelled')),
        proposed_by  text NOT NULL,
        approved_by  text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX action_created_idx ON action (tenant_id, created_at DESC, id)`);
    await q.query(`
      CREATE TABLE action_item (
        tenant_id        text NOT NULL,
        action_id        uuid NOT NULL,
        id               uuid NOT NULL DEFAULT gen_random_uuid(),
        position         integer NOT NULL,
        organization_id  text NOT NULL,
        client_name      text NOT NULL,
        product_id       text NOT NULL,
        product_name     text NOT NULL,
        -- The reconciliation the gap was proposed from, and the gap's variance then.
        snapshot_id      uuid NOT NULL,
        variance         numeric NOT NULL,
        target_id        text NOT NULL,
        from_quantity    integer NOT NULL CHECK (from_quantity >= 0),
        to_quantity      integer NOT NULL CHECK (to_quantity >= 0),
        preview          jsonb NOT NULL,
        state            text NOT NULL DEFAULT 'proposed'
                         CHECK (state IN ('proposed','approved','applying','applied','failed','conflict','cancelled','scheduled')),
        outcome          text,
        scheduled_for    timestamptz,
        lease_until      timestamptz,
        lease_owner      text,
        attempts         integer NOT NULL DEFAULT 0,
        applied_at       timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, action_id, position),
        FOREIGN KEY (tenant_id, action_id) REFERENCES action (tenant_id, id) ON DELETE CASCADE,
        CHECK (state <> 'scheduled' OR scheduled_for IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX action_item_gap_idx ON action_item (tenant_id, organization_id, product_id, updated_at DESC)`);
    // The worker's claim across tenants reads this partial index: only items still to run are in it, so it stays small.
    await q.query(`CREATE INDEX action_item_due_idx ON action_item (tenant_id, updated_at) WHERE state IN ('approved','applying','scheduled')`);
    await q.query(`
      CREATE TABLE action_event (
        tenant_id  text NOT NULL,
        action_id  uuid NOT NULL,
        seq        bigint GENERATED ALWAYS AS IDENTITY,
        item_id    uuid,
        at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        by         text NOT NULL,
        state      text NOT NULL,
        message    text NOT NULL,
        PRIMARY KEY (tenant_id, action_id, seq),
        FOREIGN KEY (tenant_id, action_id) REFERENCES action (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE FUNCTION action_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenant t WHERE t.tenant_id = OLD.tenant_id) THEN
          RETURN OLD; -- the tenant is being deleted: its history goes with it
        END IF;
        RAISE EXCEPTION 'action_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER action_event_no_change BEFORE UPDATE OR DELETE ON action_event FOR EACH ROW EXECUTE FUNCTION action_event_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE action_event`);
    await q.query(`DROP FUNCTION action_event_append_only()`);
    await q.query(`DROP TABLE action_item`);
    await q.query(`DROP TABLE action`);
    await q.query(`ALTER TABLE tenant_settings DROP COLUMN require_second_approver, DROP COLUMN max_monthly_increase, DROP COLUMN max_seat_change`);
  }
}
