// Hand-made scenario data for the reconciliation specs, written straight into the tables the
// Pax8 and PanelOne syncs fill (this is data setup, not a mock), plus helpers to take snapshots
// through the real SnapshotsService.
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PanelOneDevice } from '../../src/integrations/panelone.client.js';
import { SnapshotsService } from '../../src/snapshots/snapshots.service.js';
import type { TestApi } from '../support/app.js';

export const COMPANY = {
  acme: '00000000-0000-4000-8000-00000000000a',
  beta: '00000000-0000-4000-8000-00000000000b',
  gamma: '00000000-0000-4000-8000-00000000000c',
  echo: '00000000-0000-4000-8000-00000000000e',
  spare: '00000000-0000-4000-8000-00000000000f',
};

export const PRODUCT = {
  edr: '10000000-0000-4000-8000-000000000001',
  backup: '10000000-0000-4000-8000-000000000002',
  m365: '10000000-0000-4000-8000-000000000003',
};

export function db(api: TestApi): DataSource {
  return api.app.get<DataSource>(getDataSourceToken());
}

export async function ensureTenant(api: TestApi, tenant: string): Promise<void> {
  await db(api).query(`INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenant]);
  await db(api).query(`INSERT INTO tenant_settings (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenant]);
}

export async function addOrganization(api: TestApi, tenant: string, id: string, name: string, externalRef: string | null = null) {
  await db(api).query(`INSERT INTO panelone_organization (tenant_id, id, name, external_ref, raw) VALUES ($1, $2, $3, $4, '{}')`, [tenant, id, name, externalRef]);
}

export async function addCompany(api: TestApi, tenant: string, id: string, name: string, externalId: string | null = null) {
  await db(api).query(`INSERT INTO pax8_company (tenant_id, id, name, external_id, status, raw) VALUES ($1, $2, $3, $4, 'Active', '{}')`, [tenant, id, name, externalId]);
}

export async function addProduct(api: TestApi, tenant: string, id: string, name: string, vendor = 'Vendor') {
  await db(api).query(`INSERT INTO pax8_product (tenant_id, id, name, vendor_name, sku, raw) VALUES ($1, $2, $3, $4, $5, '{}')`, [tenant, id, name, vendor, `SKU-${name.slice(0, 8)}`]);
}

let subscriptionSeq = 0;
export async function addSubscription(
  api: TestApi, tenant: string, companyId: string, productId: string,
  s: { quantity: number; status: string; billingTerm: string; price: number | null },
) {
  const id = `sub-${++subscriptionSeq}-${Math.random().toString(36).slice(2, 8)}`;
  await db(api).query(
    `INSERT INTO pax8_subscription (tenant_id, id, company_id, product_id, quantity, status, billing_term, price, currency_code, raw)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'USD', '{}')`,
    [tenant, id, companyId, productId, s.quantity, s.status, s.billingTerm, s.price],
  );
  return id;
}

export async function addContact(api: TestApi, tenant: string, companyId: string, c: { first: string; last: string; email: string; types: string[] }) {
  await db(api).query(
    `INSERT INTO pax8_contact (tenant_id, id, company_id, first_name, last_name, email, phone, types, raw) VALUES ($1, $2, $3, $4, $5, $6, '+1 555 0100', $7, '{}')`,
    [tenant, `contact-${Math.random().toString(36).slice(2)}`, companyId, c.first, c.last, c.email, JSON.stringify(c.types.map((type) => ({ type, primary: true })))],
  );
}

export async function mapClient(api: TestApi, tenant: string, organizationId: string, companyId: string | null, state: 'suggested' | 'confirmed' | 'none' = 'confirmed') {
  await db(api).query(
    `INSERT INTO client_mapping (tenant_id, organization_id, pax8_company_id, state) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, organization_id) DO UPDATE SET pax8_company_id = EXCLUDED.pax8_company_id, state = EXCLUDED.state`,
    [tenant, organizationId, companyId, state],
  );
}

const DAY = 86_400_000;
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

export function device(organizationId: string, id: string, overrides: Partial<PanelOneDevice> = {}): PanelOneDevice {
  return {
    id, organizationId, hostname: `${id}-host`, serialNumber: `SN-${id}`, deviceClass: 'WINDOWS_WORKSTATION',
    lastContact: daysAgo(1), offline: false, approvalStatus: 'APPROVED', ...overrides,
  };
}

/** Pages of `size` devices, as the PanelOne client would yield them; optionally throws before page `failAt`. */
export async function* pages(devices: PanelOneDevice[], size = 4, failAt?: number): AsyncGenerator<PanelOneDevice[]> {
  for (let i = 0, page = 0; i < devices.length; i += size, page++) {
    if (failAt !== undefined && page === failAt) throw new Error('PanelOne went away mid-read');
    yield devices.slice(i, i + size);
  }
}

export function snapshots(api: TestApi): SnapshotsService {
  return api.app.get(SnapshotsService);
}

/**
 * The scenario (see reconciliation.e2e.spec.ts for the expected table, worked out by hand):
 *  Acme   -> company A: 8 devices, 4 billable; EDR 3 (Monthly $5) + 2 (Annual $48) Active, 10 Cancelled; M365 per-user.
 *  Beta   -> company B: 7 devices, 6 billable; EDR 4 Active Monthly $6; Backup 9 Active Annual $120; Backup 5 Trial.
 *  Gamma  -> company C: 4 devices, 3 billable; Backup 3 Active 3-Year $360.
 *  Delta  -> no company: 3 devices (2 would count, 1 stale).
 *  Echo   -> company E: 5 devices, 5 billable; M365 5 Active (per-user); EDR 5 in Trial.
 */
