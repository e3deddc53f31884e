// The client drill-down and the Home card in real Chromium against the fixture API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { useFixtureStack } from './fixture-stack.js';
import { HOSTILE_NAME } from './fixture-data.js';
import { PHONE, mountWidget, newPage, screenshot, seriousAxeViolations } from './browser.js';

const PANEL = 'billingone-client-panel';
const HOME = 'billingone-home-card';
const stack = useFixtureStack();

describe('billingone-client-panel', () => {
  it('shows devices vs licences, subscriptions with the Pax8 link, breakdown, contacts and an SVG trend', async () => {
    const client = stack.api.clients.find((row) => (row.variance ?? 0) > 0 && row.lineCount === 2)!;
    const { page, context, errors } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
    await page.locator(`${PANEL} h2`, { hasText: client.name }).waitFor();
    const figures = await page.locator(`${PANEL} .figure`).allTextContents();
    expect(figures.join(' ')).toContain(String(client.devices));
    expect(figures.join(' ')).toContain(`+${client.variance}`);
    const subscriptions = page.locator(`${PANEL} section`, { hasText: 'Pax8 subscriptions' });
    await expect(subscriptions.locator('tbody tr').count()).resolves.toBe(client.lines.length + 2);
    await expect(subscriptions.textContent()).resolves.toContain('Microsoft 365 Business Premium');
    expect(await subscriptions.locator('a', { hasText: 'Open subscriptions in Pax8' }).getAttribute('href')).toBe(`https://app.pax8.com/companies/${client.clientId}/subscriptions`);
    await expect(page.locator(`${PANEL} section`, { hasText: 'Product lines' }).locator('tbody tr').count()).resolves.toBe(2);
    await expect(page.locator(`${PANEL} section`, { hasText: 'Devices by class' }).textContent()).resolves.toMatch(/Windows workstation[\s\S]*Stale\s*3/);
    await expect(page.locator(`${PANEL} .action`).textContent()).resolves.toContain(`Raise SentinelOne Control by ${client.variance}`);
    await expect(page.locator(`${PANEL} .contacts`).textContent()).resolves.toContain('dana@example.com');
    const chart = page.locator(`${PANEL} svg[role=img]`);
    // Devices plus one series per product line (US English "licenses" everywhere).
    await expect(chart.locator('polyline').count()).resolves.toBe(1 + client.lines.length);
    await expect(chart.locator('desc').textContent()).resolves.toMatch(/9 snapshots .* Latest: \d+ devices; SentinelOne Control \d+ licenses, Acronis Cyber Protect \d+ licenses\./);
    await expect(page.locator(`${PANEL} figcaption`).textContent()).resolves.toMatch(/Devices\s*SentinelOne Control licenses\s*Acronis Cyber Protect licenses/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'client-panel-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the hostile name literally and works on a phone', async () => {
    const client = stack.api.clients.find((row) => row.name === HOSTILE_NAME)!;
    const { page, context } = await newPage(stack.browser, { viewport: PHONE });
    await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
    await page.locator(`${PANEL} h2`).waitFor();
    expect(await page.locator(`${PANEL} h2`).textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator(`${PANEL} img`).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'client-panel-phone');
    await context.close();
  });

  it('says "Client not found" for an unknown client', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': 'org-nope' });
    await page.locator(`${PANEL} .empty`, { hasText: 'Client not found' }).waitFor();
    await context.close();
  });
});

describe('billingone-home-card', () => {
  it('shows the under-licensed count, revenue at risk and the link to the full view', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, HOME, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', href: '/reconciliation' });
    const summary = stack.api.summary();
    await page.locator(`${HOME} .figure`).first().waitFor();
    const text = await page.locator(`${HOME} .figures`).textContent();
    expect(text).toContain(String(summary.underLicensed));
    expect(text).toContain(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(summary.revenueAtRisk.amount));
    expect(await page.locator(`${HOME} a.more`).getAttribute('href')).toBe('/reconciliation');
    expect(await page.locator(`${HOME} a.figure-link`).getAttribute('href')).toBe('/reconciliation?status=under-licensed');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'home-card-desktop');
    await context.close();
    const phone = await newPage(stack.browser, { viewport: PHONE, colorScheme: 'dark' });
    await mountWidget(phone.page, stack.api.baseUrl, HOME, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', href: '/reconciliation' });
    await phone.page.locator(`${HOME} .figure`).first().waitFor();
    expect(await seriousAxeViolations(phone.page)).toEqual([]);
    await screenshot(phone.page, 'home-card-phone-dark');
    await phone.context.close();
  });
});
