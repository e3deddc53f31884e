// Response shapes of REST API v1 as the widgets read them: names for the schemas of the
// generated file (from the server's OpenAPI document), never shapes declared by hand, so a
// changed response fails the widget build (`npm run build:ui` type-checks plugin-ui).
import type { components } from './api-types.generated.js';

type Schemas = components['schemas'];

export type Money = Schemas['MoneyDto'];
export type ClientStatus = Schemas['ClientRowResponseDto']['status'];
export type ReconciliationSummary = Schemas['SummaryResponseDto'];
export type ClientRow = Schemas['ClientRowResponseDto'];
export type ClientList = Schemas['ClientListResponseDto'];
export type ClientLine = Schemas['LineResponseDto'];
export type Subscription = Schemas['SubscriptionResponseDto'];
export type TrendPoint = Schemas['TrendPointDto'];
export type Contact = Schemas['ContactDto'];
export type ClientDetail = Schemas['ClientDetailResponseDto'];
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
