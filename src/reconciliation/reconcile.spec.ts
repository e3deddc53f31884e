import { covers, gapKey, reconcileClients, type LineException, type Subscription } from './reconcile.js';

const sub = (productId: string, quantity: number, extra: Partial<Subscription> = {}): Subscription => ({
  companyId: 'c1', productId, productName: productId, quantity, status: 'Active', billingTerm: 'Monthly', price: 10, perDevice: true, ...extra,
});
const rules = { licensedStatuses: ['Active'], matchedTolerance: 0 };

describe('reconcileClients', () => {
  const mapping = new Map([['o1', 'c1']]);
  const names = new Map([['o1', 'One']]);

  it('never sums across products; shows the worst line; under wins the status', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 10 }], mapping, names, [sub('edr', 10), sub('backup', 8)], rules);
    expect(lines.map((l) => [l.productId, l.variance])).toEqual([['edr', 0], ['backup', 2]]);
    expect(clients).toEqual([expect.objectContaining({ status: 'under-licensed', licenses: 8, variance: 2, lineCount: 2, headlineProductId: 'backup', monthlyImpact: 20, revenueAtRisk: 20, overspend: 0, unpricedSeats: 0 })]);
  });

  it('on a tie of |variance| shows the under-licensed line', () => {
    const { clients } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 5 }], mapping, names, [sub('a', 7), sub('b', 3)], rules);
    expect(clients[0]).toMatchObject({ headlineProductId: 'b', variance: 2, status: 'under-licensed' });
  });

  it('the tolerance makes small gaps matched', () => {
    const { clients } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 5 }], mapping, names, [sub('a', 6)], { ...rules, matchedTolerance: 1 });
    expect(clients[0]).toMatchObject({ status: 'matched', variance: -1, monthlyImpact: -10 });
  });

  it('a mapped organization with licences and no devices is over-licensed; unmapped ones with devices are listed', () => {
    const { clients } = reconcileClients([{ organizationId: 'o2', name: 'Two', billable: 3 }], mapping, names, [sub('a', 4)], rules);
    expect(clients).toEqual([
      expect.objectContaining({ organizationId: 'o2', status: 'unmapped', devices: 3, licenses: null, variance: null, pax8CompanyId: null, revenueAtRisk: 0, unpricedSeats: 0 }),
      expect.objectContaining({ organizationId: 'o1', name: 'One', status: 'over-licensed', devices: 0, licenses: 4, variance: -4 }),
    ]);
  });

  it('non-licensed statuses and per-user products do not make a line', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 4 }], mapping, names,
      [sub('a', 4, { status: 'Cancelled' }), sub('m365', 4, { perDevice: false }), sub('t', 4, { status: 'Trial' })], rules);
    expect(lines).toEqual([]);
    expect(clients[0]).toMatchObject({ status: 'under-licensed', devices: 4, licenses: 0, variance: 4, monthlyImpact: null, lineCount: 0 });
  });

  it('money is never netted: one line under, one over, each on its own side', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 10 }], mapping, names,
      [sub('edr', 7, { price: 4 }), sub('backup', 12, { price: 3 })], rules);
    expect(lines.map((l) => [l.productId, l.status, l.revenueAtRisk, l.overspend])).toEqual([['edr', 'under-licensed', 12, 0], ['backup', 'over-licensed', 0, 6]]);
    expect(clients[0]).toMatchObject({ status: 'under-licensed', revenueAtRisk: 12, overspend: 6, monthlyImpact: 6, headlineProductId: 'edr' });
  });

  it('the unit price is rounded to the cent first, so variance x unit price is the amount', () => {
    // 2 x $2.875 and 1 x $2.87 weigh to $2.8733...: $2.87, and -8 x $2.87 = -$22.96 (not -$22.99).
    const { lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 0 }], mapping, names,
      [sub('edr', 2, { price: 2.875 }), sub('edr', 6, { price: 2.87 })], rules);
    expect(lines[0]).toMatchObject({ variance: -8, unitPriceMonthly: 2.87, monthlyImpact: -22.96, overspend: 22.96, revenueAtRisk: 0 });
  });

  it('a gap without a price counts its seats as unpriced, never as $0', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 9 }], mapping, names,
      [sub('edr', 4, { price: null }), sub('backup', 12, { price: null })], rules);
    expect(lines.map((l) => [l.productId, l.revenueAtRisk, l.overspend, l.unpricedSeats])).toEqual([['edr', null, 0, 5], ['backup', 0, null, 3]]);
    expect(clients[0]).toMatchObject({ revenueAtRisk: 0, overspend: 0, unpricedSeats: 8, unpricedUnderSeats: 5, monthlyImpact: null });
  });

  it('a line within the tolerance is matched and carries no money; a mapped client without lines has all its devices unpriced', () => {
    const tolerant = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 5 }], mapping, names, [sub('a', 6)], { ...rules, matchedTolerance: 1 });
    expect(tolerant.lines[0]).toMatchObject({ status: 'matched', revenueAtRisk: 0, overspend: 0, unpricedSeats: 0 });
    expect(tolerant.clients[0]).toMatchObject({ revenueAtRisk: 0, overspend: 0 });
    const bare = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 4 }], mapping, names, [], rules);
    expect(bare.clients[0]).toMatchObject({ status: 'under-licensed', licenses: 0, variance: 4, unpricedSeats: 4, unpricedUnderSeats: 4, revenueAtRisk: 0, headlineProductId: null });
  });

  it('client money is the exact sum of its lines in cents', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 13 }], mapping, names,
      [sub('a', 10, { price: 0.1 }), sub('b', 10, { price: 0.2 }), sub('c', 10, { price: 0.7 })], rules);
    expect(lines.map((l) => l.revenueAtRisk)).toEqual([0.3, 0.6, 2.1]);
    expect(clients[0].revenueAtRisk).toBe(3);
  });
});

