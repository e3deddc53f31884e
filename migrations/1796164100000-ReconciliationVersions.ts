import type { MigrationInterface, QueryRunner } from 'typeorm';

// Reconciliations become versioned and immutable. A change of rules, mappings, per-device
// products or subscriptions recomputes the latest snapshot as a NEW version; earlier versions
// stay readable, so what was reported on a date can be shown again.
//  - reconciliation: one row per (snapshot, version) with why it was made, by whom, and the
//    rules it was computed with; snapshot.reconciliation_version names the latest one.
//  - reconciliation_client / reconciliation_line gain `version` in their keys, and the money of
//    the contract: revenue at risk and overspend apart (never netted), unpriced seats, the line's
//    status; unmapped organizations have no licences and no variance (NULL).
// Rows that exist already become version 1 ("migrated"), their new columns filled from the
// stored figures and the tenant's tolerance.
export class ReconciliationVersions1796164100000 implements MigrationInterface {
  name = 'ReconciliationVersions1796164100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reconciliation (
        tenant_id    text NOT NULL,
        snapshot_id  uuid NOT NULL,
        version      integer NOT NULL CHECK (version > 0),
        created_at   timestamptz NOT NULL DEFAULT now(),
        reason       text NOT NULL,
        created_by   text,
        rules        jsonb NOT NULL,
        result_hash  text NOT NULL,
        PRIMARY KEY (tenant_id, snapshot_id, version),
        FOREIGN KEY (tenant_id, snapshot_id) REFERENCES snapshot(tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`ALTER TABLE snapshot ADD COLUMN reconciliation_version integer`);

    await q.query(`ALTER TABLE reconciliation_line ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE reconciliation_client ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE reconciliation_line ALTER COLUMN version DROP DEFAULT`);
    await q.query(`ALTER TABLE reconciliation_client ALTER COLUMN version DROP DEFAULT`);
    await q.query(`ALTER TABLE reconciliation_line DROP CONSTRAINT reconciliation_line_pkey, ADD PRIMARY KEY (tenant_id, snapshot_id, version, organization_id, product_id)`);
    await q.query(`ALTER TABLE reconciliation_client DROP CONSTRAINT reconciliation_client_pkey, ADD PRIMARY KEY (tenant_id, snapshot_id, version, organization_id)`);
    await q.query(`DROP INDEX reconciliation_client_status_idx`);
    await q.query(`CREATE INDEX reconciliation_client_status_idx ON reconciliation_client (tenant_id, snapshot_id, version, status)`);
    // The trend and "since when" read one client's lines across snapshots.
    await q.query(`CREATE INDEX reconciliation_line_client_idx ON reconciliation_line (tenant_id, organization_id, product_id)`);

    await q.query(`
      ALTER TABLE reconciliation_line
        ADD COLUMN status text NOT NULL DEFAULT 'matched' CHECK (status IN ('under-licensed','over-licensed','matched')),
        ADD COLUMN revenue_at_risk numeric,
        ADD COLUMN overspend numeric,
        ADD COLUMN unpriced_seats integer NOT NULL DEFAULT 0`);
    await q.query(`
      ALTER TABLE reconciliation_client
        ALTER COLUMN licenses DROP NOT NULL,
        ALTER COLUMN variance DROP NOT NULL,
        ADD COLUMN revenue_at_risk numeric NOT NULL DEFAULT 0,
        ADD COLUMN overspend numeric NOT NULL DEFAULT 0,
        ADD COLUMN unpriced_seats integer NOT NULL DEFAULT 0,
        ADD COLUMN unpriced_under_seats integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE reconciliation_client RENAME COLUMN shown_product_id TO headline_product_id`);

