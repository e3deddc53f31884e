import type { MigrationInterface, QueryRunner } from 'typeorm';

// PSA billing (docs/counting-and-reconciling.md, "The third column"): what PanelOne's PSA bills.
//  - panelone_agreement, panelone_addition, panelone_catalog_item: synced like the other
//    upstream tables (raw kept, last_seen_at, removed_at when gone upstream).
//  - psa_item_mapping: an admin's decision of which Pax8 product a PSA catalog item bills
//    (pax8_product_id null: none); suggestions are computed, not stored.
//  - tenant_settings.psa_billing_enabled: off by default; off, nothing is synced or shown.
//  - reconciliation_line / reconciliation_client: the billed figures of each version; null
//    without PSA billing, so every version made before stays as it was.
export class PsaBilling1796182000000 implements MigrationInterface {
  name = 'PsaBilling1796182000000';

  async up(q: QueryRunner): Promise<void> {
    const synced = `raw jsonb NOT NULL, first_seen_at timestamptz NOT NULL DEFAULT now(), last_seen_at timestamptz NOT NULL DEFAULT now(), removed_at timestamptz`;
    await q.query(`
      CREATE TABLE panelone_agreement (
        tenant_id text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id text NOT NULL, organization_id text NOT NULL, name text, status text, start_date text, end_date text,
        ${synced}, PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX panelone_agreement_org_idx ON panelone_agreement (tenant_id, organization_id)`);
    await q.query(`
      CREATE TABLE panelone_addition (
        tenant_id text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id text NOT NULL, agreement_id text NOT NULL, catalog_item_id text, description text, sku text,
        quantity numeric NOT NULL DEFAULT 0, unit_price numeric, currency text, billing_cycle text,
        effective_date text, cancelled_date text, version text,
        ${synced}, PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX panelone_addition_agreement_idx ON panelone_addition (tenant_id, agreement_id)`);
    await q.query(`
      CREATE TABLE panelone_catalog_item (
        tenant_id text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        id text NOT NULL, sku text, name text NOT NULL, category text,
        ${synced}, PRIMARY KEY (tenant_id, id))`);
    await q.query(`
      CREATE TABLE psa_item_mapping (
        tenant_id text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        catalog_item_id text NOT NULL,
        pax8_product_id text,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, catalog_item_id))`);
    await q.query(`ALTER TABLE tenant_settings ADD COLUMN psa_billing_enabled boolean NOT NULL DEFAULT false`);
    await q.query(`
      ALTER TABLE reconciliation_line
        ADD COLUMN billed numeric, ADD COLUMN billed_variance numeric, ADD COLUMN unbilled_licences numeric,
        ADD COLUMN billing_status text CHECK (billing_status IN ('under-billed','over-billed','billed')),
        ADD COLUMN billed_unit_price_monthly numeric, ADD COLUMN under_billed numeric, ADD COLUMN unpriced_under_billed_seats integer`);
    await q.query(`
      ALTER TABLE reconciliation_client
        ADD COLUMN billed numeric, ADD COLUMN billed_variance numeric, ADD COLUMN unbilled_licences numeric,
        ADD COLUMN billing_status text CHECK (billing_status IN ('under-billed','over-billed','billed')),
        ADD COLUMN under_billed numeric, ADD COLUMN unpriced_under_billed_seats integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_client DROP COLUMN billed, DROP COLUMN billed_variance, DROP COLUMN unbilled_licences, DROP COLUMN billing_status,
      DROP COLUMN under_billed, DROP COLUMN unpriced_under_billed_seats`);
    await q.query(`ALTER TABLE reconciliation_line DROP COLUMN billed, DROP COLUMN billed_variance, DROP COLUMN unbilled_licences, DROP COLUMN billing_status,
      DROP COLUMN billed_unit_price_monthly, DROP COLUMN under_billed, DROP COLUMN unpriced_under_billed_seats`);
    await q.query(`ALTER TABLE tenant_settings DROP COLUMN psa_billing_enabled`);
    for (const table of ['psa_item_mapping', 'panelone_catalog_item', 'panelone_addition', 'panelone_agreement']) await q.query(`DROP TABLE ${table}`);
  }
}
