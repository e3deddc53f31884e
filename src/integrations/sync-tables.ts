// The synced tables (migration 1764000000001-SyncedData) and how an upstream record becomes
// a row. `raw` keeps the record exactly as sent; the typed columns are extracted leniently, so
// an unknown enum value or a missing optional field is data, never a crash.
import type { PanelOneAddition, PanelOneAgreement, PanelOneCatalogItem, PanelOneOrganization } from './panelone.client.js';
import type { Pax8Record } from './pax8.client.js';
import type { StagedRow, TableSpec } from './sync-staging.js';

export const PAX8_COMPANY: TableSpec = {
  table: 'pax8_company', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['name', 'text'], ['external_id', 'text'], ['status', 'text'], ['raw', 'jsonb']],
};

export const PAX8_CONTACT: TableSpec = {
  table: 'pax8_contact', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['company_id', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['email', 'text'], ['phone', 'text'], ['types', 'jsonb'], ['raw', 'jsonb']],
};

export const PAX8_PRODUCT: TableSpec = {
  table: 'pax8_product', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['name', 'text'], ['vendor_name', 'text'], ['sku', 'text'], ['vendor_sku', 'text'], ['short_description', 'text'], ['requires_commitment', 'boolean'], ['raw', 'jsonb']],
};

export const PAX8_PRODUCT_PRICING: TableSpec = {
  table: 'pax8_product_pricing', key: ['product_id'], tracksRemoval: false,
  columns: [['product_id', 'text'], ['pricing', 'jsonb']],
};

export const PAX8_SUBSCRIPTION: TableSpec = {
  table: 'pax8_subscription', key: ['id'], tracksRemoval: true,
  columns: [
    ['id', 'text'], ['company_id', 'text'], ['product_id', 'text'], ['product_name', 'text'], ['quantity', 'numeric'],
    ['status', 'text'], ['billing_term', 'text'], ['price', 'numeric'], ['partner_cost', 'numeric'], ['currency_code', 'text'],
    ['start_date', 'timestamptz'], ['end_date', 'timestamptz'], ['raw', 'jsonb'],
  ],
};

export const PANELONE_ORGANIZATION: TableSpec = {
  table: 'panelone_organization', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['name', 'text'], ['external_ref', 'text'], ['raw', 'jsonb']],
};

export const PANELONE_AGREEMENT: TableSpec = {
  table: 'panelone_agreement', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['organization_id', 'text'], ['name', 'text'], ['status', 'text'], ['start_date', 'text'], ['end_date', 'text'], ['raw', 'jsonb']],
};

export const PANELONE_ADDITION: TableSpec = {
  table: 'panelone_addition', key: ['id'], tracksRemoval: true,
  columns: [
    ['id', 'text'], ['agreement_id', 'text'], ['catalog_item_id', 'text'], ['description', 'text'], ['sku', 'text'], ['quantity', 'numeric'],
    ['unit_price', 'numeric'], ['currency', 'text'], ['billing_cycle', 'text'], ['effective_date', 'text'], ['cancelled_date', 'text'], ['version', 'text'], ['raw', 'jsonb'],
  ],
};

export const PANELONE_CATALOG_ITEM: TableSpec = {
  table: 'panelone_catalog_item', key: ['id'], tracksRemoval: true,
  columns: [['id', 'text'], ['sku', 'text'], ['name', 'text'], ['category', 'text'], ['raw', 'jsonb']],
};

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

function timestamp(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const companyRow = (r: Pax8Record): StagedRow => ({
  id: r.id, name: text(r.name) ?? '', external_id: text(r.externalId), status: text(r.status), raw: r,
});

export const contactRow = (companyId: string) => (r: Pax8Record): StagedRow => ({
  id: r.id, company_id: companyId, first_name: text(r.firstName), last_name: text(r.lastName),
  email: text(r.email), phone: text(r.phone), types: Array.isArray(r.types) ? r.types : [], raw: r,
});

export const productRow = (r: Pax8Record): StagedRow => ({
  id: r.id, name: text(r.name) ?? '', vendor_name: text(r.vendorName), sku: text(r.sku), vendor_sku: text(r.vendorSku),
  short_description: text(r.shortDescription), requires_commitment: bool(r.requiresCommitment), raw: r,
});

export const pricingRow = (productId: string, pricing: unknown[]): StagedRow => ({ product_id: productId, pricing });

export const subscriptionRow = (r: Pax8Record): StagedRow => ({
  id: r.id, company_id: text(r.companyId) ?? '', product_id: text(r.productId) ?? '', product_name: text(r.productName),
  quantity: num(r.quantity) ?? 0, status: text(r.status), billing_term: text(r.billingTerm), price: num(r.price),
  partner_cost: num(r.partnerCost), currency_code: text(r.currencyCode), start_date: timestamp(r.startDate),
  end_date: timestamp(r.endDate), raw: r,
});

export const organizationRow = (r: PanelOneOrganization): StagedRow => ({
  id: r.id, name: r.name, external_ref: text(r.externalRef), raw: r,
});

export const agreementRow = (r: PanelOneAgreement): StagedRow => ({
  id: r.id, organization_id: r.organizationId, name: text(r.name), status: text(r.status), start_date: text(r.startDate), end_date: text(r.endDate), raw: r,
});

export const additionRow = (r: PanelOneAddition): StagedRow => ({
  id: r.id, agreement_id: r.agreementId, catalog_item_id: r.catalogItemId, description: text(r.description), sku: text(r.sku), quantity: num(r.quantity) ?? 0,
  unit_price: num(r.unitPrice), currency: text(r.currency), billing_cycle: text(r.billingCycle), effective_date: text(r.effectiveDate),
  cancelled_date: text(r.cancelledDate), version: text(r.version), raw: r,
});

export const catalogItemRow = (r: PanelOneCatalogItem): StagedRow => ({
  id: r.id, sku: text(r.sku), name: r.name, category: text(r.category), raw: r,
});