    // Existing rows: version 1, the new figures from the stored ones.
    await q.query(`
      UPDATE reconciliation_line l SET status = CASE
        WHEN abs(l.variance) <= COALESCE((SELECT t.matched_tolerance FROM tenant_settings t WHERE t.tenant_id = l.tenant_id), 0) THEN 'matched'
        WHEN l.variance > 0 THEN 'under-licensed' ELSE 'over-licensed' END`);
    await q.query(`
      UPDATE reconciliation_line SET
        revenue_at_risk = CASE WHEN status <> 'under-licensed' THEN 0 WHEN unit_price_monthly IS NULL THEN NULL ELSE abs(monthly_impact) END,
        overspend       = CASE WHEN status <> 'over-licensed' THEN 0 WHEN unit_price_monthly IS NULL THEN NULL ELSE abs(monthly_impact) END,
        unpriced_seats  = CASE WHEN status <> 'matched' AND unit_price_monthly IS NULL THEN abs(variance)::int ELSE 0 END`);
    await q.query(`
      UPDATE reconciliation_client c SET
        revenue_at_risk = COALESCE(s.risk, 0), overspend = COALESCE(s.over, 0),
        unpriced_seats = COALESCE(s.unpriced, 0), unpriced_under_seats = COALESCE(s.unpriced_under, 0)
        FROM (SELECT tenant_id, snapshot_id, version, organization_id, sum(revenue_at_risk) AS risk, sum(overspend) AS over,
                     sum(unpriced_seats)::int AS unpriced, (sum(unpriced_seats) FILTER (WHERE status = 'under-licensed'))::int AS unpriced_under
                FROM reconciliation_line GROUP BY 1, 2, 3, 4) s
       WHERE s.tenant_id = c.tenant_id AND s.snapshot_id = c.snapshot_id AND s.version = c.version AND s.organization_id = c.organization_id`);
    // A mapped client without any per-device line: every billable device is an unpriced gap.
    await q.query(`UPDATE reconciliation_client SET unpriced_seats = devices, unpriced_under_seats = devices WHERE status = 'under-licensed' AND line_count = 0`);
    await q.query(`UPDATE reconciliation_client SET licenses = NULL, variance = NULL, unpriced_seats = 0, unpriced_under_seats = 0 WHERE status = 'unmapped'`);
    await q.query(`
      INSERT INTO reconciliation (tenant_id, snapshot_id, version, created_at, reason, rules, result_hash)
      SELECT s.tenant_id, s.id, 1, COALESCE(s.completed_at, s.taken_at), 'migrated', s.rules, 'migrated'
        FROM snapshot s WHERE EXISTS (SELECT 1 FROM reconciliation_client c WHERE c.tenant_id = s.tenant_id AND c.snapshot_id = s.id)`);
    await q.query(`UPDATE snapshot s SET reconciliation_version = 1 WHERE EXISTS (SELECT 1 FROM reconciliation r WHERE r.tenant_id = s.tenant_id AND r.snapshot_id = s.id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to one reconciliation per snapshot: the latest version of each stays.
    await q.query(`DELETE FROM reconciliation_line l USING snapshot s WHERE s.tenant_id = l.tenant_id AND s.id = l.snapshot_id AND l.version <> s.reconciliation_version`);
    await q.query(`DELETE FROM reconciliation_client c USING snapshot s WHERE s.tenant_id = c.tenant_id AND s.id = c.snapshot_id AND c.version <> s.reconciliation_version`);
    await q.query(`UPDATE reconciliation_client SET licenses = 0, variance = devices WHERE status = 'unmapped'`);
    await q.query(`ALTER TABLE reconciliation_client RENAME COLUMN headline_product_id TO shown_product_id`);
    await q.query(`
      ALTER TABLE reconciliation_client
        DROP COLUMN unpriced_under_seats, DROP COLUMN unpriced_seats, DROP COLUMN overspend, DROP COLUMN revenue_at_risk,
        ALTER COLUMN licenses SET NOT NULL, ALTER COLUMN variance SET NOT NULL`);
    await q.query(`ALTER TABLE reconciliation_line DROP COLUMN unpriced_seats, DROP COLUMN overspend, DROP COLUMN revenue_at_risk, DROP COLUMN status`);
    await q.query(`DROP INDEX reconciliation_line_client_idx`);
    await q.query(`DROP INDEX reconciliation_client_status_idx`);
    await q.query(`CREATE INDEX reconciliation_client_status_idx ON reconciliation_client (tenant_id, snapshot_id, status, monthly_impact DESC)`);
    await q.query(`ALTER TABLE reconciliation_client DROP CONSTRAINT reconciliation_client_pkey, ADD PRIMARY KEY (tenant_id, snapshot_id, organization_id)`);
    await q.query(`ALTER TABLE reconciliation_line DROP CONSTRAINT reconciliation_line_pkey, ADD PRIMARY KEY (tenant_id, snapshot_id, organization_id, product_id)`);
    await q.query(`ALTER TABLE reconciliation_client DROP COLUMN version`);
    await q.query(`ALTER TABLE reconciliation_line DROP COLUMN version`);
    await q.query(`ALTER TABLE snapshot DROP COLUMN reconciliation_version`);
    await q.query(`DROP TABLE reconciliation`);
  }
}
