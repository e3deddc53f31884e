// Issue 13 behaviour in real Chromium against the fixture API: widgets follow a new
// reconciliation, roles, history, missed billing, per product, downloads, outage and no-token
// states; plus axe and screenshots of every view (desktop and phone, light and dark).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { useFixtureStack } from './fixture-stack.js';
import { fixtureToken } from './fixture-data.js';
import { DESKTOP, PHONE, mountWidget, newPage, screenshot, seriousAxeViolations, waitUntil } from './browser.js';

const W = 'billingone-reconciliation';
const stack = useFixtureStack();
const usd = (amount: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);

describe('issue 13 on the host page', () => {
  it('after Take snapshot every widget on the page shows the new snapshot', async () => {
    const { page, context } = await newPage(stack.browser);
    await page.goto(`${stack.api.baseUrl}/host/`);
    await page.locator(`${W} tbody tr.client-row`).first().waitFor();
    const before = stack.api.summary();
    await page.locator(`${W} .snapshot-bar button`, { hasText: 'Take snapshot' }).click();
    await page.locator(`${W} .snapshot-date time[datetime="2026-11-25T09:30:00.000Z"]`).waitFor({ timeout: 10000 });
    await page.locator('billingone-home-card .snapshot time[datetime="2026-11-25T09:30:00.000Z"]').waitFor();
    const after = stack.api.summary();
    expect(after.underLicensed).not.toBe(before.underLicensed);
    await waitUntil(async () => (await page.locator('billingone-home-card .figure .value').first().textContent())?.trim(), String(after.underLicensed));
    await expect(page.locator(`${W} button.card.under-licensed .card-count`).textContent()).resolves.toContain(String(after.underLicensed));
    await expect(page.locator(`${W} .snapshot-run [role=status]`).textContent()).resolves.toMatch(/Finished\. 1,234 devices read, 412 clients reconciled\./);
    await context.close();
  });

  it('the Home card count opens the list filtered to under-licensed; a drill-down updates the client picker', async () => {
    const { page, context } = await newPage(stack.browser);
    await page.goto(`${stack.api.baseUrl}/host/`);
    await page.locator('billingone-home-card a.figure-link').click();
    await page.locator(`${W} button.card.under-licensed[aria-pressed=true]`).waitFor();
    const rows = page.locator(`${W} tbody tr.client-row`);
    await page.locator(`${W} .pager`, { hasText: `of ${stack.api.summary().underLicensed}` }).waitFor();
    for (const [index, row] of [0, 1].entries()) {
      const target = rows.nth(row);
      const id = await target.getAttribute('data-client-id');
      expect(await target.locator('a.client-name').getAttribute('href')).toBe(`#client/${id}`);
      await target.locator('a.client-name').click();
      await page.waitForURL(`**/host/#client/${id}`);
      await waitUntil(() => page.locator('#client-select').inputValue(), id);
      if (index === 0) await page.goBack();
    }
    await context.close();
  });

  it('a viewer sees no action it cannot take, and nothing calls /integrations', async () => {
    const { page, context } = await newPage(stack.browser);
    await page.goto(`${stack.api.baseUrl}/host/`);
    await page.locator('#role').selectOption('viewer');
    await waitUntil(async () => (await page.locator('#token-status').textContent())?.startsWith('Token (viewer)'), true);
    await page.locator(`${W} tbody tr.client-row`).first().waitFor();
    expect(await page.locator(`${W} button`, { hasText: 'Take snapshot' }).isDisabled()).toBe(true);
    expect(await page.locator(`${W} button`, { hasText: 'Export CSV' }).isDisabled()).toBe(true);
    await expect(page.locator(`${W} .reason`).textContent()).resolves.toContain('Needs the technician role');
    await page.locator('nav a', { hasText: 'Sync' }).click();
    const buttons = page.locator('billingone-sync-tools .tool button');
    await buttons.first().waitFor();
    expect(await buttons.evaluateAll((all) => all.every((button) => (button as HTMLButtonElement).disabled))).toBe(true);
    await page.locator('nav a', { hasText: 'Settings' }).click();
    await page.locator('billingone-settings [role=alert]', { hasText: 'Admins only' }).waitFor();
    const viewerToken = await page.locator('billingone-settings').getAttribute('context-token');
    expect(stack.api.apiRequests().filter((request) => request.authorization === `Bearer ${viewerToken}`).length).toBeGreaterThan(0);
    expect(stack.api.apiRequests('/integrations').filter((request) => request.authorization === `Bearer ${viewerToken}`)).toEqual([]);
    await context.close();
  });
});

