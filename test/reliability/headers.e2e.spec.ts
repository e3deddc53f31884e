// What test/foundation/http-hardening.e2e.spec.ts does not cover: helmet's headers on the widget
// bundle and manifest too (not only on the API), and CORS limited to PANELONE_ORIGINS on the bundle,
// the API and error answers alike. Needs the built bundle (`npx vite build --config plugin-ui/vite.config.ts`).
import { existsSync } from 'node:fs';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { summary } from './support.js';

const ALLOWED = ['https://panelone.example', 'https://eu.panelone.example'];
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ env: { PANELONE_ORIGINS: ALLOWED.join(',') } });
});
afterAll(() => api?.close());

function expectHelmet(headers: Record<string, string>, what: string): void {
  const missing = [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', undefined],
    ['strict-transport-security', undefined],
    ['referrer-policy', undefined],
    ['content-security-policy', "default-src 'self'"],
    ['cross-origin-opener-policy', undefined],
  ].filter(([name, contains]) => !headers[name!] || (contains && !headers[name!].includes(contains)));
  if (missing.length || headers['x-powered-by']) throw new Error(`${what}: missing ${missing.map((m) => m[0]).join(', ')}${headers['x-powered-by'] ? ' (and x-powered-by is set)' : ''}`);
}

it('the widget bundle and manifest carry the helmet headers, as JavaScript/JSON others may embed', async () => {
  expect(existsSync('dist/plugin/billingone-reconcile.js')).toBe(true);
  const bundle = await api.http.get('/plugin/billingone-reconcile.js').expect(200);
  expectHelmet(bundle.headers, 'bundle');
  expect(bundle.headers['content-type']).toMatch(/javascript/);
  expect(bundle.headers['cross-origin-resource-policy']).toBe('cross-origin');
  const manifest = await api.http.get('/plugin/manifest.json').expect(200);
  expectHelmet(manifest.headers, 'manifest');
  const error = await api.http.get('/api/v1/snapshots').expect(401);
  expectHelmet(error.headers, '401 answer');
});

it('CORS answers only the configured PanelOne origins: on the bundle, API calls, preflights and errors', async () => {
  const token = await api.token(uniqueTenant('cors'), 'viewer');
  const requests = [
    () => api.http.get('/plugin/billingone-reconcile.js'),
    () => api.http.get('/api/v1/snapshots').set('Authorization', `Bearer ${token}`),
    () => api.http.get('/api/v1/snapshots'),
    () => api.http.options('/api/v1/reconciliation/summary').set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization'),
    () => api.http.options('/api/v1/sync/sync-all').set('Access-Control-Request-Method', 'POST'),
  ];
  let checks = 0;
  for (const make of requests) {
    for (const origin of ALLOWED) {
      const res = await make().set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      checks++;
    }
    for (const origin of ['https://evil.example', 'https://panelone.example.evil.example', 'null', 'http://panelone.example']) {
      const res = await make().set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      checks++;
    }
  }
  summary('headers', { corsChecks: checks, allowedOrigins: ALLOWED.length });
});
