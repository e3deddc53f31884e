// Which Pax8 products count as per-device licences: the admin's choice where made, otherwise
// the name-based suggestion. A change re-reconciles the latest snapshot.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound } from '../common/errors.js';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import { suggestPerDevice } from '../integrations/per-device.js';
import type { CatalogProductResponseDto } from './dto/mapping.dto.js';
import { MappingRepository, type CatalogProductRecord } from './mapping.repository.js';

@Injectable()
export class CatalogService {
  constructor(
    private readonly mappings: MappingRepository,
    private readonly reconciliation: ReconciliationInputs,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, productId?: string): Promise<CatalogProductResponseDto[]> {
    return (await this.mappings.listProducts(tenantId, productId)).map(toCatalogProductDto);
  }

  async setPerDevice(tenantId: string, productId: string, perDevice: boolean, by: Actor): Promise<CatalogProductResponseDto> {
    await this.mappings.transaction(async (q) => {
      const [current] = await this.mappings.listProducts(tenantId, productId, q);
      if (!current) throw notFound('Product');
      await this.mappings.setPerDevice(tenantId, productId, perDevice, by.subject, q);
      const before = toCatalogProductDto(current);
      await this.audit.record(q, {
        tenantId, type: 'product.per-device-changed', by, subject: productId,
        before: { name: before.name, perDevice: before.perDevice, confirmed: before.confirmed },
        after: { name: before.name, perDevice, confirmed: true },
      });
    });
    await this.reconciliation.changed(tenantId, 'per-device products', by.subject);
    return (await this.list(tenantId, productId))[0];
  }
}

export function toCatalogProductDto(row: CatalogProductRecord): CatalogProductResponseDto {
  const suggested = suggestPerDevice(row.name);
  return {
    productId: row.id, name: row.name, vendorName: row.vendor_name, sku: row.sku,
    perDevice: row.per_device ?? suggested, suggested, confirmed: row.per_device !== null,
  };
}