describe('issue 13 widgets', () => {
  it('the snapshot picker shows an earlier snapshot as history, and goes back to latest', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, W, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    const picker = page.locator(`${W} b1r-history-picker select#snapshot`);
    await page.locator(`${W} b1r-history-picker select#snapshot option`, { hasText: 'Sep 1' }).waitFor({ state: 'attached' });
    await picker.selectOption('snap-4');
    const banner = page.locator(`${W} .history`);
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(/Showing the snapshot of Sep 1, 2026.*version 1 — not the latest/s);
    const history = stack.api.summary(new URLSearchParams({ snapshotId: 'snap-4' }));
    await page.locator(`${W} button.card.under-licensed .card-money`, { hasText: usd(history.revenueAtRisk.amount) }).waitFor();
    expect(stack.api.apiRequests('/reconciliation/clients?').at(-1)!.path).toContain('snapshotId=snap-4');
    await screenshot(page, 'dashboard-history-desktop');
    await banner.locator('button', { hasText: 'Back to latest' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.locator(`${W} button.card.under-licensed .card-money`, { hasText: usd(stack.api.summary().revenueAtRisk.amount) }).waitFor();
    // The latest snapshot's earlier version is readable too.
    await page.locator(`${W} b1r-history-picker select#version`).selectOption({ label: 'Version 1 · Snapshot taken' });
    await page.locator(`${W} .history`, { hasText: 'version 1 — not the latest' }).waitFor();
    await context.close();
  });

  it('missed billing lists the open gaps, largest money first, with since and total = sum', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, 'billingone-missed-billing', { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    const rows = page.locator('billingone-missed-billing tbody tr.gap');
    await rows.first().waitFor();
    const expected = stack.api.missedBilling();
    expect(await rows.count()).toBe(expected.length);
    const amounts = await rows.locator('td.risk').allTextContents();
    const values = amounts.map((text) => (/\$([\d,]+\.\d\d)/.exec(text) ? Number(/\$([\d,]+\.\d\d)/.exec(text)![1].replace(/,/g, '')) : -1));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(amounts.at(-1)).toMatch(/\d+ seats? with no price/);
    await expect(rows.first().locator('td.since').textContent()).resolves.toMatch(/since \w+ \d+, 2026\d+ snapshots?/);
    const total = expected.reduce((sum, item) => sum + Math.round((item.revenueAtRisk?.amount ?? 0) * 100), 0);
    await expect(page.locator('billingone-missed-billing .total-risk').textContent()).resolves.toContain(usd(total / 100));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('the per-product view says "EDR: +N seats" and shows under and over seats apart', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, 'billingone-products', { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    const first = page.locator('billingone-products .headline').first();
    await first.waitFor();
    const [edr] = stack.api.products();
    await expect(first.textContent()).resolves.toMatch(new RegExp(`${edr.productName}:\\s*${edr.variance > 0 ? '\\+' : '−'}${Math.abs(edr.variance).toLocaleString('en-US')} seats`));
    const row = page.locator(`billingone-products tr[data-product-id="${edr.productId}"]`);
    await expect(row.locator('td.under').textContent()).resolves.toBe(edr.underSeats.toLocaleString('en-US'));
    await expect(row.locator('td.over').textContent()).resolves.toBe(edr.overSeats.toLocaleString('en-US'));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('"Billing snapshot" downloads the CSV with the token (blob), under the server name', async () => {
    const client = stack.api.clients[0];
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, 'billingone-client-panel', { 'api-base': stack.api.baseUrl, 'context-token': 'tok-9', 'client-id': client.clientId });
    const button = page.locator('billingone-client-panel button', { hasText: 'Download billing snapshot' });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe(`billing-snapshot-${client.clientId}-2026-11-24.csv`);
    expect(readFileSync(await download.path(), 'utf8')).toContain('SentinelOne Control');
    expect(stack.api.apiRequests(`/reconciliation/clients/${client.clientId}/export.csv`).at(-1)!.authorization).toBe('Bearer tok-9');
    await context.close();
  });

  it('outage, no token and a failed status poll each look like what they are', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, W, { 'api-base': 'http://127.0.0.1:9', 'context-token': 'tok-1' });
    await page.locator(`${W} [role=alert]`, { hasText: "Can't reach BillingOne Reconcile" }).waitFor();
    expect(await page.locator(`${W}`).textContent()).not.toContain('No snapshot yet');
    expect(await page.locator(`${W} button`, { hasText: 'Take snapshot' }).isDisabled()).toBe(true);
    await mountWidget(page, stack.api.baseUrl, 'billingone-client-panel', { 'api-base': stack.api.baseUrl, 'client-id': 'org-0001' });
    await page.locator('billingone-client-panel', { hasText: 'Not signed in' }).waitFor();
    await mountWidget(page, stack.api.baseUrl, W, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    await page.locator(`${W} tbody tr.client-row`).first().waitFor();
    stack.api.failNext('/sync/runs/', 503, 2, 'Gateway timeout');
    await page.locator(`${W} button`, { hasText: 'Take snapshot' }).click();
    await page.locator(`${W} .run-phase`, { hasText: 'Lost contact' }).waitFor({ timeout: 10000 });
    expect(await page.locator(`${W} button`, { hasText: 'Taking snapshot…' }).isDisabled()).toBe(true);
    await page.locator(`${W} .run-phase`, { hasText: 'Finished' }).waitFor({ timeout: 15000 });
    await context.close();
  });
});

const VIEWS: { name: string; hash: string; ready: string }[] = [
  { name: 'dashboard', hash: '#dashboard', ready: `${W} tbody tr.client-row` },
  { name: 'client', hash: '#client/org-0011', ready: 'billingone-client-panel figure.trend svg' },
  { name: 'missed-billing', hash: '#missed-billing', ready: 'billingone-missed-billing tbody tr' },
  { name: 'products', hash: '#products', ready: 'billingone-products tbody tr' },
  { name: 'settings', hash: '#settings', ready: 'billingone-settings b1r-counting-rules input#staleDays' },
];

describe('issue 13 screenshots and axe', () => {
  for (const view of VIEWS) {
    it(`${view.name}: no serious axe finding, desktop and phone, light and dark`, async () => {
      for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', PHONE]] as const) {
        for (const scheme of ['light', 'dark'] as const) {
          const { page, context, errors } = await newPage(stack.browser, { viewport: viewport ?? DESKTOP, colorScheme: scheme });
          await page.goto(`${stack.api.baseUrl}/host/${view.hash}`);
          if (scheme === 'dark') await page.locator('#theme-toggle').click();
          await page.locator(view.ready).first().waitFor();
          if (view.name === 'dashboard') await page.locator(`${W} button.lines-toggle`).first().click();
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
          expect(await seriousAxeViolations(page, 'body')).toEqual([]);
          await screenshot(page, `${view.name}-${size}-${scheme}`);
          expect(errors).toEqual([]);
          await context.close();
        }
      }
    });
  }
});
