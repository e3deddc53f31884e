// Response shapes of REST API v1 as the widgets read them: names for the schemas of the
// generated file (from the server's OpenAPI document), never shapes declared by hand, so a
// changed response fails the widget build (`npm run build:ui` type-checks plugin-ui).
import type { components } from './api-types.generated.js';

type Schemas = components['schemas'];

export type Money = Schemas['MoneyDto'];
export type Subscription = Schemas['SubscriptionResponseDto'];
export type Contact = Schemas['ContactDto'];
export type SyncRun = Schemas['SyncRunDto'];
export type SyncTool = Schemas['SyncRunDto']['tool'];
export type Pax8Config = Schemas['Pax8ConfigDto'];
export type PanelOneConfig = Schemas['PanelOneConfigDto'];
export type Integration = Schemas['IntegrationDto'];
export type ConnectionTest = Schemas['ConnectionTestDto'];
export type Pax8Company = Schemas['CompanyRefResponseDto'];
export type ClientMapping = Schemas['ClientMappingResponseDto'];
export type ClientMappingList = Schemas['ClientMappingListResponseDto'];
export type CatalogProduct = Schemas['CatalogProductResponseDto'];
export type CountingSettings = Schemas['SettingsDto'];
export type ApiError = Schemas['ErrorDto'];

// ---------------------------------------------------------------------------------------------
// TODO(issue-13): replace with generated schema. Hand-written from /work/ISSUE13-API.md until the
// server's issue-13 DTOs land and `npm run build:api-types` regenerates the file above.
// ---------------------------------------------------------------------------------------------
export type SnapshotRef = Schemas['SnapshotRefDto'];
export type Snapshot = Schemas['SnapshotResponseDto'];
export type SnapshotList = Schemas['SnapshotListResponseDto'];

/** Where a read stands in history; `latest: false` = an earlier snapshot or version. */
export interface HistoryMark {
  snapshot: SnapshotRef | null;
  version: number | null;
  latest: boolean;
}

export interface ReconciliationSummary extends HistoryMark {
  underLicensed: number;
  overLicensed: number;
  matched: number;
  unmapped: number;
  accepted: number;
  revenueAtRisk: Money;
  overspend: Money;
  unpricedSeats: number;
  unpricedUnderSeats: number;
  unpricedOverSeats: number;
  billableCount: number;
  unmappedDeviceCount: number;
  unconfirmedMappings: number;
}

export type LineStatus = 'under-licensed' | 'over-licensed' | 'matched';
export type ClientStatus = LineStatus | 'unmapped' | 'accepted';

export interface ProductLine {
  productId: string;
  productName: string;
  devices: number;
  licenses: number;
  variance: number;
  status: LineStatus;
  unitPriceMonthly: Money | null;
  /** null = the gap has no price; 0 when the line is not on that side. */
  revenueAtRisk: Money | null;
  overspend: Money | null;
  unpricedSeats: number;
  gapState: 'open' | null;
}

export interface ClientRow {
  clientId: string;
  name: string;
  pax8CompanyId: string | null;
  status: ClientStatus;
  devices: number;
  licenses: number | null;
  variance: number | null;
  headlineProductId: string | null;
  headlineProductName: string | null;
  lineCount: number;
  revenueAtRisk: Money;
  overspend: Money;
  unpricedSeats: number;
  monthlyImpact: Money | null;
  lines: ProductLine[];
}

export interface ListTotals {
  devices: number;
  revenueAtRisk: Money;
  overspend: Money;
  unpricedSeats: number;
}

export interface ClientList extends HistoryMark {
  total: number;
  totals: ListTotals;
  items: ClientRow[];
}

export interface TrendPoint {
  snapshotId: string;
  takenAt: string;
  version: number;
  devices: number;
  rulesChanged: boolean;
  reason: string | null;
  lines: { productId: string; productName: string; licenses: number; variance: number }[];
}

export interface ClientDetail extends ClientRow, HistoryMark {
  subscriptions: Subscription[];
  deviceBreakdown: Schemas['DeviceBreakdownDto'];
  contacts: Contact[];
  trend: TrendPoint[];
  links: { pax8Subscriptions: string | null; billingSnapshot: string };
  recommendedAction?: string;
}

export interface ReconciliationVersion {
  version: number;
  createdAt: string;
  reason: string | null;
  createdBy: string | null;
}

export interface VersionList {
  snapshot: SnapshotRef | null;
  items: ReconciliationVersion[];
}

export interface ProductReconciliation {
  productId: string;
  productName: string;
  clients: number;
  devices: number;
  licenses: number;
  variance: number;
  underSeats: number;
  overSeats: number;
  revenueAtRisk: Money;
  overspend: Money;
  unpricedSeats: number;
}

export interface ProductReconciliationList {
  snapshot: SnapshotRef | null;
  version: number | null;
  latest?: boolean;
  items: ProductReconciliation[];
}

export type MissedBillingItem = Schemas['MissedBillingItemDto'] & { revenueAtRisk: Money | null };
export interface MissedBillingList {
  snapshot: SnapshotRef | null;
  items: MissedBillingItem[];
  total: number;
}
export type ClientLine = ProductLine;
