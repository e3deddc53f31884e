import { describe, expect, it } from '@jest/globals';
import type { AuditEntryDto } from '../audit/dto/audit.dto.js';
import type { ClientDetailResponseDto, LineResponseDto } from '../reconciliation/dto/reconciliation.dto.js';
import { productChart, SERIES } from './report-chart.js';
import { auditSentence, reportContent } from './report-content.js';
import { pdfText } from './report-pdf.js';
import { billedOf, reportPeriod, type QbrReport, type TrendPoint } from './report.service.js';

const usd = (amount: number) => ({ amount, currency: 'USD' as const });

describe('reportPeriod', () => {
  it('defaults to the three months up to today', () => {
    expect(reportPeriod({}, '2026-12-02')).toEqual({ from: '2026-09-02', to: '2026-12-02' });
    expect(reportPeriod({ to: '2026-05-31' }, '2026-12-02')).toEqual({ from: '2026-02-28', to: '2026-05-31' });
  });

  it('refuses from after to, and a period over 367 days', () => {
    expect(() => reportPeriod({ from: '2026-05-02', to: '2026-05-01' })).toThrow('from must not be after to');
    expect(reportPeriod({ from: '2025-12-01', to: '2026-12-02' })).toEqual({ from: '2025-12-01', to: '2026-12-02' }); // 367 days
    expect(() => reportPeriod({ from: '2025-11-30', to: '2026-12-02' })).toThrow(/at most 367 days; this one spans 368/);
  });
});

describe('billedOf', () => {
  it('reads PSA billing\'s quantity only where the line has one', () => {
    expect(billedOf({})).toBeNull();
    expect(billedOf({ billed: null })).toBeNull();
    expect(billedOf({ billed: 7 })).toBe(7);
    expect(billedOf({ billed: '7' })).toBe(7);
  });
});

const point = (takenAt: string, devices: number, licenses: number, billed: number | null = null): TrendPoint => ({
  snapshotId: takenAt, takenAt, devices, lines: new Map([['p1', { productName: 'EDR', licenses, billed }]]),
});

describe('productChart', () => {
  const period = { from: '2026-09-01', to: '2026-11-30' };

  it('draws devices and licences, and billed only when a snapshot has it', () => {
    const plain = productChart([point('2026-09-01T02:00:00Z', 8, 6), point('2026-11-01T02:00:00Z', 10, 6)], 'p1', period);
    expect(plain.series.map((s) => s.style.label)).toEqual([SERIES.devices.label, SERIES.licenses.label]);
    const billed = productChart([point('2026-09-01T02:00:00Z', 8, 6, 7), point('2026-11-01T02:00:00Z', 10, 6, 9)], 'p1', period);
    expect(billed.series.map((s) => s.style.label)).toEqual([SERIES.devices.label, SERIES.licenses.label, SERIES.billed.label]);
  });

  it('scales time across the period and values from zero to a round top', () => {
    const chart = productChart([point('2026-09-01T00:00:00Z', 8, 6), point('2026-11-30T12:00:00Z', 10, 6)], 'p1', period);
    const devices = chart.series[0].points;
    expect(devices[0].x).toBe(chart.plot.left);
    expect(devices[1].x).toBeGreaterThan(chart.plot.right - 5);
    expect(chart.yTicks.map((t) => t.label)).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(devices[1].y).toBe(chart.plot.top); // 10 is the top
    expect(chart.xTicks.map((t) => t.label)).toEqual(['Sep 2026', 'Oct 2026', 'Nov 2026']);
  });
});

