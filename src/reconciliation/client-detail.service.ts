// One client's reconciliation in depth: every product line, the subscriptions behind the
// licences, how the device count came about, the trend across snapshots, contacts, links and
// what to do next.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { suggestPerDevice } from '../mapping/per-device.js';
import { loadCountingRules } from '../settings/rules.js';
import { usdOrNull, type Money } from './money.js';
import { ReconciliationService, toClientRowDto, type ClientRowDto, type SnapshotRef } from './reconciliation.service.js';

export interface LineDto {
  productId: string;
  productName: string;
  devices: number;
  licensedQuantity: number;
  variance: number;
  status: 'under-licensed' | 'over-licensed' | 'matched';
  unitPriceMonthly: Money | null;
  monthlyImpact: Money | null;
}

export interface ClientDetailDto extends ClientRowDto {
  snapshot: SnapshotRef;
  lines: LineDto[];
  subscriptions: Array<{ id: string; productId: string; productName: string; quantity: number; status: string | null; billingTerm: string | null; price: Money | null; countsAsLicence: boolean }>;
  deviceBreakdown: { total: number; billable: number; byClass: Record<string, number>; excludedByReason: Record<string, number> };
  trend: Array<{ snapshotId: string; takenAt: string; devices: number; licenses: number; variance: number }>;
  contacts: Array<{ name: string; email: string | null; phone: string | null; types: string[] }>;
  links: { pax8Subscriptions: string | null; billingSnapshot: string };
  recommendedAction: string;
}

const TREND_POINTS = 12;

export function lineAction(productName: string, licensed: number, devices: number): string {
  const gap = devices - licensed;
  if (gap > 0) return `Increase Pax8 quantity of ${productName} from ${licensed} to ${devices}, or bill ${gap} more seat${gap === 1 ? '' : 's'}.`;
  if (gap < 0) return `Reduce Pax8 quantity of ${productName} from ${licensed} to ${devices} (${-gap} unused licence${gap === -1 ? '' : 's'}).`;
  return '';
}

@Injectable()
export class ClientDetailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async detail(tenantId: string, clientId: string, snapshotId?: string): Promise<ClientDetailDto> {
    const snapshot = await this.reconciliation.resolveSnapshot(tenantId, snapshotId);
    if (!snapshot) throw notFound('Client');
    const [row] = await this.db.query(
      `SELECT * FROM reconciliation_client WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3`, [tenantId, snapshot.id, clientId],
    );
    if (!row) throw notFound('Client');
    const rules = await loadCountingRules(this.db, tenantId);
    const client = toClientRowDto(row);

    const lines: LineDto[] = (await this.db.query(
      `SELECT * FROM reconciliation_line WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3 ORDER BY abs(variance) DESC, variance DESC, product_name`,
      [tenantId, snapshot.id, clientId],
    )).map((l: Record<string, any>) => {
      const variance = Number(l.variance);
      return {
        productId: l.product_id, productName: l.product_name, devices: l.devices, licensedQuantity: Number(l.licensed_quantity), variance,
        status: Math.abs(variance) <= rules.matchedTolerance ? 'matched' : variance > 0 ? 'under-licensed' : 'over-licensed',
        unitPriceMonthly: usdOrNull(l.unit_price_monthly === null ? null : Number(l.unit_price_monthly)),
        monthlyImpact: usdOrNull(l.monthly_impact === null ? null : Number(l.monthly_impact)),
      } satisfies LineDto;
    });

    const subscriptions = client.pax8CompanyId ? (await this.db.query(
      `SELECT s.id, s.product_id, COALESCE(p.name, s.product_name, s.product_id) AS product_name, s.quantity, s.status, s.billing_term, s.price, ps.per_device
         FROM pax8_subscription s
         LEFT JOIN pax8_product p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
         LEFT JOIN product_setting ps ON ps.tenant_id = s.tenant_id AND ps.product_id = s.product_id
        WHERE s.tenant_id = $1 AND s.company_id = $2 AND s.removed_at IS NULL
        ORDER BY product_name, s.id`,
      [tenantId, client.pax8CompanyId],
    )).map((s: Record<string, any>) => ({
      id: s.id, productId: s.product_id, productName: s.product_name, quantity: Number(s.quantity), status: s.status, billingTerm: s.billing_term,
      price: usdOrNull(s.price === null ? null : Number(s.price)),
      countsAsLicence: (s.per_device ?? suggestPerDevice(s.product_name)) && rules.licensedStatuses.includes(s.status),
    })) : [];

    const [counts] = await this.db.query(
      `SELECT device_count, billable_count, by_class, excluded_by_reason FROM snapshot_client WHERE tenant_id = $1 AND snapshot_id = $2 AND organization_id = $3`,
      [tenantId, snapshot.id, clientId],
    );
    const trend = (await this.db.query(
      `SELECT s.id, s.taken_at, c.devices, c.licenses, c.variance
         FROM snapshot s JOIN reconciliation_client c ON c.tenant_id = s.tenant_id AND c.snapshot_id = s.id AND c.organization_id = $2
        WHERE s.tenant_id = $1 AND s.status = 'complete' AND s.taken_at <= $3
        ORDER BY s.taken_at DESC, s.id DESC LIMIT ${TREND_POINTS}`,
      [tenantId, clientId, snapshot.takenAt],
    )).reverse().map((t: Record<string, any>) => ({
      snapshotId: t.id, takenAt: new Date(t.taken_at).toISOString(), devices: t.devices, licenses: Number(t.licenses), variance: Number(t.variance),
    }));
    const contacts = client.pax8CompanyId ? (await this.db.query(
      `SELECT first_name, last_name, email, phone, types FROM pax8_contact WHERE tenant_id = $1 AND company_id = $2 AND removed_at IS NULL ORDER BY last_name, first_name, id`,
      [tenantId, client.pax8CompanyId],
    )).map((c: Record<string, any>) => ({
      name: [c.first_name, c.last_name].filter(Boolean).join(' '), email: c.email, phone: c.phone,
      types: (Array.isArray(c.types) ? c.types : []).map((t: { type?: string } | string) => (typeof t === 'string' ? t : t?.type)).filter(Boolean),
    })) : [];

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

function recommendedAction(client: ClientRowDto, lines: LineDto[]): string {
  if (client.status === 'unmapped') return 'Map this organization to its Pax8 company in the admin settings to reconcile it.';
  if (!lines.length) {
    return client.devices > 0
      ? `No per-device licence found: add a per-device product for ${client.devices} device${client.devices === 1 ? '' : 's'} in Pax8, or mark the client's product as per-device in the admin settings.`
      : 'No action needed: no billable devices and no per-device licences.';
  }
  const actions = lines.filter((l) => l.status !== 'matched').map((l) => lineAction(l.productName, l.licensedQuantity, l.devices));
  return actions.length ? actions.join(' ') : 'No action needed: licences match billable devices.';
}
