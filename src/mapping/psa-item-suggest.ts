// Which Pax8 product a PSA catalog item bills: the admin's decision where made, else a
// suggestion by SKU (the item's SKU equals the product's SKU or vendor SKU), else by normalised
// name (normaliseCompanyName: case, punctuation and spacing do not matter). A suggestion is made
// only when exactly one per-device product matches: when two do (the same SKU or name on two
// products), nothing is suggested and the candidates are listed for the admin to choose from.
// The mapping is a function: one item bills one Pax8 product (several items may bill the same
// one), so one item can never count on two products' lines.
import { normaliseCompanyName } from './company-name.js';

export interface PsaItem { id: string; sku: string | null; name: string }
export interface Pax8ProductRef { id: string; name: string; sku: string | null; vendorSku: string | null; perDevice: boolean }
/** An admin's decision: this product, or none (null). */
export type PsaItemDecision = string | null;

export type PsaItemState = 'confirmed' | 'suggested' | 'ambiguous' | 'none';
export interface PsaItemMapping {
  itemId: string;
  /** The product the item bills (confirmed, else suggested); null: none. */
  pax8ProductId: string | null;
  state: PsaItemState;
  /** sku | name for suggestions, admin for decisions, null otherwise. */
  reason: 'sku' | 'name' | 'admin' | null;
  /** For an ambiguous item: the products that matched equally (choose one). */
  candidates: string[];
}

const skuKey = (sku: string | null | undefined) => (sku ?? '').trim().toLowerCase();

export function suggestPsaMappings(items: PsaItem[], products: Pax8ProductRef[], decisions: ReadonlyMap<string, PsaItemDecision>): PsaItemMapping[] {
  const eligible = products.filter((p) => p.perDevice);
  const existing = new Set(products.map((p) => p.id));
  const bySku = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  const index = (map: Map<string, string[]>, key: string, id: string) => {
    if (!key) return;
    const list = map.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    map.set(key, list);
  };
  for (const p of eligible) {
    index(bySku, skuKey(p.sku), p.id);
    index(bySku, skuKey(p.vendorSku), p.id);
    index(byName, normaliseCompanyName(p.name), p.id);
  }
  return items.map((item): PsaItemMapping => {
    if (decisions.has(item.id)) {
      const decided = decisions.get(item.id) ?? null;
      // A decided product that is gone upstream bills nothing (and says so: none).
      const productId = decided !== null && existing.has(decided) ? decided : null;
      return { itemId: item.id, pax8ProductId: productId, state: productId ? 'confirmed' : 'none', reason: 'admin', candidates: [] };
    }
    for (const [reason, matches] of [['sku', bySku.get(skuKey(item.sku))], ['name', byName.get(normaliseCompanyName(item.name))]] as const) {
      if (!matches?.length) continue;
      if (matches.length === 1) return { itemId: item.id, pax8ProductId: matches[0], state: 'suggested', reason, candidates: [] };
      return { itemId: item.id, pax8ProductId: null, state: 'ambiguous', reason: null, candidates: [...matches].sort() };
    }
    return { itemId: item.id, pax8ProductId: null, state: 'none', reason: null, candidates: [] };
  });
}
