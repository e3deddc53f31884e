// The audit log's one way in: `record(q, entry)` on the connection (transaction) that writes the
// change, so the entry commits or rolls back with it. An entry whose before equals its after is
// no change and is not written. Entries never carry a secret: a field named like one is a
// programming error, refused before it reaches the table.
import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { invalid } from '../common/errors.js';
import { isoTimestamp, type Queryable } from '../database/queryable.js';
import type { Actor } from './actor.js';
import type { AuditType } from './audit-types.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditListDto, AuditQuery } from './dto/audit.dto.js';

export type AuditState = Record<string, unknown> | null;

export interface AuditEntry {
  tenantId: string;
  type: AuditType;
  by: Actor;
  /** What changed: an organization, product or API key id, an integration kind, "rules". */
  subject: string;
  /** The client (PanelOne organization) the change is about, when it is about one. */
  clientId?: string | null;
  before: AuditState;
  after: AuditState;
}

const SECRET_FIELD = /(secret|token|password|hash|_enc|^key)$/i;

function assertNoSecretFields(value: unknown, path: string): void {
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_FIELD.test(k)) throw new Error(`audit entry field ${path}.${k} looks like a secret; record that it changed, not its value`);
    assertNoSecretFields(v, `${path}.${k}`);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Appends the entry on `q`; false (nothing written) when before and after are equal. */
  async record(q: Queryable, entry: AuditEntry): Promise<boolean> {
    if (isDeepStrictEqual(entry.before, entry.after)) return false;
    assertNoSecretFields(entry.before, 'before');
    assertNoSecretFields(entry.after, 'after');
    await this.audit.append(q, {
      tenantId: entry.tenantId, actor: entry.by.subject, actorRole: entry.by.role, type: entry.type,
      clientId: entry.clientId ?? null, subject: entry.subject, before: entry.before, after: entry.after,
      correlationId: entry.by.correlationId,
    });
    return true;
  }

  /** Newest first. A date alone as `to` takes in that whole day (UTC); `from` after `to` is a 400. */
  async list(tenantId: string, query: AuditQuery): Promise<AuditListDto> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw invalid('from must not be after to');
    const toExclusive = Boolean(query.to && DATE_ONLY.test(query.to));
    const { rows, total } = await this.audit.list(tenantId, {
      clientId: query.clientId, type: query.type, from, to: to && toExclusive ? new Date(to.getTime() + DAY_MS) : to, toExclusive,
      limit: query.limit, offset: query.offset,
    });
    return {
      items: rows.map((r) => ({
        id: r.id, at: isoTimestamp(r.at), actor: r.actor, actorRole: r.actor_role, type: r.type,
        clientId: r.client_id, subject: r.subject, before: r.before, after: r.after,
      })),
      total,
    };
  }
}
