import { describe, expect, it } from '@jest/globals';
import { actionStateOf, capWarnings, decide, pickAddition, pickSubscription, preview, psaPreview, type SyncedAddition, type SyncedSubscription } from './decide.js';

const sub = (over: Partial<SyncedSubscription> = {}): SyncedSubscription => ({
  id: 's1', quantity: 10, status: 'Active', billingTerm: 'Monthly', price: 12, partnerCost: 9, renewsAt: null, ...over,
});
const NOW = new Date('2026-12-01T00:00:00Z');

describe('decide: the read before every write', () => {
  it('writes only while the quantity is still from', () => {
    expect(decide(10, 10, 14)).toBe('write');
    expect(decide(14, 10, 14)).toBe('applied');
    expect(decide(11, 10, 14)).toBe('conflict');
    expect(decide(9, 10, 14)).toBe('conflict');
    // A decrease: the same rule.
    expect(decide(10, 10, 7)).toBe('write');
    expect(decide(7, 10, 7)).toBe('applied');
    expect(decide(8, 10, 7)).toBe('conflict');
  });
});

describe('pickSubscription', () => {
  const a = sub({ id: 'a', quantity: 5 });
  const b = sub({ id: 'b', quantity: 30, billingTerm: 'Annual' });
  const c = sub({ id: 'c', quantity: 20 });
  it('takes the largest monthly one, else the largest, else the chosen one', () => {
    expect(pickSubscription([a, b, c])?.id).toBe('c');
    expect(pickSubscription([b])?.id).toBe('b');
    expect(pickSubscription([a, b, c], 'a')?.id).toBe('a');
    expect(pickSubscription([a, b, c], 'zzz')).toBeUndefined();
    expect(pickSubscription([])).toBeUndefined();
  });
});

describe('preview', () => {
  it('prices the change at partnerCost and price per month, and warns of a pending order on an increase', () => {
    const p = preview({ subscription: sub(), others: [sub({ id: 'p', status: 'PendingManual', quantity: 4 }), sub({ id: 'x', status: 'PendingCancel' })], productName: 'EDR', toQuantity: 13, now: NOW });
    expect(p).toMatchObject({ subscriptionId: 's1', fromQuantity: 10, toQuantity: 13, monthlyCostChange: { amount: 27, currency: 'USD' }, monthlyPriceChange: { amount: 36, currency: 'USD' } });
    expect(p.warnings.map((w) => w.code)).toEqual(['pending-order']);
    expect(p.warnings[0].message).toContain('PendingManual, 4 seats');
  });
  it('annual terms are spread over 12 months; a decrease warns it may wait for the renewal', () => {
    const p = preview({ subscription: sub({ billingTerm: 'Annual', price: 120, partnerCost: 96, renewsAt: '2027-03-01T00:00:00Z' }), others: [], productName: 'EDR', toQuantity: 7, now: NOW });
    expect(p.monthlyCostChange).toEqual({ amount: -24, currency: 'USD' });
    expect(p.monthlyPriceChange).toEqual({ amount: -30, currency: 'USD' });
    expect(p.warnings.map((w) => w.code)).toEqual(['decrease-at-renewal', 'not-monthly']);
    expect(p.warnings[0].message).toContain('2027-03-01');
  });
  it('no price: the money is null and said so', () => {
    const p = preview({ subscription: sub({ price: null, partnerCost: null }), others: [], productName: 'EDR', toQuantity: 11, now: NOW });
    expect([p.monthlyCostChange, p.monthlyPriceChange, p.warnings.map((w) => w.code)]).toEqual([null, null, ['unpriced']]);
  });
});

describe('capWarnings', () => {
  const caps = { maxSeatChange: 5, maxMonthlyIncrease: 100 };
  it('flags seats beyond the cap either way, and money added beyond the cap', () => {
    expect(capWarnings({ fromQuantity: 10, toQuantity: 15, monthlyCostChange: { amount: 100, currency: 'USD' } }, caps)).toEqual([]);
    expect(capWarnings({ fromQuantity: 10, toQuantity: 4, monthlyCostChange: { amount: -60, currency: 'USD' } }, caps).map((w) => w.code)).toEqual(['above-seat-cap']);
    expect(capWarnings({ fromQuantity: 10, toQuantity: 12, monthlyCostChange: { amount: 100.01, currency: 'USD' } }, caps).map((w) => w.code)).toEqual(['above-money-cap']);
  });
});

describe('actionStateOf', () => {
  it('follows the items once approved', () => {
    expect(actionStateOf('proposed', ['proposed'])).toBe('proposed');
    expect(actionStateOf('cancelled', ['cancelled'])).toBe('cancelled');
    expect(actionStateOf('approved', ['approved', 'approved'])).toBe('approved');
    expect(actionStateOf('approved', ['applied', 'approved'])).toBe('applying');
    expect(actionStateOf('approved', ['applied', 'scheduled'])).toBe('scheduled');
    expect(actionStateOf('approved', ['applied', 'conflict', 'failed'])).toBe('failed');
    expect(actionStateOf('approved', ['applied', 'conflict'])).toBe('conflict');
    expect(actionStateOf('approved', ['applied', 'applied'])).toBe('applied');
    expect(actionStateOf('approved', ['applied', 'cancelled'])).toBe('applied');
  });
});

describe('psa-quantity: which addition, and what billing the client more brings', () => {
  const add = (over: Partial<SyncedAddition> = {}): SyncedAddition => ({
    id: 'a1', agreementId: 'g1', agreementName: 'Managed services', description: 'EDR per device', quantity: 8, unitPrice: 7, billingCycle: 'MONTHLY', ...over,
  });

  it('takes the named addition, else the largest (ties by id)', () => {
    const list = [add({ id: 'a2', quantity: 3 }), add({ id: 'a3', quantity: 9 }), add({ id: 'a1', quantity: 9 })];
    expect(pickAddition(list)?.id).toBe('a1');
    expect(pickAddition(list, 'a2')?.id).toBe('a2');
    expect(pickAddition(list, 'nope')).toBeUndefined();
  });

  it('prices the change at the monthly unit price (QUARTERLY / 3, ANNUAL / 12); no Pax8 cost', () => {
    expect(psaPreview(add(), 10)).toMatchObject({ additionId: 'a1', agreementId: 'g1', fromQuantity: 8, toQuantity: 10, monthlyCostChange: { amount: 0 }, monthlyPriceChange: { amount: 14 }, warnings: [] });
    expect(psaPreview(add({ unitPrice: 30, billingCycle: 'QUARTERLY' }), 11).monthlyPriceChange).toEqual({ amount: 30, currency: 'USD' });
    const annual = psaPreview(add({ unitPrice: 84, billingCycle: 'ANNUAL' }), 6);
    expect(annual.monthlyPriceChange).toEqual({ amount: -14, currency: 'USD' });
    expect(annual.warnings.map((w) => w.code)).toEqual(['not-monthly']);
    const unpriced = psaPreview(add({ unitPrice: null }), 9);
    expect(unpriced.monthlyPriceChange).toBeNull();
    expect(unpriced.warnings.map((w) => w.code)).toEqual(['unpriced']);
  });

  it('the seat cap holds a billing change; the money cap (Pax8 cost) never does', () => {
    const big = psaPreview(add({ unitPrice: 1000 }), 40);
    expect(capWarnings(big, { maxSeatChange: 100, maxMonthlyIncrease: 10 })).toEqual([]);
    expect(capWarnings(big, { maxSeatChange: 20, maxMonthlyIncrease: 10 }).map((w) => w.code)).toEqual(['above-seat-cap']);
  });
});
