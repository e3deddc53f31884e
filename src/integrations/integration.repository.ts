// The integration table: one row per tenant and kind (pax8, panelone) with its settings, the
// encrypted secret and the outcome of the last sync.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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

  /** Saves the settings; a null secret keeps the stored one. */
  async save(tenantId: string, kind: IntegrationKind, change: { enabled: boolean; config: Record<string, string>; secretEnc: string | null }): Promise<void> {
    await this.db.query(
      `INSERT INTO integration (tenant_id, kind, enabled, config, secret_enc, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, now())
       ON CONFLICT (tenant_id, kind) DO UPDATE
         SET enabled = EXCLUDED.enabled, config = EXCLUDED.config,
             secret_enc = COALESCE(EXCLUDED.secret_enc, integration.secret_enc), updated_at = now()`,
      [tenantId, kind, change.enabled, JSON.stringify(change.config), change.secretEnc],
    );
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
