// One client's reconciliation in depth: every product line, the subscriptions behind the
// licences, how the device count came about, the trend across snapshots, contacts, links and
// what to do next.
import { Injectable } from '@nestjs/common';
import { notFound } from '../common/errors.js';
import { suggestPerDevice } from '../integrations/per-device.js';
import { SyncedDataRepository, type ContactRecord } from '../integrations/synced-data.repository.js';
import { MappingRepository } from '../mapping/mapping.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { SnapshotRepository } from '../snapshots/snapshot.repository.js';
import type { ClientDetailResponseDto, ClientRowResponseDto, ContactDto, LineResponseDto } from './dto/reconciliation.dto.js';
import { usdOrNull } from './money.js';
import { numberOrNull, toClientRowDto, toLineDto } from './reconciliation.mappers.js';
import { ReconciliationRepository } from './reconciliation.repository.js';

export function lineAction(productName: string, licensed: number, devices: number): string {
  const gap = devices - licensed;
  if (gap > 0) return `Increase Pax8 quantity of ${productName} from ${licensed} to ${devices}, or bill ${gap} more seat${gap === 1 ? '' : 's'}.`;
  if (gap < 0) return `Reduce Pax8 quantity of ${productName} from ${licensed} to ${devices} (${-gap} unused licence${gap === -1 ? '' : 's'}).`;
  return '';
}

@Injectable()
export class ClientDetailService {
  constructor(
    private readonly reconciliations: ReconciliationRepository,
    private readonly snapshots: SnapshotRepository,
    private readonly synced: SyncedDataRepository,
    private readonly mappings: MappingRepository,
    private readonly settings: SettingsRepository,
  ) {}

  async detail(tenantId: string, clientId: string, snapshotId?: string): Promise<ClientDetailResponseDto> {
    const snapshot = await this.snapshots.resolveSnapshot(tenantId, snapshotId);
    if (!snapshot) throw notFound('Client');
    const row = await this.reconciliations.client(tenantId, snapshot.id, clientId);
    if (!row) throw notFound('Client');
    const rules = await this.settings.countingRules(tenantId);
    const client = toClientRowDto(row);
    const lines = (await this.reconciliations.clientLines(tenantId, snapshot.id, clientId)).map((l) => toLineDto(l, rules.matchedTolerance));

    const companySubscriptions = client.pax8CompanyId ? await this.synced.companySubscriptions(tenantId, client.pax8CompanyId) : [];
    const perDevice = await this.mappings.perDeviceChoices(tenantId, [...new Set(companySubscriptions.map((s) => s.product_id))]);
    const subscriptions = companySubscriptions.map((s) => ({
      id: s.id, productId: s.product_id, productName: s.product_name, quantity: Number(s.quantity), status: s.status, billingTerm: s.billing_term,
      price: usdOrNull(numberOrNull(s.price)),
      countsAsLicence: (perDevice.get(s.product_id) ?? suggestPerDevice(s.product_name)) && s.status !== null && rules.licensedStatuses.includes(s.status),
    }));

    const counts = await this.snapshots.clientCounts(tenantId, snapshot.id, clientId);
    const trend = (await this.reconciliations.trend(tenantId, clientId, snapshot.takenAt)).reverse().map((t) => ({
      snapshotId: t.id, takenAt: new Date(t.taken_at).toISOString(), devices: t.devices, licenses: Number(t.licenses), variance: Number(t.variance),
    }));
    const contacts = client.pax8CompanyId ? (await this.synced.companyContacts(tenantId, client.pax8CompanyId)).map(toContactDto) : [];

    return {
      ...client,
      snapshot,
      lines,
      subscriptions,
      deviceBreakdown: {
        total: counts?.device_count ?? 0, billable: counts?.billable_count ?? 0,
        byClass: counts?.by_class ?? {}, excludedByReason: counts?.excluded_by_reason ?? {},
      },
      trend,
      contacts,
      links: {
        pax8Subscriptions: client.pax8CompanyId ? `https://app.pax8.com/companies/${encodeURIComponent(client.pax8CompanyId)}/subscriptions` : null,
        billingSnapshot: `/api/v1/reconciliation/clients/${encodeURIComponent(clientId)}/export.csv?snapshotId=${snapshot.id}`,
      },
      recommendedAction: recommendedAction(client, lines),
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
      ? `No per-device licence found: add a per-device product for ${client.devices} device${client.devices === 1 ? '' : 's'} in Pax8, or mark the client's product as per-device in the admin settings.`
      : 'No action needed: no billable devices and no per-device licences.';
  }
  const actions = lines.filter((l) => l.status !== 'matched').map((l) => lineAction(l.productName, l.licensedQuantity, l.devices));
  return actions.length ? actions.join(' ') : 'No action needed: licences match billable devices.';
}