describe('exceptions', () => {
  const mapping = new Map([['o1', 'c1']]);
  const names = new Map([['o1', 'One']]);
  const exception = (acceptedVariance: number): LineException => ({ reason: 'spare-on-purpose', note: null, until: null, acceptedVariance, by: 'u', at: '2026-12-01T00:00:00.000Z' });
  const run = (billable: number, accepted: Record<string, number>, subs = [sub('edr', 10), sub('backup', 8)]) =>
    reconcileClients([{ organizationId: 'o1', name: 'One', billable }], mapping, names, subs, rules,
      new Map(Object.entries(accepted).map(([product, v]) => [gapKey('o1', product), exception(v)])));

  it('covers a gap of the same sign no larger than the accepted one', () => {
    expect([covers({ acceptedVariance: 3 }, 'under-licensed', 3), covers({ acceptedVariance: 3 }, 'under-licensed', 2)]).toEqual([true, true]);
    expect(covers({ acceptedVariance: 3 }, 'under-licensed', 4)).toBe(false);
    expect(covers({ acceptedVariance: -2 }, 'under-licensed', 1)).toBe(false);
    expect(covers({ acceptedVariance: -2 }, 'over-licensed', -2)).toBe(true);
    expect(covers({ acceptedVariance: 2 }, 'matched', 0)).toBe(false);
  });

  it('an accepted line leaves the status and the money; its money is shown apart', () => {
    // 10 devices: edr matched, backup +2 under ($20). Accepting backup leaves the client `accepted`.
    const { clients, lines } = run(10, { backup: 2 });
    expect(lines.map((l) => [l.productId, l.gapState, l.exception?.acceptedVariance ?? null])).toEqual([['edr', null, null], ['backup', 'accepted', 2]]);
    expect(clients[0]).toMatchObject({ status: 'accepted', revenueAtRisk: 0, acceptedRevenueAtRisk: 20, overspend: 0, acceptedOverspend: 0 });
    expect(lines[1].revenueAtRisk).toBe(20); // the line keeps what it is worth
  });

  it('the open line decides the status and the headline; a grown gap is open again', () => {
    // 9 devices: edr -1 over ($10), backup +1 under ($10); backup accepted at +2.
    const { clients } = run(9, { backup: 2 });
    expect(clients[0]).toMatchObject({ status: 'over-licensed', headlineProductId: 'edr', overspend: 10, revenueAtRisk: 0, acceptedRevenueAtRisk: 10 });
    const grown = run(11, { backup: 2 });
    expect(grown.lines.find((l) => l.productId === 'backup')).toMatchObject({ variance: 3, gapState: 'open', exception: null });
    expect(grown.clients[0]).toMatchObject({ status: 'under-licensed', revenueAtRisk: 40, acceptedRevenueAtRisk: 0 });
  });
});
