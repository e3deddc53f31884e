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
export type PsaItem = Schemas['PsaItemResponseDto'];
export type PsaItemList = Schemas['PsaItemListResponseDto'];
export type ApiError = Schemas['ErrorDto'];

export type SnapshotRef = Schemas['SnapshotRefDto'];
export type Snapshot = Schemas['SnapshotResponseDto'];
export type SnapshotList = Schemas['SnapshotListResponseDto'];

/** Where a read stands in history; `latest: false` = an earlier snapshot or version. */
export type HistoryMark = Pick<Schemas['SummaryResponseDto'], 'snapshot' | 'version' | 'latest'>;
export type ReconciliationSummary = Schemas['SummaryResponseDto'];
export type ProductLine = Schemas['LineResponseDto'];
export type ClientLine = ProductLine;
export type LineStatus = ProductLine['status'];
/** A client's status as the list filters it ('accepted' once exceptions exist). */
export type ClientStatus = Schemas['ClientRowResponseDto']['status'] | 'accepted';
export type ClientRow = Schemas['ClientRowResponseDto'];
export type ListTotals = Schemas['ListTotalsDto'];
export type ClientList = Schemas['ClientListResponseDto'];
export type TrendPoint = Schemas['TrendPointDto'];
export type ClientDetail = Schemas['ClientDetailResponseDto'];
export type ReconciliationVersion = Schemas['VersionDto'];
export type VersionList = Schemas['VersionListResponseDto'];
export type ProductReconciliation = Schemas['ProductReconciliationDto'];
export type ProductReconciliationList = Schemas['ProductReconciliationResponseDto'];
export type MissedBillingItem = Schemas['MissedBillingItemDto'];
export type MissedBillingList = Schemas['MissedBillingResponseDto'];

export type SnapshotChanges = Schemas['SnapshotChangesResponseDto'];
export type DeviceChange = Schemas['DeviceChangeDto'];
export type DeviceVerdict = Schemas['DeviceVerdictDto'];
export type AlertChannel = Schemas['AlertChannelDto'];
export type AlertChannelInput = Schemas['AlertChannelInputDto'];
export type AlertChannels = Schemas['AlertChannelsResponseDto'];
export type ChannelTestResult = Schemas['ChannelTestResultDto'];
export type Delivery = Schemas['DeliveryDto'];
export type DeliveryList = Schemas['DeliveryListDto'];
export type Gap = Schemas['GapDto'];
export type GapList = Schemas['GapListResponseDto'];
export type GapException = Schemas['GapExceptionDto'];
export type LineException = Schemas['LineExceptionDto'];
export type ExceptionReason = Schemas['AcceptGapDto']['reason'];
export type AcceptGap = Schemas['AcceptGapDto'];
export type GapExceptionRemoved = Schemas['GapExceptionRemovedDto'];
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditList = Schemas['AuditListDto'];

export type ActionState = Schemas['ActionDto']['state'];
export type ActionWarning = Schemas['ActionWarningDto'];
export type ActionPreview = Schemas['ActionPreviewDto'];
export type ActionVerification = Schemas['ActionVerificationDto'];
export type ActionItem = Schemas['ActionItemDto'];
export type ActionEvent = Schemas['ActionEventDto'];
export type Action = Schemas['ActionDto'];
export type ActionList = Schemas['ActionListResponseDto'];
export type GapAction = Schemas['GapActionDto'];
export type ProposeAction = Schemas['ProposeActionDto'];
export type ActionPreviewResponse = Schemas['ActionPreviewResponseDto'];
