import { monthlyUnitPrice, roundCents, usd, usdOrNull, weightedMonthlyPrice } from './money.js';

describe('money', () => {
  it.each([
    [12, 'Monthly', 12], [120, 'Annual', 10], [240, '2-Year', 10], [360, '3-Year', 10],
    [50, 'One-Time', null], [0, 'Trial', null], [5, 'Activation', null], [5, 'Quarterly?', null], [null, 'Monthly', null],
  ])('price %s per %s is %s a month', (price, term, monthly) => expect(monthlyUnitPrice(price, term)).toBe(monthly));

  it('weights by quantity, ignores subscriptions without a recurring price', () => {
    expect(weightedMonthlyPrice([{ quantity: 3, monthlyPrice: 5 }, { quantity: 1, monthlyPrice: 9 }])).toBe(6);
    expect(weightedMonthlyPrice([{ quantity: 3, monthlyPrice: 5 }, { quantity: 10, monthlyPrice: null }])).toBe(5);
    expect(weightedMonthlyPrice([{ quantity: 0, monthlyPrice: 4 }, { quantity: 0, monthlyPrice: 6 }])).toBe(5);
    expect(weightedMonthlyPrice([{ quantity: 2, monthlyPrice: null }])).toBeNull();
  });

  it('rounds half away from zero, to cents, without -0', () => {
    expect(roundCents(2.675)).toBe(2.68);
    expect(roundCents(-2.675)).toBe(-2.68);
    expect(roundCents(-0.001)).toBe(0);
    expect(Object.is(roundCents(-0.001), -0)).toBe(false);
  });

  it('a price that is not a finite number, or a missing term, has no monthly price', () => {
    expect(monthlyUnitPrice(Number.NaN, 'Monthly')).toBeNull();
    expect(monthlyUnitPrice(Number.POSITIVE_INFINITY, 'Annual')).toBeNull();
    expect(monthlyUnitPrice(12, null)).toBeNull();
    expect(monthlyUnitPrice(0, 'Monthly')).toBe(0);
  });

  it('a negative quantity weighs nothing; an empty line has no price', () => {
    expect(weightedMonthlyPrice([{ quantity: -4, monthlyPrice: 100 }, { quantity: 2, monthlyPrice: 4 }])).toBe(4);
    expect(weightedMonthlyPrice([])).toBeNull();
    expect(weightedMonthlyPrice([{ quantity: 0, monthlyPrice: 4 }, { quantity: 0, monthlyPrice: null }])).toBe(4);
  });

  it('rounds to the cent: below half down, half and above up, whatever the sign', () => {
    expect(roundCents(1.004)).toBe(1);
    expect(roundCents(1.005)).toBe(1.01);
    expect(roundCents(-1.004)).toBe(-1);
    expect(roundCents(-1.006)).toBe(-1.01);
    expect(roundCents(10)).toBe(10);
    expect(roundCents(0)).toBe(0);
  });

  it('money is USD, rounded; a missing amount stays missing', () => {
    expect(usd(2.675)).toEqual({ amount: 2.68, currency: 'USD' });
    expect(usdOrNull(null)).toBeNull();
    expect(usdOrNull(-0.004)).toEqual({ amount: 0, currency: 'USD' });
    expect(usdOrNull(0)).toEqual({ amount: 0, currency: 'USD' });
  });
});
