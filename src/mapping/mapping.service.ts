// Which PanelOne organization is which Pax8 company. Suggestions come first from the same
// external reference (organization.externalRef == company.externalId), then from the same
// normalised name when exactly one company has it. An admin's choice (confirmed, or none)
// is never overridden by a suggestion.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import { normaliseCompanyName } from './company-name.js';

export type MappingState = 'suggested' | 'confirmed' | 'none';

export interface ClientMappingDto {
  organizationId: string;
  name: string;
  pax8CompanyId: string | null;
  pax8CompanyName: string | null;
  /** `none` also when nothing was suggested or decided yet; `reason` null then (admin decisions say `admin`). */
  mappingState: MappingState;
  reason: string | null;
}

export interface CompanyRefDto {
  pax8CompanyId: string;
  name: string;
}

@Injectable()
export class MappingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  /** Refreshes automatic suggestions for every organization not decided by an admin. */
  async suggest(tenantId: string): Promise<{ suggested: number }> {
    const companies: Array<{ id: string; name: string; external_id: string | null }> = await this.db.query(
      `SELECT id, name, external_id FROM pax8_company WHERE tenant_id = $1 AND removed_at IS NULL AND COALESCE(status, '') <> 'Deleted'`, [tenantId],
    );
    const byRef = new Map<string, string | null>();
    const byName = new Map<string, string | null>();
    // A key shared by two companies is ambiguous (null): suggest nothing rather than guess.
    const index = (map: Map<string, string | null>, key: string, id: string) => map.set(key, map.has(key) && map.get(key) !== id ? null : id);
    for (const c of companies) {
      if (c.external_id?.trim()) index(byRef, c.external_id.trim().toLowerCase(), c.id);
      const name = normaliseCompanyName(c.name);
      if (name) index(byName, name, c.id);
    }
    const organizations: Array<{ id: string; name: string; external_ref: string | null }> = await this.db.query(
      `SELECT o.id, o.name, o.external_ref FROM panelone_organization o
        LEFT JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
        WHERE o.tenant_id = $1 AND o.removed_at IS NULL AND (m.state IS NULL OR m.state = 'suggested')`,
      [tenantId],
    );
    const suggestions: Array<{ organizationId: string; companyId: string; reason: string }> = [];
    for (const o of organizations) {
      const ref = o.external_ref?.trim().toLowerCase();
      const byExternal = ref ? byRef.get(ref) : undefined;
      const byNormalisedName = byName.get(normaliseCompanyName(o.name));
      if (byExternal) suggestions.push({ organizationId: o.id, companyId: byExternal, reason: 'external-reference' });
      else if (byNormalisedName) suggestions.push({ organizationId: o.id, companyId: byNormalisedName, reason: 'name' });
    }
    await this.db.transaction(async (tx) => {
      // Old suggestions that no longer hold go; admin decisions are untouched (state filter on both statements).
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
    return { suggested: suggestions.length };
  }

  async list(tenantId: string): Promise<{ items: ClientMappingDto[]; unmatchedCompanies: CompanyRefDto[]; companies: CompanyRefDto[] }> {
    const items = await this.db.query(
      `SELECT o.id, o.name, m.pax8_company_id, c.name AS company_name, m.state, m.reason
         FROM panelone_organization o
         LEFT JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
         LEFT JOIN pax8_company c ON c.tenant_id = o.tenant_id AND c.id = m.pax8_company_id
        WHERE o.tenant_id = $1 AND o.removed_at IS NULL
        ORDER BY lower(o.name), o.id`,
      [tenantId],
    );
    const companies: Array<{ id: string; name: string; mapped: boolean }> = await this.db.query(
      `SELECT c.id, c.name, EXISTS (
                SELECT 1 FROM client_mapping m JOIN panelone_organization o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id AND o.removed_at IS NULL
                 WHERE m.tenant_id = c.tenant_id AND m.pax8_company_id = c.id AND m.state IN ('suggested', 'confirmed')) AS mapped
         FROM pax8_company c
        WHERE c.tenant_id = $1 AND c.removed_at IS NULL AND COALESCE(c.status, '') <> 'Deleted'
        ORDER BY lower(c.name), c.id`,
      [tenantId],
    );
    return {
      items: items.map(toMappingDto),
      unmatchedCompanies: companies.filter((c) => !c.mapped).map((c) => ({ pax8CompanyId: c.id, name: c.name })),
      companies: companies.map((c) => ({ pax8CompanyId: c.id, name: c.name })),
    };
  }

  /** An admin's decision: this company, or none. Then the latest snapshot is reconciled again. */
  async set(tenantId: string, organizationId: string, pax8CompanyId: string | null, by: string): Promise<ClientMappingDto> {
    const [organization] = await this.db.query(`SELECT 1 FROM panelone_organization WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL`, [tenantId, organizationId]);
    if (!organization) throw notFound('Organization');
    if (pax8CompanyId !== null) {
      const [company] = await this.db.query(`SELECT 1 FROM pax8_company WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL`, [tenantId, pax8CompanyId]);
      if (!company) throw notFound('Pax8 company');
    }
    await this.db.query(
      `INSERT INTO client_mapping (tenant_id, organization_id, pax8_company_id, state, reason, updated_by)
       VALUES ($1, $2, $3, $4, 'admin', $5)
       ON CONFLICT (tenant_id, organization_id) DO UPDATE
         SET pax8_company_id = EXCLUDED.pax8_company_id, state = EXCLUDED.state, reason = 'admin', updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [tenantId, organizationId, pax8CompanyId, pax8CompanyId === null ? 'none' : 'confirmed', by],
    );
    await this.reconciliation.reconcileLatest(tenantId);
    const [row] = await this.db.query(
      `SELECT o.id, o.name, m.pax8_company_id, c.name AS company_name, m.state, m.reason
         FROM panelone_organization o
         JOIN client_mapping m ON m.tenant_id = o.tenant_id AND m.organization_id = o.id
         LEFT JOIN pax8_company c ON c.tenant_id = o.tenant_id AND c.id = m.pax8_company_id
        WHERE o.tenant_id = $1 AND o.id = $2`,
      [tenantId, organizationId],
    );
    return toMappingDto(row);
  }
}

function toMappingDto(row: Record<string, any>): ClientMappingDto {
  return {
    organizationId: row.id, name: row.name, pax8CompanyId: row.pax8_company_id ?? null, pax8CompanyName: row.company_name ?? null,
    mappingState: row.state ?? 'none', reason: row.reason ?? null,
  };
}
