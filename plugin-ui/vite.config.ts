// Builds every widget into ONE self-contained ES module (lit bundled in) that PanelOne
// loads from /plugin/billingone-reconcile.js, then prints its gzipped size.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { reportSize } from './report-size.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pluginUi = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: pluginUi,
  publicDir: false,
  build: {
    outDir: `${repoRoot}dist/plugin`,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: `${pluginUi}src/index.ts`,
      formats: ['es'],
      fileName: () => 'billingone-reconcile.js',
    },
  },
  plugins: [
    {
      name: 'b1r-report-size',
      apply: 'build',
      closeBundle() {
        reportSize(`${repoRoot}dist/plugin/billingone-reconcile.js`);
      },
    },
  ],
});
