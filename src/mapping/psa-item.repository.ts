// psa_item_mapping: the admin's decisions of which Pax8 product a PSA catalog item bills, and
// the mapping in force (decisions, else suggestions: psa-item-suggest.ts), which the
// reconciliation reads inside its own transaction.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';
import { suggestPerDevice } from '../integrations/per-device.js';
import { SyncedDataRepository, type PsaCatalogItemRecord } from '../integrations/synced-data.repository.js';
import { suggestPsaMappings, type Pax8ProductRef, type PsaItemDecision, type PsaItemMapping } from './psa-item-suggest.js';

export interface PsaItemView {
  item: PsaCatalogItemRecord;
  mapping: PsaItemMapping;
}

@Injectable()
export class PsaItemRepository {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly synced: SyncedDataRepository) {}

  /** Every current PSA catalog item with the Pax8 product it bills (decided or suggested), and the products to choose from. */
  async view(tenantId: string, q: Queryable = this.db): Promise<{ items: PsaItemView[]; products: Pax8ProductRef[] }> {
    // One after another: `q` may be a transaction's single connection.
    const items = await this.synced.psaCatalogItems(q, tenantId);
    const products = await this.products(q, tenantId);
    const decisions = await this.decisions(q, tenantId);
    const mappings = suggestPsaMappings(items, products, decisions);
    return { items: items.map((item, i) => ({ item, mapping: mappings[i] })), products };
  }

  /** catalog item -> the Pax8 product it bills, for the items that bill one. */
  async inForce(q: Queryable, tenantId: string): Promise<Map<string, string>> {
    const { items } = await this.view(tenantId, q);
    return new Map(items.filter((v) => v.mapping.pax8ProductId !== null).map((v) => [v.item.id, v.mapping.pax8ProductId as string]));
  }

  async decide(q: Queryable, tenantId: string, itemId: string, pax8ProductId: string | null, by: string): Promise<void> {
    await q.query(
      `INSERT INTO psa_item_mapping (tenant_id, catalog_item_id, pax8_product_id, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, catalog_item_id) DO UPDATE SET pax8_product_id = EXCLUDED.pax8_product_id, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [tenantId, itemId, pax8ProductId, by],
    );
  }

  /** Locks the item's decision row (if any) until the transaction ends, so two admins' changes audit in order. */
  async lock(q: Queryable, tenantId: string, itemId: string): Promise<void> {
    await q.query(`SELECT 1 FROM psa_item_mapping WHERE tenant_id = $1 AND catalog_item_id = $2 FOR UPDATE`, [tenantId, itemId]);
  }

  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }

  private async decisions(q: Queryable, tenantId: string): Promise<Map<string, PsaItemDecision>> {
    const rows = rowsOf<{ catalog_item_id: string; pax8_product_id: string | null }>(await q.query(
      `SELECT catalog_item_id, pax8_product_id FROM psa_item_mapping WHERE tenant_id = $1`, [tenantId],
    ));
    return new Map(rows.map((r) => [r.catalog_item_id, r.pax8_product_id]));
  }

  /** Current Pax8 products, per-device by the admin's choice, else by the name's suggestion. */
  private async products(q: Queryable, tenantId: string): Promise<Pax8ProductRef[]> {
    const rows = rowsOf<{ id: string; name: string; sku: string | null; vendor_sku: string | null; per_device: boolean | null }>(await q.query(
      `SELECT p.id, p.name, p.sku, p.vendor_sku, ps.per_device
         FROM pax8_product p LEFT JOIN product_setting ps ON ps.tenant_id = p.tenant_id AND ps.product_id = p.id
        WHERE p.tenant_id = $1 AND p.removed_at IS NULL ORDER BY lower(p.name), p.id`,
      [tenantId],
    ));
    return rows.map((r) => ({ id: r.id, name: r.name, sku: r.sku, vendorSku: r.vendor_sku, perDevice: r.per_device ?? suggestPerDevice(r.name) }));
  }
}
