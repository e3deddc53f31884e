// Which Pax8 products count as per-device licences: the admin's choice where made, otherwise
// the name-based suggestion. A change re-reconciles the latest snapshot.
import { Injectable } from '@nestjs/common';
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
  ) {}

  async list(tenantId: string, productId?: string): Promise<CatalogProductResponseDto[]> {
    return (await this.mappings.listProducts(tenantId, productId)).map(toCatalogProductDto);
  }

  async setPerDevice(tenantId: string, productId: string, perDevice: boolean, by: string): Promise<CatalogProductResponseDto> {
    if (!(await this.list(tenantId, productId)).length) throw notFound('Product');
    await this.mappings.setPerDevice(tenantId, productId, perDevice, by);
    await this.reconciliation.changed(tenantId, 'per-device products', by);
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
