// One client's reconciliation in depth: every product line, the subscriptions behind the
// licences, how the device count came about, the trend across snapshots, contacts, links and
// what to do next.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { suggestPerDevice } from '../integrations/per-device.js';
import { SyncedDataRepository, type ContactRecord } from '../integrations/synced-data.repository.js';
import { MappingRepository } from '../mapping/mapping.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { SnapshotRepository } from '../snapshots/snapshot.repository.js';
import { ClientGaps } from './client-gaps.js';
import { ReconciliationReader, type ReconciliationSelect } from './reconciliation-reader.service.js';
import type { ClientDetailResponseDto, ClientRowResponseDto, ContactDto, LineResponseDto } from './dto/reconciliation.dto.js';
import { usdOrNull } from './money.js';
import { numberOrNull, toClientRowDto, toSnapshotRef } from './reconciliation.mappers.js';
import { ReconciliationRepository } from './reconciliation.repository.js';

export function lineAction(productName: string, licensed: number, devices: number): string {
  const gap = devices - licensed;
  if (gap > 0) return `Increase Pax8 quantity of ${productName} from ${licensed} to ${devices}, or bill ${gap} more seat${gap === 1 ? '' : 's'}.`;
  if (gap < 0) return `Reduce Pax8 quantity of ${productName} from ${licensed} to ${devices} (${-gap} unused license${gap === -1 ? '' : 's'}).`;
  return '';
}

@Injectable()
export class ClientDetailService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reader: ReconciliationReader,
    private readonly reconciliations: ReconciliationRepository,
    private readonly snapshots: SnapshotRepository,
    private readonly synced: SyncedDataRepository,
    private readonly mappings: MappingRepository,
    private readonly settings: SettingsRepository,
    @Optional() @Inject(ClientGaps) private readonly gaps?: ClientGaps,
  ) {}

  async detail(tenantId: string, clientId: string, select: ReconciliationSelect = {}): Promise<ClientDetailResponseDto> {
    const ref = await this.reader.resolve(tenantId, select);
    if (!ref) throw notFound('Client');
    const at = { snapshotId: ref.id, version: ref.version };
    const row = await this.reconciliations.client(tenantId, at, clientId);
    if (!row) throw notFound('Client');
    const rules = await this.settings.countingRules(tenantId);
    const client = toClientRowDto(row, await this.reconciliations.clientLines(tenantId, at, clientId));
    const snapshot = toSnapshotRef(ref);

    const companySubscriptions = client.pax8CompanyId ? await this.synced.companySubscriptions(tenantId, client.pax8CompanyId) : [];
    const perDevice = await this.mappings.perDeviceChoices(tenantId, [...new Set(companySubscriptions.map((s) => s.product_id))]);
    const subscriptions = companySubscriptions.map((s) => ({
      id: s.id, productId: s.product_id, productName: s.product_name, quantity: Number(s.quantity), status: s.status, billingTerm: s.billing_term,
      price: usdOrNull(numberOrNull(s.price)),
      countsAsLicence: (perDevice.get(s.product_id) ?? suggestPerDevice(s.product_name)) && s.status !== null && rules.licensedStatuses.includes(s.status),
    }));

    const counts = await this.snapshots.clientCounts(tenantId, ref.id, clientId);
    const trend = await this.reconciliations.trendPoints(tenantId, clientId, snapshot.takenAt);
    const contacts = client.pax8CompanyId ? (await this.synced.companyContacts(tenantId, client.pax8CompanyId)).map(toContactDto) : [];

    return {
      ...client,
      snapshot,
      version: ref.version,
      latest: ref.latest,
      subscriptions,
      deviceBreakdown: {
        total: counts?.device_count ?? 0, billable: counts?.billable_count ?? 0,
        byClass: counts?.by_class ?? {}, excludedByReason: counts?.excluded_by_reason ?? {},
      },
      trend,
      contacts,
      links: {
        pax8Subscriptions: client.pax8CompanyId ? `https://app.pax8.com/companies/${encodeURIComponent(client.pax8CompanyId)}/subscriptions` : null,
        billingSnapshot: `${(this.config.PUBLIC_URL ?? '').replace(/\/+$/, '')}/api/v1/reconciliation/clients/${encodeURIComponent(clientId)}/export.csv?snapshotId=${ref.id}&version=${ref.version}`,
      },
      recommendedAction: recommendedAction(client, client.lines),
      gaps: this.gaps ? await this.gaps.forClient(tenantId, clientId, at) : [],
    };
  }
}

function toContactDto(c: ContactRecord): ContactDto {
  return {
    name: [c.first_name, c.last_name].filter(Boolean).join(' '), email: c.email, phone: c.phone,
    types: (Array.isArray(c.types) ? c.types : [])
      .map((t: { type?: string } | string) => (typeof t === 'string' ? t : t?.type))
      .filter((t): t is string => Boolean(t)),
  };
}

function recommendedAction(client: ClientRowResponseDto, lines: LineResponseDto[]): string {
  if (client.status === 'unmapped') return 'Map this organization to its Pax8 company in the admin settings to reconcile it.';
  if (!lines.length) {
    return client.devices > 0
      ? `No per-device license found: add a per-device product for ${client.devices} device${client.devices === 1 ? '' : 's'} in Pax8, or mark the client's product as per-device in the admin settings.`
      : 'No action needed: no billable devices and no per-device licenses.';
  }
  // An accepted gap is a decision already taken (an exception covers it): advising on it again would undo it.
  const gaps = lines.filter((l) => l.status !== 'matched' || l.billingStatus === 'under-billed');
  const accepted = gaps.filter((l) => l.gapState === 'accepted').length;
  const live = gaps.filter((l) => l.gapState !== 'accepted');
  const actions = live.filter((l) => l.status !== 'matched').map((l) => lineAction(l.productName, l.licenses, l.devices));
  // With PSA billing: seats in use the client is not billed for come first (they are the MSP's money).
  const billing = live.filter((l) => l.billingStatus === 'under-billed').map((l) => `Bill ${l.billedVariance} more seat${l.billedVariance === 1 ? '' : 's'} of ${l.productName} (billed ${l.billed}, ${l.devices} in use).`);
  if (billing.length || actions.length) return [...billing, ...actions].join(' ');
  return accepted
    ? accepted === 1
      ? 'No action needed: the gap is accepted (an exception covers it; it reopens by itself if the gap grows).'
      : `No action needed: all ${accepted} gaps are accepted (exceptions cover them; each reopens by itself if its gap grows).`
    : 'No action needed: licenses match billable devices.';
}
