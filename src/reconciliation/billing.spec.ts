// The third column's rules (docs/counting-and-reconciling.md, "The third column"), pure.
import { describe, expect, it } from '@jest/globals';
import { billedMonthlyPrice, lineBilling, reconcileClients, type BilledAddition } from './reconcile.js';

const add = (quantity: number, unitPrice: number | null, billingCycle: string | null = 'MONTHLY'): BilledAddition => ({ organizationId: 'o1', productId: 'edr', quantity, unitPrice, billingCycle });

describe('PSA billing of a line', () => {
  it('monthly prices: QUARTERLY / 3, ANNUAL / 12; an unknown cycle or no price has none', () => {
    expect([billedMonthlyPrice(9, 'MONTHLY'), billedMonthlyPrice(30, 'QUARTERLY'), billedMonthlyPrice(84, 'ANNUAL')]).toEqual([9, 10, 7]);
    expect([billedMonthlyPrice(9, 'WEEKLY'), billedMonthlyPrice(null, 'MONTHLY'), billedMonthlyPrice(9, null)]).toEqual([null, null, null]);
  });

  it('under-billed: devices - billed seats at the quantity-weighted monthly price, rounded to the cent first', () => {
    // 3 x $6.00 + 4 x ($84 / 12 = $7.00) = 46 / 7 = 6.5714 -> $6.57; 10 devices - 7 billed = 3 x 6.57 = $19.71
    expect(lineBilling(10, 12, [add(3, 6), add(4, 84, 'ANNUAL')], 0)).toEqual({
      billed: 7, billedVariance: 3, unbilledLicences: 5, billingStatus: 'under-billed', billedUnitPriceMonthly: 6.57, underBilled: 19.71, unpricedUnderBilledSeats: 0,
    });
  });

  it('over-billed and billed lines carry no under-billed money; the tolerance applies as for licences', () => {
    expect(lineBilling(5, 5, [add(7, 6)], 0)).toMatchObject({ billedVariance: -2, billingStatus: 'over-billed', underBilled: 0 });
    expect(lineBilling(5, 5, [add(4, 6)], 1)).toMatchObject({ billedVariance: 1, billingStatus: 'billed', underBilled: 0 });
  });

  it('nothing billed: under-billed by every device, the money unknown (unpriced seats, never a silent $0)', () => {
    expect(lineBilling(4, 4, [], 0)).toEqual({
      billed: 0, billedVariance: 4, unbilledLicences: 4, billingStatus: 'under-billed', billedUnitPriceMonthly: null, underBilled: null, unpricedUnderBilledSeats: 4,
    });
  });
});

describe('PSA billing in reconcileClients', () => {
  const mapping = new Map([['o1', 'c1']]);
  const names = new Map([['o1', 'One']]);
  const sub = (productId: string, quantity: number) => ({ companyId: 'c1', productId, productName: productId, quantity, status: 'Active', billingTerm: 'Monthly', price: 5, perDevice: true });
  const rules = { licensedStatuses: ['Active'], matchedTolerance: 0 };

  it('off (null): every billed field is null; on: per line, and the client sums the money, never netting lines', () => {
    const off = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 10 }], mapping, names, [sub('edr', 10), sub('backup', 10)], rules);
    expect(off.lines.map((l) => l.billed)).toEqual([null, null]);
    expect(off.clients[0]).toMatchObject({ billed: null, underBilled: null, billingStatus: null });
    const on = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 10 }], mapping, names, [sub('edr', 10), sub('backup', 10)], rules, new Map(),
      [add(8, 7), { ...add(12, 5), productId: 'backup' }]);
    expect(on.lines.map((l) => [l.productId, l.billed, l.billingStatus, l.underBilled])).toEqual([['edr', 8, 'under-billed', 14], ['backup', 12, 'over-billed', 0]]);
    expect(on.clients[0]).toMatchObject({ billingStatus: 'under-billed', underBilled: 14, unpricedUnderBilledSeats: 0 });
  });

  it('a billed product the client has no licence line for adds nothing to another line', () => {
    const { lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 3 }], mapping, names, [sub('edr', 3)], rules, new Map(), [{ ...add(3, 5), productId: 'other' }]);
    expect(lines.map((l) => [l.productId, l.billed])).toEqual([['edr', 0]]);
  });
});
