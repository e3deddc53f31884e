import { reconcileClients, type Subscription } from './reconcile.js';

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
    expect(clients).toEqual([expect.objectContaining({ status: 'under-licensed', licenses: 8, variance: 2, lineCount: 2, shownProductId: 'backup', monthlyImpact: 20 })]);
  });

  it('on a tie of |variance| shows the under-licensed line', () => {
    const { clients } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 5 }], mapping, names, [sub('a', 7), sub('b', 3)], rules);
    expect(clients[0]).toMatchObject({ shownProductId: 'b', variance: 2, status: 'under-licensed' });
  });

  it('the tolerance makes small gaps matched', () => {
    const { clients } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 5 }], mapping, names, [sub('a', 6)], { ...rules, matchedTolerance: 1 });
    expect(clients[0]).toMatchObject({ status: 'matched', variance: -1, monthlyImpact: -10 });
  });

  it('a mapped organization with licences and no devices is over-licensed; unmapped ones with devices are listed', () => {
    const { clients } = reconcileClients([{ organizationId: 'o2', name: 'Two', billable: 3 }], mapping, names, [sub('a', 4)], rules);
    expect(clients).toEqual([
      expect.objectContaining({ organizationId: 'o2', status: 'unmapped', devices: 3, licenses: 0, pax8CompanyId: null }),
      expect.objectContaining({ organizationId: 'o1', name: 'One', status: 'over-licensed', devices: 0, licenses: 4, variance: -4 }),
    ]);
  });

  it('non-licensed statuses and per-user products do not make a line', () => {
    const { clients, lines } = reconcileClients([{ organizationId: 'o1', name: 'One', billable: 4 }], mapping, names,
      [sub('a', 4, { status: 'Cancelled' }), sub('m365', 4, { perDevice: false }), sub('t', 4, { status: 'Trial' })], rules);
    expect(lines).toEqual([]);
    expect(clients[0]).toMatchObject({ status: 'under-licensed', devices: 4, licenses: 0, variance: 4, monthlyImpact: null, lineCount: 0 });
  });
});
