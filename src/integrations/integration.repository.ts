// The integration table: one row per tenant and kind (pax8, panelone) with its settings, the
// encrypted secret and the outcome of the last sync.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Queryable } from '../database/queryable.js';
import type { IntegrationKind } from './integration-error.js';

export interface IntegrationRecord {
  kind: IntegrationKind;
  enabled: boolean;
  config: Record<string, unknown>;
  secret_enc: string | null;
  status: 'never' | 'ok' | 'error';
  last_sync_at: Date | null;
  last_error: string | null;
}

@Injectable()
export class IntegrationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(tenantId: string, kind: IntegrationKind): Promise<IntegrationRecord | null> {
    const [row]: IntegrationRecord[] = await this.db.query(
      `SELECT kind, enabled, config, secret_enc, status, last_sync_at, last_error
         FROM integration WHERE tenant_id = $1 AND kind = $2`,
      [tenantId, kind],
    );
    return row ?? null;
  }

  /**
   * Saves the settings. `decide` sees the stored row (locked until the write, so a concurrent save
   * cannot change the hosts in between) and returns the secret to store, or throws to save nothing:
   * the secret is always written explicitly, never kept by default. `saved` runs after the write,
   * in the same transaction (the audit entry commits with the change).
   */
  async save(
    tenantId: string, kind: IntegrationKind, change: { enabled: boolean; config: Record<string, string> },
    decide: (existing: Pick<IntegrationRecord, 'enabled' | 'config' | 'secret_enc'> | null) => string,
    saved: (q: Queryable) => Promise<unknown> = async () => undefined,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [existing]: Array<Pick<IntegrationRecord, 'enabled' | 'config' | 'secret_enc'>> = await tx.query(
        `SELECT enabled, config, secret_enc FROM integration WHERE tenant_id = $1 AND kind = $2 FOR UPDATE`, [tenantId, kind]);
      const secretEnc = decide(existing ?? null);
      await tx.query(
        `INSERT INTO integration (tenant_id, kind, enabled, config, secret_enc, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, now())
         ON CONFLICT (tenant_id, kind) DO UPDATE
           SET enabled = EXCLUDED.enabled, config = EXCLUDED.config, secret_enc = EXCLUDED.secret_enc, updated_at = now()`,
        [tenantId, kind, change.enabled, JSON.stringify(change.config), secretEnc],
      );
      await saved(tx);
    });
  }

  /** ok (and lastSyncAt = now) without an error message; error with it. */
  async recordStatus(tenantId: string, kind: IntegrationKind, errorMessage: string | null): Promise<void> {
    await this.db.query(
      `UPDATE integration
          SET status = $3, last_error = $4, last_sync_at = CASE WHEN $3 = 'ok' THEN now() ELSE last_sync_at END
        WHERE tenant_id = $1 AND kind = $2`,
      [tenantId, kind, errorMessage === null ? 'ok' : 'error', errorMessage],
    );
  }
}