export async function seedScenario(api: TestApi, tenant: string): Promise<PanelOneDevice[]> {
  await ensureTenant(api, tenant);
  await addOrganization(api, tenant, 'org-acme', 'Acme Corp');
  await addOrganization(api, tenant, 'org-beta', 'Beta Dental');
  await addOrganization(api, tenant, 'org-gamma', 'Gamma Legal');
  await addOrganization(api, tenant, 'org-delta', 'Delta Logistics');
  await addOrganization(api, tenant, 'org-echo', 'Echo Partners');
  await addCompany(api, tenant, COMPANY.acme, 'Acme Corporation');
  await addCompany(api, tenant, COMPANY.beta, 'Beta Dental LLC');
  await addCompany(api, tenant, COMPANY.gamma, 'Gamma Legal Ltd');
  await addCompany(api, tenant, COMPANY.echo, 'Echo Partners GmbH');
  await addCompany(api, tenant, COMPANY.spare, 'Unused Company');
  await addProduct(api, tenant, PRODUCT.edr, 'SentinelOne Complete EDR', 'SentinelOne');
  await addProduct(api, tenant, PRODUCT.backup, 'Datto Endpoint Backup', 'Datto');
  await addProduct(api, tenant, PRODUCT.m365, 'Microsoft 365 Business Premium', 'Microsoft');
  await mapClient(api, tenant, 'org-acme', COMPANY.acme);
  await mapClient(api, tenant, 'org-beta', COMPANY.beta, 'suggested');
  await mapClient(api, tenant, 'org-gamma', COMPANY.gamma);
  await mapClient(api, tenant, 'org-echo', COMPANY.echo);

  await addSubscription(api, tenant, COMPANY.acme, PRODUCT.edr, { quantity: 3, status: 'Active', billingTerm: 'Monthly', price: 5 });
  await addSubscription(api, tenant, COMPANY.acme, PRODUCT.edr, { quantity: 2, status: 'Active', billingTerm: 'Annual', price: 48 });
  await addSubscription(api, tenant, COMPANY.acme, PRODUCT.edr, { quantity: 10, status: 'Cancelled', billingTerm: 'Monthly', price: 5 });
  await addSubscription(api, tenant, COMPANY.acme, PRODUCT.m365, { quantity: 20, status: 'Active', billingTerm: 'Monthly', price: 22 });
  await addSubscription(api, tenant, COMPANY.beta, PRODUCT.edr, { quantity: 4, status: 'Active', billingTerm: 'Monthly', price: 6 });
  await addSubscription(api, tenant, COMPANY.beta, PRODUCT.backup, { quantity: 9, status: 'Active', billingTerm: 'Annual', price: 120 });
  await addSubscription(api, tenant, COMPANY.beta, PRODUCT.backup, { quantity: 5, status: 'Trial', billingTerm: 'Trial', price: 0 });
  await addSubscription(api, tenant, COMPANY.gamma, PRODUCT.backup, { quantity: 3, status: 'Active', billingTerm: '3-Year', price: 360 });
  await addSubscription(api, tenant, COMPANY.echo, PRODUCT.m365, { quantity: 5, status: 'Active', billingTerm: 'Monthly', price: 20 });
  await addSubscription(api, tenant, COMPANY.echo, PRODUCT.edr, { quantity: 5, status: 'Trial', billingTerm: 'Trial', price: null });
  await addContact(api, tenant, COMPANY.beta, { first: 'Bea', last: 'Tran', email: 'bea@beta.example', types: ['Billing', 'Admin'] });

  return [
    device('org-acme', 'a1', { serialNumber: 'S1' }),
    device('org-acme', 'a2', { serialNumber: ' s1 ' }), // same serial as a1 (case and space aside): counts once
    device('org-acme', 'a3', { deviceClass: 'MAC' }),
    device('org-acme', 'a4', { deviceClass: 'WINDOWS_SERVER', lastContact: daysAgo(45) }),
    device('org-acme', 'a5', { approvalStatus: 'PENDING' }),
    device('org-acme', 'a6', { deviceClass: 'PRINTER' }),
    device('org-acme', 'a7', { deviceClass: 'LINUX_SERVER', serialNumber: null }),
    device('org-acme', 'a8', { deviceClass: 'VMWARE_VM_GUEST', serialNumber: null }),
    ...['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => device('org-beta', id)),
    device('org-beta', 'b7', { deviceClass: 'NETWORK_DEVICE' }),
    device('org-gamma', 'c1'),
    device('org-gamma', 'c2', { deviceClass: 'HYPERV_VMM_GUEST' }),
    device('org-gamma', 'c3', { deviceClass: 'LINUX_WORKSTATION' }),
    device('org-gamma', 'c4', { deviceClass: 'MOBILE' }),
    device('org-delta', 'd1'),
    device('org-delta', 'd2'),
    device('org-delta', 'd3', { lastContact: daysAgo(31) }),
    device('org-echo', 'e1', { serialNumber: 'S1' }), // Acme's serial, but another client: counts
    ...['e2', 'e3', 'e4', 'e5'].map((id) => device('org-echo', id)),
  ];
}
