// The dashboard widget in real Chromium against the fixture API: what a person sees and does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { useFixtureStack } from './fixture-stack.js';
import { CLIENT_COUNT, HOSTILE_NAME } from './fixture-data.js';
import { PHONE, waitUntil, mountWidget, newPage, screenshot, seriousAxeViolations, setAttribute } from './browser.js';

const TAG = 'billingone-reconciliation';
const stack = useFixtureStack();

async function open(options: { token?: string; viewport?: { width: number; height: number } } = {}) {
  const { page, context, errors } = await newPage(stack.browser, { viewport: options.viewport });
  await mountWidget(page, stack.api.baseUrl, TAG, { 'api-base': stack.api.baseUrl, 'context-token': options.token ?? 'tok-1' });
  return { page, context, errors };
}

const rows = (page: Page) => page.locator(`${TAG} tbody tr.client-row`);
const usd = (amount: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);
const card = (page: Page, name: string) => page.locator(`${TAG} button.card`, { hasText: name });
async function rowNames(page: Page): Promise<string[]> {
  return rows(page).locator('.client-name').allTextContents();
}

describe('billingone-reconciliation', () => {
  it('shows the three cards with counts and money, and the first page of clients', async () => {
    const { page, context, errors } = await open();
    const summary = stack.api.summary();
    await expect(card(page, 'Under-licensed').textContent()).resolves.toContain(String(summary.underLicensed));
    await expect(card(page, 'Under-licensed').textContent()).resolves.toContain(usd(summary.revenueAtRisk.amount));
    await expect(card(page, 'Over-licensed').textContent()).resolves.toContain(usd(summary.overspend.amount));
    await expect(card(page, 'Properly licensed').textContent()).resolves.toContain(String(summary.matched));
    await rows(page).first().waitFor();
    expect(await rows(page).count()).toBe(25);
    await expect(page.locator(`${TAG} .pager`).textContent()).resolves.toContain(`1–25 of ${CLIENT_COUNT}`);
    await expect(page.locator(`${TAG} .snapshot-date`).textContent()).resolves.toContain('2026');
    // Sorted by variance descending by default: the first row is under-licensed, shown "+N" in the under colour.
    const firstVariance = rows(page).first().locator('td.variance');
    await expect(firstVariance.textContent()).resolves.toMatch(/^\+\d+$/);
    expect(await firstVariance.getAttribute('class')).toContain('tone-under');
    await screenshot(page, 'reconciliation-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('clicking Under-licensed filters the list to exactly the under rows; clicking again clears', async () => {
    const { page, context } = await open();
    const under = card(page, 'Under-licensed');
    await under.click();
    expect(await under.getAttribute('aria-pressed')).toBe('true');
    const expected = stack.api.summary().underLicensed;
    await page.locator(`${TAG} .pager`, { hasText: `of ${expected}` }).waitFor();
    const statuses = await rows(page).locator('.status').allTextContents();
    expect(new Set(statuses)).toEqual(new Set(['Under-licensed']));
    expect(stack.api.apiRequests('/reconciliation/clients?').at(-1)!.path).toContain('status=under-licensed');
    await under.click();
    expect(await under.getAttribute('aria-pressed')).toBe('false');
    await page.locator(`${TAG} .pager`, { hasText: `of ${CLIENT_COUNT}` }).waitFor();
    await context.close();
  });

  it('search is debounced and filters by name; sort headers order the rows and set aria-sort', async () => {
    const { page, context } = await open();
    await rows(page).first().waitFor();
    const before = stack.api.apiRequests('/reconciliation/clients?').length;
    await page.locator(`${TAG} input[type=search]`).pressSequentially('wonka', { delay: 20 });
    const wonka = stack.api.clients.filter((client) => client.name.toLowerCase().includes('wonka')).map((client) => client.name);
    await page.locator(`${TAG} .pager`, { hasText: `1–${wonka.length} of ${wonka.length}` }).waitFor();
    expect(stack.api.apiRequests('/reconciliation/clients?').length).toBe(before + 1); // one request for five keystrokes
    for (const name of await rowNames(page)) expect(name.toLowerCase()).toContain('wonka');

    const clientHeader = page.locator(`${TAG} thead th`, { hasText: 'Client' });
    await clientHeader.locator('button').click();
    await waitUntil(() => clientHeader.getAttribute('aria-sort'), 'ascending');
    const ascending = [...wonka].sort((a, b) => a.localeCompare(b));
    await waitUntil(() => rowNames(page), ascending);
    await clientHeader.locator('button').click();
    await waitUntil(() => clientHeader.getAttribute('aria-sort'), 'descending');
    await waitUntil(() => rowNames(page), [...ascending].reverse());
    await context.close();
  });

  it('pages with Next and Previous', async () => {
    const { page, context } = await open();
    await rows(page).first().waitFor();
    await page.locator(`${TAG} button`, { hasText: 'Next' }).click();
    await page.locator(`${TAG} .pager`, { hasText: `26–50 of ${CLIENT_COUNT}` }).waitFor();
    await page.locator(`${TAG} button`, { hasText: 'Previous' }).click();
    await page.locator(`${TAG} .pager`, { hasText: `1–25 of ${CLIENT_COUNT}` }).waitFor();
    await context.close();
  });

  it('Export CSV downloads the filtered rows under the server file name, with the bearer token', async () => {
    const { page, context } = await open();
    await card(page, 'Over-licensed').click();
    await page.locator(`${TAG} .pager`, { hasText: `of ${stack.api.summary().overLicensed}` }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${TAG} button`, { hasText: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('reconciliation-over-licensed-2026-11-25.csv'); // the name follows the filter
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(stack.api.summary().overLicensed + 1);
    expect(csv.slice(1).every((line) => line.includes(',Over-licensed,'))).toBe(true);
    const request = stack.api.apiRequests('/reconciliation/export.csv').at(-1)!;
    expect(request.path).toContain('status=over-licensed');
    expect(request.authorization).toBe('Bearer tok-1');
    await context.close();
  });

  it('Take snapshot shows a progress bar, then the new snapshot date, and reloads the data', async () => {
    const { page, context } = await open();
    await rows(page).first().waitFor();
    await page.locator(`${TAG} button`, { hasText: 'Take snapshot' }).click();
    const bar = page.locator(`${TAG} [role=progressbar]`);
    await bar.waitFor();
    await waitUntil(() => bar.getAttribute('aria-valuenow'), '33');
    await screenshot(page, 'reconciliation-snapshot-running');
    await page.locator(`${TAG} .snapshot-date`, { hasText: 'Nov 25, 2026' }).waitFor({ timeout: 10000 });
    expect(stack.api.apiRequests('/sync/runs/').length).toBe(3);
    expect(stack.api.apiRequests('/reconciliation/summary').length).toBe(2);
    await context.close();
  });

  it('uses a token set later by the host for later requests', async () => {
    stack.api.acceptedTokens = new Set(['tok-1', 'tok-2']);
    const { page, context } = await open();
    await rows(page).first().waitFor();
    await setAttribute(page, TAG, 'context-token', 'tok-2');
    await page.locator(`${TAG} button`, { hasText: 'Next' }).click();
    await page.locator(`${TAG} .pager`, { hasText: '26–50' }).waitFor();
    expect(stack.api.apiRequests('/reconciliation/clients?').at(-1)!.authorization).toBe('Bearer tok-2');
    await context.close();
  });

  it('a 401 shows "Session expired", and a fresh token from the host recovers', async () => {
    stack.api.acceptedTokens = new Set(['tok-fresh']);
    const { page, context } = await open({ token: 'tok-stale' });
    await page.locator(`${TAG} [role=alert]`, { hasText: 'Session expired' }).waitFor();
    await setAttribute(page, TAG, 'context-token', 'tok-fresh');
    await rows(page).first().waitFor();
    await context.close();
  });

  it('a 500 shows the server message readably, and Retry loads the data', async () => {
    stack.api.failNext('/reconciliation/summary', 500, 1, 'Database is not reachable right now');
    const { page, context } = await open();
    const alert = page.locator(`${TAG} [role=alert]`);
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Database is not reachable right now');
    await expect(alert.textContent()).resolves.toContain('Reference: corr-500');
    await alert.locator('button', { hasText: 'Retry' }).click();
    await rows(page).first().waitFor();
    expect(await page.locator(`${TAG} [role=alert]`).count()).toBe(0);
    await context.close();
  });

  it('renders a hostile client name literally, without creating an img element', async () => {
    const { page, context, errors } = await open();
    await page.locator(`${TAG} input[type=search]`).fill('onerror');
    await page.locator(`${TAG} .pager`, { hasText: '1–1 of 1' }).waitFor();
    expect(await rowNames(page)).toEqual([HOSTILE_NAME]);
    expect(await page.locator(`${TAG} img`).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('emits b1r-client-select from a click and from Enter on a focused row', async () => {
    const { page, context } = await open();
    await rows(page).first().waitFor();
    await page.evaluate(() => {
      (window as unknown as { selected: string[] }).selected = [];
      document.addEventListener('b1r-client-select', (event) => (window as unknown as { selected: string[] }).selected.push((event as CustomEvent<{ clientId: string }>).detail.clientId));
    });
    const firstId = await rows(page).first().getAttribute('data-client-id');
    await rows(page).first().click();
    await rows(page).nth(1).locator('a.client-name').focus(); // rows are real links
    await page.keyboard.press('Enter');
    const secondId = await rows(page).nth(1).getAttribute('data-client-id');
    expect(await page.evaluate(() => (window as unknown as { selected: string[] }).selected)).toEqual([firstId, secondId]);
    await context.close();
  });

  it('shows a new tenant what to do when there is no snapshot yet', async () => {
    stack.api.snapshot = null;
    const { page, context } = await open();
    await page.locator(`${TAG} .empty`, { hasText: 'No reconciliation yet' }).waitFor();
    await expect(page.locator(`${TAG} .empty`).textContent()).resolves.toContain('Sync All');
    await screenshot(page, 'reconciliation-empty');
    await context.close();
  });

  it('on a 390px-wide phone shows the same rows as stacked, readable cards', async () => {
    const { page, context } = await open({ viewport: PHONE });
    await rows(page).first().waitFor();
    expect(await rows(page).count()).toBe(25);
    const box = await rows(page).first().boundingBox();
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(PHONE.width);
    const display = await rows(page).first().evaluate((row) => getComputedStyle(row).display);
    expect(display).toBe('grid');
    await rows(page).first().tap();
    await screenshot(page, 'reconciliation-phone');
    await context.close();
  });

  it('has no serious or critical axe violations, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, context } = await newPage(stack.browser, { colorScheme });
      await mountWidget(page, stack.api.baseUrl, TAG, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
      await rows(page).first().waitFor();
      await card(page, 'Under-licensed').click();
      await page.locator(`${TAG} .pager`, { hasText: `of ${stack.api.summary().underLicensed}` }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (colorScheme === 'dark') await screenshot(page, 'reconciliation-dark');
      await context.close();
    }
  });
});
