// gap_exception: the exceptions in force, one per gap (tenant, client, product). The reconcile
// reads the live ones (their last day not passed, UTC) and copies the one that covers a line
// onto it; the table itself is changed only under the tenant's reconcile lock, in the same
// transaction as the new version it causes.
import { Injectable } from '@nestjs/common';
import { rowsOf, type Queryable } from '../database/queryable.js';
import { gapKey, type ExceptionReason, type LineException } from './reconcile.js';

interface ExceptionRecord {
  organization_id: string;
  product_id: string;
  reason: ExceptionReason;
  note: string | null;
  until: string | null;
  accepted_variance: string;
  created_by: string;
  created_at: Date;
}

export interface NewException {
  organizationId: string;
  productId: string;
  reason: ExceptionReason;
  note: string | null;
  until: string | null;
  acceptedVariance: number;
  by: string;
}

/** Today in UTC, the day an exception's `until` is compared with. */
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;

@Injectable()
export class GapExceptionRepository {
  /** The exceptions in force now, by gapKey. */
  async live(q: Queryable, tenantId: string): Promise<Map<string, LineException>> {
    const rows = rowsOf<ExceptionRecord>(await q.query(
      `SELECT organization_id, product_id, reason, note, to_char(until, 'YYYY-MM-DD') AS until, accepted_variance, created_by, created_at
         FROM gap_exception WHERE tenant_id = $1 AND (until IS NULL OR until >= ${TODAY})`,
      [tenantId],
    ));
    return new Map(rows.map((r) => [gapKey(r.organization_id, r.product_id), {
      reason: r.reason, note: r.note, until: r.until, acceptedVariance: Number(r.accepted_variance), by: r.created_by, at: new Date(r.created_at).toISOString(),
    }]));
  }

  /** Records (or replaces: a gap that reopened is accepted anew at its new size) the exception of a gap. */
  async upsert(q: Queryable, tenantId: string, e: NewException): Promise<void> {
    await q.query(
      `INSERT INTO gap_exception (tenant_id, organization_id, product_id, reason, note, until, accepted_variance, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8)
       ON CONFLICT (tenant_id, organization_id, product_id) DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note, until = EXCLUDED.until,
         accepted_variance = EXCLUDED.accepted_variance, created_by = EXCLUDED.created_by, created_at = now()`,
      [tenantId, e.organizationId, e.productId, e.reason, e.note, e.until, e.acceptedVariance, e.by],
    );
  }

  /** Removes a gap's exception and returns what it was (for the audit log); null when it had none. */
  async remove(q: Queryable, tenantId: string, organizationId: string, productId: string): Promise<Record<string, unknown> | null> {
    const [row] = rowsOf<Record<string, unknown>>(await q.query(
      `DELETE FROM gap_exception WHERE tenant_id = $1 AND organization_id = $2 AND product_id = $3
       RETURNING reason, note, until::text AS until, accepted_variance::float8 AS "acceptedVariance", created_by AS by`, [tenantId, organizationId, productId]));
    return row ?? null;
  }

  /** Tenants with an exception whose last day has passed. */
  async tenantsWithExpired(q: Queryable): Promise<string[]> {
    const rows = rowsOf<{ tenant_id: string }>(await q.query(`SELECT DISTINCT tenant_id FROM gap_exception WHERE until < ${TODAY}`));
    return rows.map((r) => r.tenant_id);
  }

  /** Drops a tenant's expired exceptions (the versions they were in force for keep them); what they were. */
  async removeExpired(q: Queryable, tenantId: string): Promise<Array<Record<string, unknown> & { organization_id: string; product_id: string }>> {
    return rowsOf(await q.query(
      `DELETE FROM gap_exception WHERE tenant_id = $1 AND until < ${TODAY}
       RETURNING organization_id, product_id, reason, note, until::text AS until, accepted_variance::float8 AS "acceptedVariance", created_by AS by`, [tenantId]));
  }
}
