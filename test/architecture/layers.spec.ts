// The data path runs one way: integrations, settings and mapping feed snapshots, snapshots feed
// the reconciliation, and the reconciliation feeds the API and the worker. An import from a
// lower layer back up (or any production import of the simulators or the demo) fails here.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = resolve('src');

/** Folder under src/ -> layer; a file may import its own layer and the ones below it. */
const LAYERS: Record<string, number> = {
  common: 0, config: 0, database: 0, auth: 0, audit: 0, tenants: 0, outbound: 0,
  integrations: 1, settings: 1, mapping: 1,
  snapshots: 2,
  reconciliation: 3,
  sync: 4, gaps: 4, actions: 4, alerts: 4, qbr: 4, health: 4, plugin: 4, tools: 4, '.': 4,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const area = (file: string) => {
  const rel = relative(SRC, file);
  return rel.startsWith('..') ? `outside:${rel.split('/')[1] === undefined ? rel : rel.split('/')[1]}` : rel.includes('/') ? rel.split('/')[0] : '.';
};

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(file), m[1]));
}

describe('layering of src/', () => {
  const edges = files(SRC).flatMap((file) => imports(file).map((target) => ({ file, target })));

  it('has a layer for every folder', () => {
    const unknown = [...new Set(files(SRC).map(area))].filter((a) => !(a in LAYERS));
    expect(unknown).toEqual([]);
  });

  it('no import runs from a lower layer back up', () => {
    const upward = edges
      .filter(({ file, target }) => target.startsWith(SRC + '/') && LAYERS[area(target)] > LAYERS[area(file)])
      .map(({ file, target }) => `${relative('.', file)} -> ${relative('.', target)}`);
    expect(upward).toEqual([]);
  });

  it('production code imports nothing from simulators/, demo/, bench/ or test/', () => {
    const outside = edges
      .filter(({ target }) => /^(simulators|demo|bench|test)\//.test(relative('.', target)))
      .map(({ file, target }) => `${relative('.', file)} -> ${relative('.', target)}`);
    expect(outside).toEqual([]);
  });
});
