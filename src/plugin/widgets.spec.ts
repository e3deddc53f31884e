import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WIDGETS } from './plugin.service.js';

/** Every `billingone-*` element the bundle registers (the `b1r-*` ones are internal parts). */
function definedWidgets(dir = 'plugin-ui/src'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return definedWidgets(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/customElements\.define\('(billingone-[a-z-]+)'/g)].map((m) => m[1]);
  });
}

describe('the plugin manifest', () => {
  it('lists every widget the bundle defines, once, and nothing it does not', () => {
    expect(WIDGETS.map((w) => w.tag).sort()).toEqual([...new Set(definedWidgets())].sort());
  });

  it('names the approval queue "Pax8 changes" on the dashboard', () => {
    expect(WIDGETS.find((w) => w.tag === 'billingone-action-queue')).toMatchObject({ mount: 'dashboard', title: 'Pax8 changes' });
  });
});
