import type { MigrationInterface, QueryRunner } from 'typeorm';

// What the syncs bring in from Pax8 and PanelOne, tenant-scoped. Rows are upserted in bulk,
// stamped with last_seen_at, and marked removed_at when they disappear upstream (history
// is kept, never deleted). `raw` keeps the upstream record as sent, unknown fields included.
export class SyncedData1764000000001 implements MigrationInterface {
  name = 'SyncedData1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_settings (
        tenant_id          text PRIMARY KEY REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        stale_days         integer NOT NULL DEFAULT 30 CHECK (stale_days BETWEEN 1 AND 3650),
        counted_classes    text[] NOT NULL DEFAULT ARRAY['WINDOWS_WORKSTATION','WINDOWS_SERVER','MAC','LINUX_WORKSTATION','LINUX_SERVER','VMWARE_VM_GUEST','HYPERV_VMM_GUEST'],
        licensed_statuses  text[] NOT NULL DEFAULT ARRAY['Active'],
        matched_tolerance  integer NOT NULL DEFAULT 0 CHECK (matched_tolerance >= 0),
        schedule_cron      text NOT NULL DEFAULT '0 2 1 * *',
        schedule_time_zone text NOT NULL DEFAULT 'UTC',
        schedule_enabled   boolean NOT NULL DEFAULT true,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE integration (
        tenant_id     text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        kind          text NOT NULL CHECK (kind IN ('pax8','panelone')),
        enabled       boolean NOT NULL DEFAULT false,
        config        jsonb NOT NULL DEFAULT '{}',
        secret_enc    text,
        status        text NOT NULL DEFAULT 'never' CHECK (status IN ('never','ok','error')),
        last_sync_at  timestamptz,
        last_error    text,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind)
      )`);
    await q.query(`
      CREATE TABLE panelone_organization (
        tenant_id     text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id            text NOT NULL,
        name          text NOT NULL,
        external_ref  text,
        raw           jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        removed_at    timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE pax8_company (
        tenant_id     text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id            text NOT NULL,
        name          text NOT NULL,
        external_id   text,
        status        text,
        raw           jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        removed_at    timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE pax8_contact (
        tenant_id     text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id            text NOT NULL,
        company_id    text NOT NULL,
        first_name    text,
        last_name     text,
        email         text,
        phone         text,
        types         jsonb NOT NULL DEFAULT '[]',
        raw           jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        removed_at    timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX pax8_contact_company_idx ON pax8_contact (tenant_id, company_id)`);
    await q.query(`
      CREATE TABLE pax8_product (
        tenant_id           text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id                  text NOT NULL,
        name                text NOT NULL,
        vendor_name         text,
        sku                 text,
        vendor_sku          text,
        short_description   text,
        requires_commitment boolean,
        raw                 jsonb NOT NULL,
        first_seen_at       timestamptz NOT NULL DEFAULT now(),
        last_seen_at        timestamptz NOT NULL DEFAULT now(),
        removed_at          timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE pax8_product_pricing (
        tenant_id     text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        product_id    text NOT NULL,
        pricing       jsonb NOT NULL,
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, product_id)
      )`);
    await q.query(`
      CREATE TABLE pax8_subscription (
        tenant_id      text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id             text NOT NULL,
        company_id     text NOT NULL,
        product_id     text NOT NULL,
        product_name   text,
        quantity       numeric NOT NULL DEFAULT 0,
        status         text,
        billing_term   text,
        price          numeric,
        partner_cost   numeric,
        currency_code  text,
        start_date     timestamptz,
        end_date       timestamptz,
        raw            jsonb NOT NULL,
        first_seen_at  timestamptz NOT NULL DEFAULT now(),
        last_seen_at   timestamptz NOT NULL DEFAULT now(),
        removed_at     timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX pax8_subscription_company_idx ON pax8_subscription (tenant_id, company_id, product_id)`);
    await q.query(`
      CREATE TABLE client_mapping (
        tenant_id        text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        organization_id  text NOT NULL,
        pax8_company_id  text,
        state            text NOT NULL CHECK (state IN ('suggested','confirmed','none')),
        reason           text,
        updated_by       text,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, organization_id)
      )`);
    await q.query(`
      CREATE TABLE product_setting (
        tenant_id   text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        product_id  text NOT NULL,
        per_device  boolean NOT NULL,
        updated_by  text,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, product_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'product_setting', 'client_mapping', 'pax8_subscription', 'pax8_product_pricing', 'pax8_product',
      'pax8_contact', 'pax8_company', 'panelone_organization', 'integration', 'tenant_settings',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
