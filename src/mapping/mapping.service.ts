// Which PanelOne organization is which Pax8 company. Suggestions come first from the same
// external reference (organization.externalRef == company.externalId), then from the same
// normalised name when exactly one company has it. An admin's choice (confirmed, or none)
// is never overridden by a suggestion.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound } from '../common/errors.js';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import { SyncedDataRepository } from '../integrations/synced-data.repository.js';
import { normaliseCompanyName } from './company-name.js';
import type { ClientMappingListResponseDto, ClientMappingResponseDto } from './dto/mapping.dto.js';
import { MappingRepository, type ClientMappingRecord, type Suggestion } from './mapping.repository.js';

export type { MappingState } from './mapping.repository.js';

@Injectable()
export class MappingService {
  constructor(
    private readonly mappings: MappingRepository,
    private readonly synced: SyncedDataRepository,
    private readonly reconciliation: ReconciliationInputs,
    private readonly audit: AuditService,
  ) {}

  /** Refreshes automatic suggestions for every organization not decided by an admin. */
  async suggest(tenantId: string): Promise<{ suggested: number }> {
    const companies = await this.synced.suggestableCompanies(tenantId);
    const byRef = new Map<string, string | null>();
    const byName = new Map<string, string | null>();
    // A key shared by two companies is ambiguous (null): suggest nothing rather than guess.
    const index = (map: Map<string, string | null>, key: string, id: string) => map.set(key, map.has(key) && map.get(key) !== id ? null : id);
    for (const c of companies) {
      if (c.external_id?.trim()) index(byRef, c.external_id.trim().toLowerCase(), c.id);
      const name = normaliseCompanyName(c.name);
      if (name) index(byName, name, c.id);
    }
    const organizations = await this.mappings.undecidedOrganizations(tenantId);
    const suggestions: Suggestion[] = [];
    for (const o of organizations) {
      const ref = o.external_ref?.trim().toLowerCase();
      const byExternal = ref ? byRef.get(ref) : undefined;
      const byNormalisedName = byName.get(normaliseCompanyName(o.name));
      if (byExternal) suggestions.push({ organizationId: o.id, companyId: byExternal, reason: 'external-reference' });
      else if (byNormalisedName) suggestions.push({ organizationId: o.id, companyId: byNormalisedName, reason: 'name' });
    }
    await this.mappings.replaceSuggestions(tenantId, suggestions);
    return { suggested: suggestions.length };
  }

  async list(tenantId: string): Promise<ClientMappingListResponseDto> {
    const [items, companies] = await Promise.all([this.mappings.listOrganizations(tenantId), this.mappings.listCompanies(tenantId)]);
    return {
      items: items.map(toMappingDto),
      unmatchedCompanies: companies.filter((c) => !c.mapped).map((c) => ({ pax8CompanyId: c.id, name: c.name })),
      companies: companies.map((c) => ({ pax8CompanyId: c.id, name: c.name })),
    };
  }

  /** An admin's decision: this company, or none. Then the latest snapshot is reconciled again. */
  async set(tenantId: string, organizationId: string, pax8CompanyId: string | null, by: Actor): Promise<ClientMappingResponseDto> {
    if (!(await this.synced.organizationExists(tenantId, organizationId))) throw notFound('Organization');
    if (pax8CompanyId !== null && !(await this.synced.companyExists(tenantId, pax8CompanyId))) throw notFound('Pax8 company');
    await this.mappings.transaction(async (q) => {
      const before = await this.mappings.mappingState(q, tenantId, organizationId);
      await this.mappings.decide(tenantId, organizationId, pax8CompanyId, by.subject, q);
      const after = await this.mappings.mappingState(q, tenantId, organizationId);
      await this.audit.record(q, { tenantId, type: 'mapping.changed', by, subject: organizationId, clientId: organizationId, before, after });
    });
    await this.reconciliation.changed(tenantId, 'client mapping', by.subject);
    const row = await this.mappings.decided(tenantId, organizationId);
    if (!row) throw notFound('Organization');
    return toMappingDto(row);
  }
}

/** `none` also when nothing was suggested or decided yet; `reason` null then (admin decisions say `admin`). */
export function toMappingDto(row: ClientMappingRecord): ClientMappingResponseDto {
  return {
    organizationId: row.id, name: row.name, pax8CompanyId: row.pax8_company_id ?? null, pax8CompanyName: row.company_name ?? null,
    mappingState: row.state ?? 'none', reason: row.reason ?? null,
  };
}
