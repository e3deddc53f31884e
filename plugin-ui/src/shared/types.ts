// Response shapes of REST API v1 as the widgets read them (see docs/api.md).

export interface Money {
  amount: number;
  currency: string;
}

export type ClientStatus = 'under-licensed' | 'over-licensed' | 'matched' | 'unmapped';

export interface ReconciliationSummary {
  snapshot: { id: string; takenAt: string } | null;
  underLicensed: number;
  overLicensed: number;
  matched: number;
  unmapped: number;
  revenueAtRisk: Money;
  overspend: Money;
}

export interface ClientRow {
  clientId: string;
  name: string;
  devices: number;
  licenses: number;
  variance: number;
  status: ClientStatus;
  monthlyImpact: Money | null;
  lineCount?: number;
}

export interface ClientList {
  items: ClientRow[];
  total: number;
}

export interface ClientLine {
  productId: string;
  productName: string;
  devices: number;
  licensedQuantity: number;
  variance: number;
  unitPriceMonthly: Money | null;
  monthlyImpact: Money | null;
}

export interface Subscription {
  id: string;
  productId: string;
  productName: string;
  quantity: number;
  status: string;
  billingTerm: string;
  price: number | Money | null;
  countsAsLicence: boolean;
}

export interface TrendPoint {
  snapshotId: string;
  takenAt: string;
  devices: number;
  licenses: number;
}

export interface Contact {
  name: string;
  email?: string | null;
  phone?: string | null;
  types?: string[];
}

export interface ClientDetail extends ClientRow {
  lines: ClientLine[];
  subscriptions: Subscription[];
  deviceBreakdown: { byClass: Record<string, number>; excludedByReason: Record<string, number> };
  trend: TrendPoint[];
  contacts: Contact[];
  links: { pax8Subscriptions?: string | null; billingSnapshot?: string | null };
  recommendedAction?: string | null;
}

export type SyncTool = 'device-snapshot' | 'catalog-sync' | 'contacts-sync' | 'full-reconcile' | 'sync-all';

export interface SyncRun {
  id: string;
  tool: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  phase?: string | null;
  progress?: { done: number; total: number } | null;
  requestedBy?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
  result?: unknown;
}

export interface Pax8Config {
  baseUrl: string;
  tokenUrl: string;
  audience: string;
  clientId: string;
  clientSecretSet: boolean;
}

export interface PanelOneConfig {
  baseUrl: string;
  apiTokenSet: boolean;
}

export interface Integration {
  kind: 'pax8' | 'panelone';
  enabled: boolean;
  configured: boolean;
  status: 'ok' | 'error' | 'never';
  lastSyncAt: string | null;
  lastError: string | null;
  config: Partial<Pax8Config & PanelOneConfig>;
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  latencyMs: number;
}

export interface Pax8Company {
  pax8CompanyId: string;
  name: string;
}

export interface ClientMapping {
  organizationId: string;
  name: string;
  pax8CompanyId: string | null;
  pax8CompanyName?: string | null;
  mappingState: 'suggested' | 'confirmed' | 'none';
}

export interface ClientMappingList {
  items: ClientMapping[];
  unmatchedCompanies: Pax8Company[];
  companies?: Pax8Company[];
}

export interface CatalogProduct {
  productId: string;
  name: string;
  vendorName: string;
  sku: string;
  perDevice: boolean;
  suggested: boolean;
}

export interface CountingSettings {
  staleDays: number;
  countedClasses: string[];
  licensedStatuses: string[];
  matchedTolerance: number;
  schedule: { cron: string; timeZone: string; enabled: boolean };
}
