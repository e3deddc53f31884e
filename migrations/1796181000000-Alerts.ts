import type { MigrationInterface, QueryRunner } from 'typeorm';

// Alerts (DESIGN.md "Changes, alerts, reports"):
//  - alert_channel: a tenant's webhook (URL, encrypted secret) and email (recipients) channels.
//  - alert_delivery: the outbox. A row is written in the reconciliation's own transaction, so it
//    commits or rolls back with it; its id is the X-B1R-Delivery header on every attempt. The
//    worker claims due rows with FOR UPDATE SKIP LOCKED, woken by NOTIFY b1r_alert_delivery.
//  - alert_delivery_attempt: every attempt (status, time, short redacted error): the delivery log.
export class Alerts1796181000000 implements MigrationInterface {
  name = 'Alerts1796181000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_channel (
        tenant_id   text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id          uuid NOT NULL DEFAULT gen_random_uuid(),
        kind        text NOT NULL CHECK (kind IN ('webhook','email')),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        enabled     boolean NOT NULL DEFAULT true,
        url         text,
        secret_enc  text,
        recipients  text[],
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        CHECK (kind <> 'webhook' OR (url IS NOT NULL AND secret_enc IS NOT NULL)),
        CHECK (kind <> 'email' OR cardinality(recipients) > 0)
      )`);
    await q.query(`
      CREATE TABLE alert_delivery (
        tenant_id        text NOT NULL,
        id               uuid NOT NULL DEFAULT gen_random_uuid(),
        channel_id       uuid NOT NULL,
        event            text NOT NULL,
        snapshot_id      uuid,
        version          integer,
        payload          jsonb NOT NULL,
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        created_at       timestamptz NOT NULL DEFAULT now(),
        finished_at      timestamptz,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, channel_id) REFERENCES alert_channel(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX alert_delivery_pending_idx ON alert_delivery (tenant_id, next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX alert_delivery_log_idx ON alert_delivery (tenant_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE alert_delivery_attempt (
        tenant_id    text NOT NULL,
        delivery_id  uuid NOT NULL,
        attempt      integer NOT NULL,
        at           timestamptz NOT NULL DEFAULT now(),
        status_code  integer,
        error        text,
        duration_ms  integer NOT NULL,
        PRIMARY KEY (tenant_id, delivery_id, attempt),
        FOREIGN KEY (tenant_id, delivery_id) REFERENCES alert_delivery(tenant_id, id) ON DELETE CASCADE
      )`);
    // Sent at COMMIT: a delivery of a transaction that rolled back wakes nobody.
    await q.query(`
      CREATE FUNCTION b1r_notify_alert_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('b1r_alert_delivery', NEW.tenant_id);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER alert_delivery_ins AFTER INSERT ON alert_delivery
      FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION b1r_notify_alert_delivery()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER alert_delivery_ins ON alert_delivery`);
    await q.query(`DROP FUNCTION b1r_notify_alert_delivery()`);
    await q.query(`DROP TABLE alert_delivery_attempt`);
    await q.query(`DROP TABLE alert_delivery`);
    await q.query(`DROP TABLE alert_channel`);
  }
}
