// Rows of the reconciliation tables as the API answers them. numeric columns arrive as strings.
import { isoTimestamp } from '../database/queryable.js';
import type { SnapshotRefDto } from '../snapshots/dto/snapshot.dto.js';
import type { ClientRowResponseDto, LineResponseDto } from './dto/reconciliation.dto.js';
import { usd, usdOrNull } from './money.js';
import type { ClientRowRecord, LineRecord } from './reconciliation.repository.js';

export const numberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

export function toSnapshotRef(row: { id: string; taken_at: Date }): SnapshotRefDto {
  return { id: row.id, takenAt: isoTimestamp(row.taken_at) };
}

export function toLineDto(row: LineRecord): LineResponseDto {
  const licenses = Number(row.licensed_quantity);
  return {
    productId: row.product_id, productName: row.product_name, devices: row.devices, licenses, licensedQuantity: licenses, variance: Number(row.variance),
    status: row.status,
    unitPriceMonthly: usdOrNull(numberOrNull(row.unit_price_monthly)),
    revenueAtRisk: usdOrNull(numberOrNull(row.revenue_at_risk)),
    overspend: usdOrNull(numberOrNull(row.overspend)),
    unpricedSeats: row.unpriced_seats,
    monthlyImpact: usdOrNull(numberOrNull(row.monthly_impact)),
    gapState: row.status === 'matched' ? null : row.gap_state ?? 'open',
    exception: row.exception ? { reason: row.exception.reason, note: row.exception.note, until: row.exception.until } : null,
    ...lineBillingDto(row),
  };
}

type LineBilling = Pick<LineResponseDto, 'billed' | 'billedVariance' | 'unbilledLicences' | 'billingStatus' | 'billedUnitPriceMonthly' | 'underBilled' | 'unpricedUnderBilledSeats'>;
type ClientBilling = Pick<ClientRowResponseDto, 'billed' | 'billedVariance' | 'unbilledLicences' | 'billingStatus' | 'underBilled' | 'unpricedUnderBilledSeats'>;
const NO_LINE_BILLING: LineBilling = { billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, billedUnitPriceMonthly: null, underBilled: null, unpricedUnderBilledSeats: null };
const NO_CLIENT_BILLING: ClientBilling = { billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, underBilled: null, unpricedUnderBilledSeats: null };

/** The third column of a line: null in a version made without PSA data. */
function lineBillingDto(row: LineRecord): LineBilling {
  if (row.billed === null) return NO_LINE_BILLING;
  return {
    billed: Number(row.billed), billedVariance: Number(row.billed_variance), unbilledLicences: Number(row.unbilled_licences), billingStatus: row.billing_status,
    billedUnitPriceMonthly: usdOrNull(numberOrNull(row.billed_unit_price_monthly)), underBilled: usdOrNull(numberOrNull(row.under_billed)),
    unpricedUnderBilledSeats: row.unpriced_under_billed_seats ?? 0,
  };
}

/** The client's billed figures: null in a version made without PSA data (with it, under_billed is never null). */
export function clientBillingDto(row: Pick<ClientRowRecord, 'billed' | 'billed_variance' | 'unbilled_licences' | 'billing_status' | 'under_billed' | 'unpriced_under_billed_seats'>): ClientBilling {
  if (row.under_billed === null) return NO_CLIENT_BILLING;
  return {
    billed: numberOrNull(row.billed), billedVariance: numberOrNull(row.billed_variance), unbilledLicences: numberOrNull(row.unbilled_licences),
    billingStatus: row.billing_status, underBilled: usd(Number(row.under_billed)), unpricedUnderBilledSeats: row.unpriced_under_billed_seats ?? 0,
  };
}

export function toClientRowDto(row: ClientRowRecord & { previous_status?: ClientRowRecord['status'] | null }, lines: LineRecord[]): ClientRowResponseDto {
  const lineDtos = lines.map(toLineDto);
  return {
    clientId: row.organization_id, name: row.name, pax8CompanyId: row.pax8_company_id, devices: row.devices,
    licenses: numberOrNull(row.licenses), variance: numberOrNull(row.variance), status: row.status,
    headlineProductId: row.headline_product_id,
    headlineProductName: lineDtos.find((l) => l.productId === row.headline_product_id)?.productName ?? null,
    revenueAtRisk: usd(Number(row.revenue_at_risk)), overspend: usd(Number(row.overspend)), unpricedSeats: row.unpriced_seats,
    acceptedRevenueAtRisk: usd(Number(row.accepted_revenue_at_risk)), acceptedOverspend: usd(Number(row.accepted_overspend)),
    acceptedUnpricedSeats: row.accepted_unpriced_seats,
    monthlyImpact: usdOrNull(numberOrNull(row.monthly_impact)), lineCount: row.line_count,
    lines: lineDtos,
    ...(row.previous_status !== undefined ? { previousStatus: row.previous_status } : {}),
    ...clientBillingDto(row),
  };
}
