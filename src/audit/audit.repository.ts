// audit_log: appended to on the caller's connection (inside the transaction that makes the
// change), read newest first. The table refuses UPDATE and DELETE itself (see the migration).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';

export interface AuditRow {
  tenantId: string;
  actor: string;
  actorRole: string;
  type: string;
  clientId: string | null;
  subject: string;
  before: unknown;
  after: unknown;
  correlationId: string | null;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  actor_role: string;
  type: string;
  client_id: string | null;
  subject: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditFilter {
  clientId?: string;
  /** Exact, or every type under a prefix when it ends with a dot ("settings."). */
  type?: string;
  from?: Date;
  /** Inclusive upper bound, or exclusive when `toExclusive`. */
  to?: Date;
  toExclusive?: boolean;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async append(q: Queryable, row: AuditRow): Promise<void> {
    await q.query(
      `INSERT INTO audit_log (tenant_id, actor, actor_role, type, client_id, subject, before, after, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
      [row.tenantId, row.actor, row.actorRole, row.type, row.clientId, row.subject,
        row.before === null ? null : JSON.stringify(row.before), row.after === null ? null : JSON.stringify(row.after), row.correlationId],
    );
  }

  async list(tenantId: string, f: AuditFilter): Promise<{ rows: AuditRecord[]; total: number }> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    const add = (sql: (n: number) => string, value: unknown) => where.push(sql(params.push(value)));
    if (f.clientId !== undefined) add((n) => `client_id = $${n}`, f.clientId);
    // Types are [a-z0-9.-] only (validated), so a prefix needs no LIKE escaping.
    if (f.type !== undefined) add((n) => (f.type!.endsWith('.') ? `type LIKE $${n} || '%'` : `type = $${n}`), f.type);
    if (f.from) add((n) => `at >= $${n}`, f.from);
    if (f.to) add((n) => `at ${f.toExclusive ? '<' : '<='} $${n}`, f.to);
    const filter = where.join(' AND ');
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id, at, actor, actor_role, type, client_id, subject, before, after FROM audit_log
          WHERE ${filter} ORDER BY at DESC, seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, f.limit, f.offset],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM audit_log WHERE ${filter}`, params),
    ]);
    return { rows: rowsOf<AuditRecord>(rows), total };
  }
}
