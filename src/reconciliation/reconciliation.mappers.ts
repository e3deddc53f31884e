// Rows of the reconciliation tables as the API answers them. numeric columns arrive as strings.
import { isoTimestamp } from '../database/queryable.js';
import type { SnapshotRefDto } from '../snapshots/dto/snapshot.dto.js';
import type { ClientRowResponseDto, LineResponseDto } from './dto/reconciliation.dto.js';
import { lineStatus } from './reconcile.js';
import { usdOrNull } from './money.js';
import type { ClientRowRecord, LineRecord } from './reconciliation.repository.js';

export const numberOrNull = (value: string | null): number | null => (value === null ? null : Number(value));

export function toSnapshotRef(row: { id: string; taken_at: Date }): SnapshotRefDto {
  return { id: row.id, takenAt: isoTimestamp(row.taken_at) };
}

export function toClientRowDto(row: ClientRowRecord): ClientRowResponseDto {
  return {
    clientId: row.organization_id, name: row.name, pax8CompanyId: row.pax8_company_id, devices: row.devices,
    licenses: Number(row.licenses), variance: Number(row.variance), status: row.status,
    monthlyImpact: usdOrNull(numberOrNull(row.monthly_impact)), lineCount: row.line_count,
  };
}

export function toLineDto(row: LineRecord, matchedTolerance: number): LineResponseDto {
  const variance = Number(row.variance);
  return {
    productId: row.product_id, productName: row.product_name, devices: row.devices, licensedQuantity: Number(row.licensed_quantity), variance,
    status: lineStatus(variance, matchedTolerance),
    unitPriceMonthly: usdOrNull(numberOrNull(row.unit_price_monthly)),
    monthlyImpact: usdOrNull(numberOrNull(row.monthly_impact)),
  };
}
