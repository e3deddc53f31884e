import type { MigrationInterface, QueryRunner } from 'typeorm';

// Exceptions: an admin accepts a gap (client, product) with a reason and an optional last day.
//  - gap_exception: the exceptions in force, one per gap; the reconcile copies the one that
//    covers a line onto it, so every version keeps what was accepted when it was computed.
//  - reconciliation_line.gap_state: 'open' | 'accepted' (null on a matched line; actions will
//    add their states here), and the exception that covered it.
//  - reconciliation_client: status 'accepted' (every gap accepted) and the accepted money, apart
//    from the open money (which alone makes the totals).
export class GapExceptions1796170000000 implements MigrationInterface {
  name = 'GapExceptions1796170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gap_exception (
        tenant_id          text NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
        organization_id    text NOT NULL,
        product_id         text NOT NULL,
        reason             text NOT NULL CHECK (reason IN ('client-owned-licence','spare-on-purpose','device-retiring','not-billable','other')),
        note               text CHECK (length(note) <= 500),
        until              date,
        accepted_variance  numeric NOT NULL CHECK (accepted_variance <> 0),
        created_by         text NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, organization_id, product_id),
        CHECK (reason <> 'other' OR note IS NOT NULL)
      )`);
    // The worker's look for exceptions whose last day has passed (tenant first, as every key here).
    await q.query(`CREATE INDEX gap_exception_until_idx ON gap_exception (tenant_id, until) WHERE until IS NOT NULL`);

    await q.query(`ALTER TABLE reconciliation_line ADD COLUMN gap_state text CHECK (gap_state IN ('open','accepted')), ADD COLUMN exception jsonb`);
    await q.query(`UPDATE reconciliation_line SET gap_state = 'open' WHERE status <> 'matched'`);
    await q.query(`
      ALTER TABLE reconciliation_client
        ADD COLUMN accepted_revenue_at_risk numeric NOT NULL DEFAULT 0,
        ADD COLUMN accepted_overspend numeric NOT NULL DEFAULT 0,
        ADD COLUMN accepted_unpriced_seats integer NOT NULL DEFAULT 0,
        DROP CONSTRAINT reconciliation_client_status_check,
        ADD CONSTRAINT reconciliation_client_status_check CHECK (status IN ('under-licensed','over-licensed','matched','unmapped','accepted'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Accepted gaps count again: their money back into the totals, the client's status from its lines.
    await q.query(`
      UPDATE reconciliation_client c SET
        revenue_at_risk = c.revenue_at_risk + c.accepted_revenue_at_risk, overspend = c.overspend + c.accepted_overspend,
        unpriced_seats = c.unpriced_seats + c.accepted_unpriced_seats,
        unpriced_under_seats = c.unpriced_under_seats + COALESCE((SELECT sum(l.unpriced_seats) FROM reconciliation_line l
          WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id AND l.version = c.version AND l.organization_id = c.organization_id
            AND l.gap_state = 'accepted' AND l.status = 'under-licensed'), 0)::int,
        status = CASE
          WHEN EXISTS (SELECT 1 FROM reconciliation_line l WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id AND l.version = c.version
                         AND l.organization_id = c.organization_id AND l.status = 'under-licensed') THEN 'under-licensed'
          WHEN EXISTS (SELECT 1 FROM reconciliation_line l WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id AND l.version = c.version
                         AND l.organization_id = c.organization_id AND l.status = 'over-licensed') THEN 'over-licensed'
          ELSE c.status END
       WHERE c.status <> 'unmapped' AND EXISTS (SELECT 1 FROM reconciliation_line l WHERE l.tenant_id = c.tenant_id AND l.snapshot_id = c.snapshot_id
                                                  AND l.version = c.version AND l.organization_id = c.organization_id AND l.gap_state = 'accepted')`);
    await q.query(`
      ALTER TABLE reconciliation_client
        DROP CONSTRAINT reconciliation_client_status_check,
        ADD CONSTRAINT reconciliation_client_status_check CHECK (status IN ('under-licensed','over-licensed','matched','unmapped')),
        DROP COLUMN accepted_unpriced_seats, DROP COLUMN accepted_overspend, DROP COLUMN accepted_revenue_at_risk`);
    await q.query(`ALTER TABLE reconciliation_line DROP COLUMN exception, DROP COLUMN gap_state`);
    await q.query(`DROP TABLE gap_exception`);
  }
}