describe('auditSentence', () => {
  const entry = (type: string, after: Record<string, unknown> | null, before: Record<string, unknown> | null = null): AuditEntryDto => ({
    id: 'e', at: '2026-10-01T10:00:00Z', actor: 'u', actorRole: 'admin', type, clientId: 'c', subject: 's', before, after,
  });

  it('words the known fields of any entry', () => {
    expect(auditSentence(entry('mapping.changed', { pax8CompanyId: 'x', pax8CompanyName: 'Acme Ltd', mappingState: 'confirmed' })))
      .toBe('Mapping changed: mapped to Pax8 company Acme Ltd (confirmed)');
    expect(auditSentence(entry('gap.exception-accepted', { productName: 'EDR', reason: 'spare-on-purpose', note: 'new hires', until: '2027-01-31' })))
      .toBe('Gap exception accepted: EDR, reason: Spare on purpose, note: new hires, until 2027-01-31');
    expect(auditSentence(entry('gap.exception-removed', null, { productName: 'EDR', reason: 'other', note: 'n', until: null })))
      .toBe('Gap exception removed: EDR, reason: Other, note: n, no end date');
    expect(auditSentence(entry('action.executed', { fromQuantity: 4, toQuantity: 6, state: 'succeeded' }))).toBe('Action executed: quantity 4 \u2192 6, state: succeeded');
    expect(auditSentence(entry('something-new', { colour: 'blue' }))).toBe('Something new changed');
  });
});

describe('pdfText', () => {
  it('keeps Windows-1252 text and marks what the standard font cannot show', () => {
    expect(pdfText('Ünïcödé – “Q” €5')).toBe('Ünïcödé – “Q” €5');
    expect(pdfText('a\u0000b\nc')).toBe('a b c');
    expect(pdfText('\u202Eabc 😀 日本 \u2212 \u2192')).toBe('abc ? ?? - ->');
  });
});

describe('reportContent', () => {
  const line = (extra: Partial<LineResponseDto> & object = {}): LineResponseDto => ({
    productId: 'p1', productName: 'EDR', devices: 10, licenses: 6, licensedQuantity: 6, variance: 4, status: 'under-licensed',
    unitPriceMonthly: usd(5), revenueAtRisk: usd(20), overspend: usd(0), unpricedSeats: 0, monthlyImpact: usd(20), gapState: 'open', exception: null,
    billed: null, billedVariance: null, unbilledLicences: null, billingStatus: null, billedUnitPriceMonthly: null, underBilled: null, unpricedUnderBilledSeats: null, ...extra,
  });
  const report = (lines: LineResponseDto[]): QbrReport => ({
    tenantName: 'Northwind IT', producedAt: '2026-12-02T08:00:00Z', period: { from: '2026-09-01', to: '2026-11-30' },
    client: {
      clientId: 'c', name: 'Acme', pax8CompanyId: 'x', devices: 10, licenses: 6, variance: 4, status: 'under-licensed', headlineProductId: 'p1',
      headlineProductName: 'EDR', revenueAtRisk: usd(20), overspend: usd(0), unpricedSeats: 0, acceptedRevenueAtRisk: usd(0), acceptedOverspend: usd(0),
      acceptedUnpricedSeats: 0, monthlyImpact: usd(20), lineCount: 1, lines, snapshot: { id: 's', takenAt: '2026-11-01T02:00:00Z' }, version: 1,
    } as unknown as ClientDetailResponseDto,
    trend: [point('2026-09-01T02:00:00Z', 8, 6), point('2026-11-01T02:00:00Z', 10, 6)],
    gaps: [], activity: { items: [], total: 0 }, changes: null,
  });

  it('shows a Billed column only when a line carries a billed quantity', () => {
    expect(reportContent(report([line()])).products.headers).not.toContain('Billed');
    const withBilled = reportContent(report([line({ billed: 8 } as object)]));
    expect(withBilled.products.headers).toEqual(['Product', 'Devices', 'Licences', 'Billed', 'Variance', 'Status', 'Revenue at risk', 'Overspend']);
    expect(withBilled.products.rows[0]).toEqual(['EDR', '10', '6', '8', '+4', 'Under-licensed', '$20.00', '$0.00']);
  });

  it('heads the report with the client, the period and who prepared it', () => {
    const c = reportContent(report([line()]));
    expect([c.title, c.period, c.preparedBy, c.produced]).toEqual(['Quarterly business review: Acme', '1 Sep 2026 \u2013 30 Nov 2026', 'Northwind IT', '2 Dec 2026 08:00 UTC']);
    expect(c.totals).toContainEqual(['Revenue at risk per month', '$20.00']);
  });
});
