// client_mapping and product_setting: the admin's (and the suggester's) decisions about which
// organization is which Pax8 company and which products are per-device licences. Every
// statement on these tables is here; they join the synced PanelOne/Pax8 tables read-only.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';

export type MappingState = 'suggested' | 'confirmed' | 'none';

export interface ClientMappingRecord {
  id: string;
  name: string;
  pax8_company_id: string | null;
  company_name: string | null;
  state: MappingState | null;
  reason: string | null;
}

export interface CompanyRecord {
  id: string;
  name: string;
  mapped: boolean;
}

export interface CatalogProductRecord {
  id: string;
  name: string;
  vendor_name: string | null;
  sku: string | null;
  per_device: boolean | null;
}

export interface Suggestion {
  organizationId: string;
  companyId: string;
  reason: string;
}

/** Organization -> Pax8 company, and the organizations' names. */
export interface ClientMapping {
  mapping: Map<string, string>;
  names: Map<string, string>;
}

@Injectable()
export class MappingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Organization -> Pax8 company for every organization whose (suggested or confirmed) company still exists. */
  async loadMapping(q: Queryable, tenantId: string): Promise<ClientMapping> {
    const rows = rowsOf<{ organization_id: string; pax8_company_id: string; name: string | null }>(await q.query(
      `SELECT m.organization_id, m.pax8_company_id, o.name
         FROM client_mapping m
         JOIN pax8_company c ON c.tenant_id = m.tenant_id AND c.id = m.pax8_company_id AND c.removed_at IS NULL
         LEFT JOIN panelone_organization o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id
        WHERE m.tenant_id = $1 AND m.state IN ('suggested', 'confirmed') AND m.pax8_company_id IS NOT NULL`,
      [tenantId],
    ));
    return {
      mapping: new Map(rows.map((r) => [r.organization_id, r.pax8_company_id])),
      names: new Map(rows.map((r) => [r.organization_id, r.name ?? r.organization_id])),
    };
  }

  /** The organizations mapped to a Pax8 company: their devices count (the snapshot ingest). */
  async mappedOrganizations(q: Queryable, tenantId: string): Promise<Set<string>> {
    return new Set((await this.loadMapping(q, tenantId)).mapping.keys());
  }

  /** Organizations an admin has not decided, with what a suggestion can go by. */
  undecidedOrganizations(tenantId: string): Promise<Array<{ id: string; name: string; external_ref: string | null }>> {
    return this.db.query(
      `SELECT o.id, o.name, o.external_ref FROM panelone_organization o
        LEFT JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
        WHERE o.tenant_id = $1 AND o.removed_at IS NULL AND (m.state IS NULL OR m.state = 'suggested')`,
      [tenantId],
    );
  }

  /** Replaces the suggestions; admin decisions are untouched (state filter on both statements). */
  async replaceSuggestions(tenantId: string, suggestions: Suggestion[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM client_mapping WHERE tenant_id = $1 AND state = 'suggested' AND NOT (organization_id = ANY($2::text[]))`,
        [tenantId, suggestions.map((s) => s.organizationId)],
      );
      if (suggestions.length) {
        await tx.query(
          `INSERT INTO client_mapping (tenant_id, organization_id, pax8_company_id, state, reason, updated_by)
           SELECT $1, x."organizationId", x."companyId", 'suggested', x.reason, 'suggestion'
             FROM jsonb_to_recordset($2::jsonb) AS x("organizationId" text, "companyId" text, reason text)
           ON CONFLICT (tenant_id, organization_id) DO UPDATE
             SET pax8_company_id = EXCLUDED.pax8_company_id, reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by, updated_at = now()
             WHERE client_mapping.state = 'suggested'
               AND (client_mapping.pax8_company_id IS DISTINCT FROM EXCLUDED.pax8_company_id OR client_mapping.reason IS DISTINCT FROM EXCLUDED.reason)`,
          [tenantId, JSON.stringify(suggestions)],
        );
      }
    });
  }

  /** Every current organization with its mapping (if any). */
  listOrganizations(tenantId: string): Promise<ClientMappingRecord[]> {
    return this.db.query(
      `SELECT o.id, o.name, m.pax8_company_id, c.name AS company_name, m.state, m.reason
         FROM panelone_organization o
         LEFT JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
         LEFT JOIN pax8_company c ON c.tenant_id = o.tenant_id AND c.id = m.pax8_company_id
        WHERE o.tenant_id = $1 AND o.removed_at IS NULL
        ORDER BY lower(o.name), o.id`,
      [tenantId],
    );
  }

  /** Every current Pax8 company, and whether a current organization is mapped to it. */
  listCompanies(tenantId: string): Promise<CompanyRecord[]> {
    return this.db.query(
      `SELECT c.id, c.name, EXISTS (
                SELECT 1 FROM client_mapping m JOIN panelone_organization o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id AND o.removed_at IS NULL
                 WHERE m.tenant_id = c.tenant_id AND m.pax8_company_id = c.id AND m.state IN ('suggested', 'confirmed')) AS mapped
         FROM pax8_company c
        WHERE c.tenant_id = $1 AND c.removed_at IS NULL AND COALESCE(c.status, '') <> 'Deleted'
        ORDER BY lower(c.name), c.id`,
      [tenantId],
    );
  }

  /** Runs `work` in one transaction: a decision and its audit entry commit together. */
  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }

  /** The organization's mapping as the audit log shows it (locked until the transaction ends). */
  async mappingState(q: Queryable, tenantId: string, organizationId: string): Promise<{ pax8CompanyId: string | null; pax8CompanyName: string | null; mappingState: MappingState }> {
    const [row] = rowsOf<{ pax8_company_id: string | null; company_name: string | null; state: MappingState }>(await q.query(
      `SELECT m.pax8_company_id, c.name AS company_name, m.state
         FROM client_mapping m LEFT JOIN pax8_company c ON c.tenant_id = m.tenant_id AND c.id = m.pax8_company_id
        WHERE m.tenant_id = $1 AND m.organization_id = $2
          FOR UPDATE OF m`,
      [tenantId, organizationId],
    ));
    return { pax8CompanyId: row?.pax8_company_id ?? null, pax8CompanyName: row?.company_name ?? null, mappingState: row?.state ?? 'none' };
  }

  async decide(tenantId: string, organizationId: string, pax8CompanyId: string | null, by: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO client_mapping (tenant_id, organization_id, pax8_company_id, state, reason, updated_by)
       VALUES ($1, $2, $3, $4, 'admin', $5)
       ON CONFLICT (tenant_id, organization_id) DO UPDATE
         SET pax8_company_id = EXCLUDED.pax8_company_id, state = EXCLUDED.state, reason = 'admin', updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [tenantId, organizationId, pax8CompanyId, pax8CompanyId === null ? 'none' : 'confirmed', by],
    );
  }

  async decided(tenantId: string, organizationId: string): Promise<ClientMappingRecord | null> {
    const [row]: ClientMappingRecord[] = await this.db.query(
      `SELECT o.id, o.name, m.pax8_company_id, c.name AS company_name, m.state, m.reason
         FROM panelone_organization o
         JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
         LEFT JOIN pax8_company c ON c.tenant_id = o.tenant_id AND c.id = m.pax8_company_id
        WHERE o.tenant_id = $1 AND o.id = $2`,
      [tenantId, organizationId],
    );
    return row ?? null;
  }

  async listProducts(tenantId: string, productId?: string, q: Queryable = this.db): Promise<CatalogProductRecord[]> {
    return rowsOf<CatalogProductRecord>(await q.query(
      `SELECT p.id, p.name, p.vendor_name, p.sku, ps.per_device
         FROM pax8_product p LEFT JOIN product_setting ps ON ps.tenant_id = p.tenant_id AND ps.product_id = p.id
        WHERE p.tenant_id = $1 AND p.removed_at IS NULL ${productId !== undefined ? 'AND p.id = $2' : ''}
        ORDER BY lower(p.vendor_name), lower(p.name), p.id`,
      productId !== undefined ? [tenantId, productId] : [tenantId],
    ));
  }

  async setPerDevice(tenantId: string, productId: string, perDevice: boolean, by: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO product_setting (tenant_id, product_id, per_device, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, product_id) DO UPDATE SET per_device = EXCLUDED.per_device, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [tenantId, productId, perDevice, by],
    );
  }

  /** The admin's per-device choices for these products (absent: not decided). */
  async perDeviceChoices(tenantId: string, productIds: string[], q: Queryable = this.db): Promise<Map<string, boolean>> {
    if (!productIds.length) return new Map();
    const rows = rowsOf<{ product_id: string; per_device: boolean | null }>(await q.query(
      `SELECT product_id, per_device FROM product_setting WHERE tenant_id = $1 AND product_id = ANY($2::text[]) AND per_device IS NOT NULL`,
      [tenantId, productIds],
    ));
    return new Map(rows.map((r) => [r.product_id, r.per_device as boolean]));
  }
}
