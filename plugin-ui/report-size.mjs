// Prints the bundle's raw and gzipped size and fails the build above the 60 KB budget.
// Usable on its own: `node plugin-ui/report-size.mjs [path]`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_GZIP_BYTES = 60 * 1024;

export function reportSize(path) {
  const raw = readFileSync(path);
  const gzipped = gzipSync(raw, { level: 9 }).length;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`billingone-reconcile.js: ${kb(raw.length)} raw, ${kb(gzipped)} gzipped (budget ${kb(BUDGET_GZIP_BYTES)})`);
  if (gzipped > BUDGET_GZIP_BYTES) {
    throw new Error(`Widget bundle is ${kb(gzipped)} gzipped, over the ${kb(BUDGET_GZIP_BYTES)} budget`);
  }
  return gzipped;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  reportSize(process.argv[2] ?? fileURLToPath(new URL('../dist/plugin/billingone-reconcile.js', import.meta.url)));
}
