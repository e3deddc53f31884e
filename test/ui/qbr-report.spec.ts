// report.html in real Chromium, served by the real API with its security headers (CSP): it
// renders with its inline styles and SVG charts (no CSP violation, no request elsewhere), passes
// axe, prints to A4 and Letter, and a screenshot is kept in test-artifacts/screenshots/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { addOrganization, COMPANY, mapClient, pages, seedScenario, snapshots } from '../reconciliation/scenario.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { DESKTOP, launchBrowser, mountWidget, newPage, PHONE, screenshot, SCREENSHOT_DIR, seriousAxeViolations } from './browser.js';

let api: TestApi;
let browser: Browser;
let base: string;
let token: string;
const tenant = uniqueTenant('qbr-ui');

let host: Server;
let hostUrl: string;

beforeAll(async () => {
  // A PanelOne-like host page on another origin; the bundle and the data come from the real API.
  host = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
      <script type="module" src="${base}/plugin/billingone-reconcile.js"></script></head><body><main></main></body></html>`);
  });
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  api = await startTestApi({ env: { PANELONE_ORIGINS: hostUrl } });
  const devices = await seedScenario(api, tenant);
  await addOrganization(api, tenant, 'org-long', 'Ünïcödé Dental & Orthodontics of the Greater Metropolitan Area, Incorporated');
  await mapClient(api, tenant, 'org-long', COMPANY.beta);
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  await api.app.listen(0, '127.0.0.1');
  base = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
  token = await api.token(tenant, 'technician');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (host) await new Promise((r) => host.close(r));
  await api?.close();
});

/** The report as the API serves it; `forAxe` lets axe's injected script past the page's CSP (script-src 'self'). */
async function open(clientId: string, options: { viewport?: { width: number; height: number }; forAxe?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP, bypassCSP: options.forAxe ?? false, extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cspViolations: string[] = [];
  const elsewhere: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(`${base}/api/v1/reconciliation/clients/${clientId}/report.html`)) elsewhere.push(r.url()); });
  const res = await page.goto(`${base}/api/v1/reconciliation/clients/${clientId}/report.html`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
  return { context, page, errors, cspViolations, elsewhere };
}

describe('report.html in Chromium', () => {
  it('renders under the API\'s CSP, passes axe, and is kept as a screenshot', async () => {
    const { context, page, errors, cspViolations, elsewhere } = await open('org-beta');
    expect(await page.locator('h1').textContent()).toBe('Quarterly business review: Beta Dental');
    // The inline styles applied (CSP allows them): the totals are a grid of boxes, the charts drawn.
    expect(await page.locator('dl.totals').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('svg.chart path[stroke-dasharray]').count()).toBe(0); // one snapshot: markers only
    expect(await page.getByRole('img', { name: /SentinelOne Complete EDR: devices and licences/ }).count()).toBe(1);
    const shot = await screenshot(page, 'qbr-report-desktop');
    expect(shot).toContain('test-artifacts/screenshots/');
    expect({ errors, cspViolations, elsewhere }).toEqual({ errors: [], cspViolations: [], elsewhere: [] });
    await context.close();

    const forAxe = await open('org-beta', { forAxe: true });
    expect(await seriousAxeViolations(forAxe.page, 'body')).toEqual([]);
    await forAxe.context.close();
  });

  it('prints to A4 and to Letter, and reads on a phone', async () => {
    const { context, page } = await open('org-long', { viewport: PHONE, forAxe: true });
    expect(await seriousAxeViolations(page, 'body')).toEqual([]);
    // Nothing makes the page wider than the screen: long names wrap, a wide table scrolls in its own box.
    const wider = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`));
    expect(wider).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'qbr-report-phone');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const format of ['A4', 'Letter'] as const) {
      const pdf = await page.pdf({ format, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      writeFileSync(`${SCREENSHOT_DIR}qbr-report-print-${format.toLowerCase()}.pdf`, pdf);
    }
    await context.close();
  });
});

describe('the drill-down\'s QBR report button', () => {
  const today = () => new Date().toISOString().slice(0, 10);

  it('opens the printable report in a new tab and downloads the PDF, for the period chosen', async () => {
    const { context, page, errors } = await newPage(browser);
    await mountWidget(page, hostUrl, 'billingone-client-panel', { 'api-base': base, 'context-token': token, 'client-id': 'org-beta' }, '/');
    const box = page.locator('billingone-client-panel section.qbr');
    await box.waitFor();
    // Default: the last calendar quarter.
    const from = box.getByLabel('From');
    const to = box.getByLabel('To');
    const now = new Date();
    const quarterStart = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 - 3, 1)).toISOString().slice(0, 10);
    expect(await from.inputValue()).toBe(quarterStart);
    // That quarter has no snapshot yet (the only one is today's): said in words.
    await box.getByRole('button', { name: 'Download PDF' }).click();
    const status = box.getByRole('status');
    await status.filter({ hasText: 'Report failed' }).waitFor();
    expect(await status.textContent()).toMatch(/^Report failed: A snapshot of this client taken on or before \d{4}-\d{2}-\d{2} not found$/);
    await to.fill(today());
    await to.dispatchEvent('change');
    const [download] = await Promise.all([page.waitForEvent('download'), box.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(download.suggestedFilename()).toBe(`qbr-beta-dental-${quarterStart}-to-${today()}.pdf`);
    const [tab] = await Promise.all([context.waitForEvent('page'), box.getByRole('button', { name: 'Open printable report' }).click()]);
    await tab.waitForLoadState();
    await tab.locator('h1').waitFor();
    expect(await tab.locator('h1').textContent()).toBe('Quarterly business review: Beta Dental');
    expect(tab.url()).toMatch(/^blob:/);
    await status.filter({ hasText: 'Report opened in a new tab.' }).waitFor();
    await page.setViewportSize(DESKTOP);
    await box.scrollIntoViewIfNeeded();
    await box.screenshot({ path: `${SCREENSHOT_DIR}qbr-button-desktop.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is disabled for viewers, saying why', async () => {
    const viewer = await api.token(tenant, 'viewer');
    for (const [viewport, scheme] of [[DESKTOP, 'light'], [PHONE, 'dark']] as const) {
      const { context, page } = await newPage(browser, { viewport, colorScheme: scheme });
      await mountWidget(page, hostUrl, 'billingone-client-panel', { 'api-base': base, 'context-token': viewer, 'client-id': 'org-beta' }, '/');
      const button = page.locator('billingone-client-panel section.qbr').getByRole('button', { name: 'Download PDF' });
      await button.waitFor();
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toMatch(/technician/i);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.locator('billingone-client-panel section.qbr').screenshot({ path: `${SCREENSHOT_DIR}qbr-button-viewer-${scheme}-${viewport.width}.png` });
      await context.close();
    }
  });
});
