import { describe, expect, it } from '@jest/globals';
import { suggestPsaMappings, type Pax8ProductRef } from './psa-item-suggest.js';

const product = (id: string, name: string, sku: string | null, perDevice = true): Pax8ProductRef => ({ id, name, sku, vendorSku: null, perDevice });
const products = [
  product('edr', 'SentinelOne Singularity Complete (EDR)', 'S1-COMP-EP'),
  product('backup', 'Datto Endpoint Backup for PCs', 'DTO-EBPC'),
  product('m365', 'Microsoft 365 Business Premium', 'MST-M365-BP', false),
  product('av-1', 'Antivirus Plus', 'AV-1'),
  product('av-2', 'ANTIVIRUS PLUS', 'AV-2'),
];

describe('suggestPsaMappings', () => {
  it('suggests by SKU first, then by normalised name; only per-device products', () => {
    const items = [
      { id: 'i1', sku: 's1-comp-ep ', name: 'Whatever we call it' },
      { id: 'i2', sku: 'P1-BACKUP-9', name: 'DATTO ENDPOINT BACKUP FOR PCS' },
      { id: 'i3', sku: 'MST-M365-BP', name: 'Microsoft 365 Business Premium' },
      { id: 'i4', sku: null, name: 'Onsite support (hourly)' },
    ];
    expect(suggestPsaMappings(items, products, new Map()).map((m) => [m.itemId, m.pax8ProductId, m.state, m.reason])).toEqual([
      ['i1', 'edr', 'suggested', 'sku'], ['i2', 'backup', 'suggested', 'name'], ['i3', null, 'none', null], ['i4', null, 'none', null],
    ]);
  });

  it('an item that matches two products is suggested to neither: ambiguous, with both candidates', () => {
    const [m] = suggestPsaMappings([{ id: 'i5', sku: 'P1-AV', name: 'Antivirus plus' }], products, new Map());
    expect(m).toEqual({ itemId: 'i5', pax8ProductId: null, state: 'ambiguous', reason: null, candidates: ['av-1', 'av-2'] });
  });

  it("an admin's decision wins, including none; a decided product that is gone bills nothing", () => {
    const items = [{ id: 'i1', sku: 'S1-COMP-EP', name: 'x' }, { id: 'i5', sku: null, name: 'Antivirus plus' }, { id: 'i6', sku: null, name: 'y' }];
    const decisions = new Map<string, string | null>([['i1', null], ['i5', 'av-2'], ['i6', 'gone']]);
    expect(suggestPsaMappings(items, products, decisions).map((m) => [m.pax8ProductId, m.state, m.reason])).toEqual([
      [null, 'none', 'admin'], ['av-2', 'confirmed', 'admin'], [null, 'none', 'admin'],
    ]);
  });
});
