import { createHash } from 'node:crypto';
import { reconcileClients, type Subscription } from './reconcile.js';
import { resultHash } from './reconciliation.repository.js';

const sub = (companyId: string, productId: string, quantity: number): Subscription => ({
  companyId, productId, productName: productId, quantity, status: 'Active', billingTerm: 'Monthly', price: 12.5, perDevice: true,
});
const rules = { licensedStatuses: ['Active'], matchedTolerance: 0 };
const mapping = new Map([['o1', 'c1'], ['o2', 'c2']]);
const names = new Map([['o1', 'One'], ['o2', 'Two']]);
const devices = [{ organizationId: 'o2', name: 'Two', billable: 7 }, { organizationId: 'o1', name: 'One', billable: 3 }, { organizationId: 'o3', name: 'Three', billable: 1 }];
const subscriptions = [sub('c2', 'edr', 5), sub('c1', 'edr', 3), sub('c1', 'backup', 4), sub('c2', 'backup', 9)];

/** The hash as versions were stamped before it was fed row by row: one JSON text of the whole. */
function wholeTextHash(inputs: object, clients: object[], lines: Array<{ organizationId: string; productId: string }>): string {
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const drop = (row: object) => Object.fromEntries(Object.entries(row).filter(([k, v]) => !(v === null && BILLING.has(k))));
  const canonical = {
    inputs,
    clients: [...(clients as Array<{ organizationId: string }>)].sort((a, b) => byKey(a.organizationId, b.organizationId)).map(drop),
    lines: [...lines].sort((a, b) => byKey(a.organizationId, b.organizationId) || byKey(a.productId, b.productId)).map(drop),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
const BILLING = new Set(['billed', 'billedVariance', 'unbilledLicences', 'billingStatus', 'billedUnitPriceMonthly', 'underBilled', 'unpricedUnderBilledSeats']);

describe('resultHash', () => {
  it('is the hash of the whole result as one JSON text, so versions stored before it compare equal', () => {
    const { clients, lines } = reconcileClients(devices, mapping, names, subscriptions, rules);
    expect(lines.length).toBe(4);
    expect(resultHash({ rules }, clients, lines)).toBe(wholeTextHash({ rules }, clients, lines));
  });

  it('does not depend on the order the rows came in, and tells a changed figure from an equal one', () => {
    const { clients, lines } = reconcileClients(devices, mapping, names, subscriptions, rules);
    const again = reconcileClients([...devices].reverse(), mapping, names, [...subscriptions].reverse(), rules);
    expect(resultHash({ rules }, again.clients, again.lines)).toBe(resultHash({ rules }, clients, lines));
    const changed = reconcileClients(devices, mapping, names, [sub('c2', 'edr', 6), ...subscriptions.slice(1)], rules);
    expect(resultHash({ rules }, changed.clients, changed.lines)).not.toBe(resultHash({ rules }, clients, lines));
  });
});
