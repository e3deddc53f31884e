// Which Pax8 products count as per-device licences: the admin's choice where made, otherwise
// the name-based suggestion. A change re-reconciles the latest snapshot.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { ReconciliationService } from '../reconciliation/reconciliation.service.js';
import { suggestPerDevice } from './per-device.js';

export interface CatalogProductDto {
  productId: string;
  name: string;
  vendorName: string | null;
  sku: string | null;
  perDevice: boolean;
  suggested: boolean;
  /** True when an admin has decided perDevice for this product. */
  confirmed: boolean;
}

@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async list(tenantId: string, productId?: string): Promise<CatalogProductDto[]> {
    const rows = await this.db.query(
      `SELECT p.id, p.name, p.vendor_name, p.sku, ps.per_device
         FROM pax8_product p LEFT JOIN product_setting ps ON ps.tenant_id = p.tenant_id AND ps.product_id = p.id
        WHERE p.tenant_id = $1 AND p.removed_at IS NULL ${productId !== undefined ? 'AND p.id = $2' : ''}
        ORDER BY lower(p.vendor_name), lower(p.name), p.id`,
      productId !== undefined ? [tenantId, productId] : [tenantId],
    );
    return rows.map((r: Record<string, any>) => {
      const suggested = suggestPerDevice(r.name);
      return { productId: r.id, name: r.name, vendorName: r.vendor_name, sku: r.sku, perDevice: r.per_device ?? suggested, suggested, confirmed: r.per_device !== null };
    });
  }

  async setPerDevice(tenantId: string, productId: string, perDevice: boolean, by: string): Promise<CatalogProductDto> {
    if (!(await this.list(tenantId, productId)).length) throw notFound('Product');
    await this.db.query(
      `INSERT INTO product_setting (tenant_id, product_id, per_device, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, product_id) DO UPDATE SET per_device = EXCLUDED.per_device, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [tenantId, productId, perDevice, by],
    );
    await this.reconciliation.reconcileLatest(tenantId);
    return (await this.list(tenantId, productId))[0];
  }
}
