// Reads of the tables a sync fills (pax8_company, pax8_contact, pax8_product,
// pax8_subscription, panelone_organization, and the PSA billing tables panelone_agreement,
// panelone_addition, panelone_catalog_item): the sync writes them through SyncStaging, and
// the other features read them through here. Removed rows (removed_at set) are never answered.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';

export interface SubscriptionRecord {
  id: string;
  company_id: string;
  product_id: string;
  /** The catalog name, else the subscription's, else the product id. */
  product_name: string;
  quantity: string;
  status: string | null;
  billing_term: string | null;
  price: string | null;
}

/** A live billed line: a non-cancelled addition of an ACTIVE agreement. */
export interface BilledAdditionRecord {
  id: string;
  organization_id: string;
  agreement_id: string;
  catalog_item_id: string;
  description: string | null;
  quantity: string;
  unit_price: string | null;
  billing_cycle: string | null;
  version: string | null;
}

export interface PsaCatalogItemRecord {
  id: string;
  sku: string | null;
  name: string;
  category: string | null;
}

export interface ContactRecord {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  types: unknown;
}

const SUBSCRIPTION_COLUMNS = `s.id, s.company_id, s.product_id, COALESCE(p.name, s.product_name, s.product_id) AS product_name, s.quantity, s.status, s.billing_term, s.price
       FROM pax8_subscription s
       LEFT JOIN pax8_product p ON p.tenant_id = s.tenant_id AND p.id = s.product_id`;

@Injectable()
export class SyncedDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Current companies a mapping can be suggested to (not deleted upstream). */
  suggestableCompanies(tenantId: string): Promise<Array<{ id: string; name: string; external_id: string | null }>> {
    return this.db.query(
      `SELECT id, name, external_id FROM pax8_company WHERE tenant_id = $1 AND removed_at IS NULL AND COALESCE(status, '') <> 'Deleted'`, [tenantId],
    );
  }

  async organizationExists(tenantId: string, organizationId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM panelone_organization WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL`, [tenantId, organizationId]);
    return rows.length > 0;
  }

  async companyExists(tenantId: string, companyId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM pax8_company WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL`, [tenantId, companyId]);
    return rows.length > 0;
  }

  /** The current subscriptions of these companies in these statuses (the reconciliation's licences). */
  async subscriptions(q: Queryable, tenantId: string, companyIds: string[], statuses: string[]): Promise<SubscriptionRecord[]> {
    return rowsOf<SubscriptionRecord>(await q.query(
      `SELECT ${SUBSCRIPTION_COLUMNS}
        WHERE s.tenant_id = $1 AND s.removed_at IS NULL AND s.company_id = ANY($2::text[]) AND s.status = ANY($3::text[])`,
      [tenantId, companyIds, statuses],
    ));
  }

  /**
   * An applied action's quantity, written on the caller's transaction so the next snapshot
   * reconciles against what Pax8 now has without waiting for a Pax8 sync (which overwrites it
   * with whatever Pax8 then answers). `raw` is kept in step so it stays the record as last known.
   */
  async setSubscriptionQuantity(q: Queryable, tenantId: string, subscriptionId: string, quantity: number): Promise<void> {
    await q.query(
      `UPDATE pax8_subscription SET quantity = $3, raw = jsonb_set(raw, '{quantity}', to_jsonb($3::numeric))
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, subscriptionId, quantity],
    );
  }

  /** The quantity an applied psa-quantity action wrote into a PanelOne agreement addition. */
  async setAdditionQuantity(q: Queryable, tenantId: string, additionId: string, quantity: number): Promise<void> {
    await q.query(
      `UPDATE panelone_addition SET quantity = $3, raw = jsonb_set(raw, '{quantity}', to_jsonb($3::numeric))
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, additionId, quantity],
    );
  }

  /** Every current subscription of one company, by product name. */
  companySubscriptions(tenantId: string, companyId: string): Promise<SubscriptionRecord[]> {
    return this.db.query(
      `SELECT ${SUBSCRIPTION_COLUMNS}
        WHERE s.tenant_id = $1 AND s.company_id = $2 AND s.removed_at IS NULL
        ORDER BY product_name, s.id`,
      [tenantId, companyId],
    );
  }

  /** What the PSA bills now: the non-cancelled additions of ACTIVE agreements (docs/counting-and-reconciling.md, "The third column"). */
  async billedAdditions(q: Queryable, tenantId: string): Promise<BilledAdditionRecord[]> {
    return rowsOf<BilledAdditionRecord>(await q.query(
      `SELECT ad.id, ag.organization_id, ad.agreement_id, ad.catalog_item_id, ad.description, ad.quantity, ad.unit_price, ad.billing_cycle, ad.version
         FROM panelone_addition ad
         JOIN panelone_agreement ag ON ag.tenant_id = ad.tenant_id AND ag.id = ad.agreement_id AND ag.removed_at IS NULL AND ag.status = 'ACTIVE'
        WHERE ad.tenant_id = $1 AND ad.removed_at IS NULL AND ad.cancelled_date IS NULL`,
      [tenantId],
    ));
  }

  /** Whether a PSA billing sync has brought any agreement in (until then there is no PSA data). */
  async hasAgreements(q: Queryable, tenantId: string): Promise<boolean> {
    return rowsOf(await q.query(`SELECT 1 FROM panelone_agreement WHERE tenant_id = $1 AND removed_at IS NULL LIMIT 1`, [tenantId])).length > 0;
  }

  async psaCatalogItems(q: Queryable, tenantId: string): Promise<PsaCatalogItemRecord[]> {
    return rowsOf<PsaCatalogItemRecord>(await q.query(
      `SELECT id, sku, name, category FROM panelone_catalog_item WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY lower(name), id`, [tenantId],
    ));
  }

  companyContacts(tenantId: string, companyId: string): Promise<ContactRecord[]> {
    return this.db.query(
      `SELECT first_name, last_name, email, phone, types FROM pax8_contact WHERE tenant_id = $1 AND company_id = $2 AND removed_at IS NULL ORDER BY last_name, first_name, id`,
      [tenantId, companyId],
    );
  }
}
