// The sync hub and the admin settings page in real Chromium against the fixture API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useFixtureStack } from './fixture-stack.js';
import { PHONE, mountWidget, newPage, screenshot, seriousAxeViolations, waitUntil } from './browser.js';

const SYNC = 'billingone-sync-tools';
const SETTINGS = 'billingone-settings';
const stack = useFixtureStack();

async function open(tag: string, viewport?: { width: number; height: number }) {
  const opened = await newPage(stack.browser, { viewport });
  await mountWidget(opened.page, stack.api.baseUrl, tag, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
  return opened;
}
const tool = (page: Page, label: string) => page.locator(`${SYNC} .tool`, { hasText: label });

describe('billingone-sync-tools', () => {
  it('runs a tool with a live progress bar and phase, then lists the result in recent runs', async () => {
    const { page, context } = await open(SYNC);
    await page.locator(`${SYNC} .empty`, { hasText: 'No runs yet' }).waitFor();
    const catalog = tool(page, 'Catalog sync');
    await catalog.locator('button').click();
    await waitUntil(() => catalog.locator('[role=progressbar]').getAttribute('aria-valuenow'), '33');
    await expect(catalog.locator('.run-phase').textContent()).resolves.toMatch(/Running · Reading devices · 1 of 3/);
    await catalog.locator('.run-phase', { hasText: 'Finished' }).waitFor({ timeout: 10000 });
    await page.locator(`${SYNC} table tbody tr`, { hasText: 'Catalog sync' }).waitFor();
    await expect(page.locator(`${SYNC} table tbody tr`).first().textContent()).resolves.toContain('Succeeded');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'sync-tools-desktop');
    await context.close();
  });

  it('shows a failed run with its readable error', async () => {
    stack.api.failingTools.add('sync-all');
    const { page, context } = await open(SYNC);
    const syncAll = tool(page, 'Sync All');
    await syncAll.locator('button').click();
    await syncAll.locator('.run-error', { hasText: 'PanelOne answered 503' }).waitFor({ timeout: 10000 });
    await context.close();
  });

  it('tells a viewer they need the technician role', async () => {
    stack.api.role = 'viewer';
    const { page, context } = await open(SYNC, PHONE);
    const snapshot = tool(page, 'Device snapshot');
    await snapshot.locator('button').click();
    await snapshot.locator('[role=alert]', { hasText: 'You need the technician role' }).waitFor();
    await screenshot(page, 'sync-tools-phone');
    await context.close();
  });
});

describe('billingone-settings', () => {
  it('shows integrations with status and last error, never prefills secrets, and tests a connection', async () => {
    const { page, context, errors } = await open(SETTINGS);
    const pax8 = page.locator(`${SETTINGS} b1r-integration-form form`, { hasText: 'Pax8 Partner API' });
    const panelOne = page.locator(`${SETTINGS} b1r-integration-form form`, { hasText: 'PanelOne RMM API' });
    await pax8.waitFor();
    expect(await pax8.locator('input[name=baseUrl]').inputValue()).toBe('https://api.pax8.com/v1');
    expect(await pax8.locator('input[name=clientSecret]').inputValue()).toBe('');
    await expect(pax8.locator('label[for=pax8-clientSecret]').textContent()).resolves.toContain('set');
    await expect(panelOne.textContent()).resolves.toContain('Last error: HTTP 429 from PanelOne');
    await pax8.locator('button', { hasText: 'Test connection' }).click();
    await pax8.locator('.test-result', { hasText: 'Connected: Authenticated; 14 companies visible (42 ms)' }).waitFor();
    await panelOne.locator('button', { hasText: 'Test connection' }).click();
    await panelOne.locator('.test-result', { hasText: 'Connection failed: PanelOne answered 401' }).waitFor();
    // Products, mapping and rules load beside the integrations.
    await page.locator(`${SETTINGS} b1r-product-mapping tbody tr`).first().waitFor();
    await page.locator(`${SETTINGS} b1r-client-mapping tbody tr`).first().waitFor();
    await page.locator(`${SETTINGS} b1r-counting-rules input#staleDays`).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'settings-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('saves an integration, sends a replaced secret once, and shows a 400 message near the form', async () => {
    const { page, context } = await open(SETTINGS);
    const panelOne = page.locator(`${SETTINGS} b1r-integration-form form`, { hasText: 'PanelOne RMM API' });
    await panelOne.waitFor();
    await panelOne.locator('input[name=baseUrl]').fill('ftp://rmm.example.net');
    await panelOne.locator('button', { hasText: 'Save' }).click();
    await panelOne.locator('.form-error', { hasText: 'baseUrl must be a URL address' }).waitFor();
    await panelOne.locator('input[name=baseUrl]').fill('https://rmm.example.net');
    await panelOne.locator('input[name=apiToken]').fill('secret-token-123');
    await panelOne.locator('button', { hasText: 'Save' }).click();
    await waitUntil(async () => stack.api.admin.integrations.find((item) => item.kind === 'panelone')!.config, { baseUrl: 'https://rmm.example.net', apiTokenSet: true });
    await panelOne.locator('label[for=panelone-apiToken] .badge.ok').waitFor();
    expect(await panelOne.locator('input[name=apiToken]').inputValue()).toBe('');
    await context.close();
  });

  it('confirms a suggested mapping, overrides another, and toggles a per-device product', async () => {
    const { page, context } = await open(SETTINGS);
    const suggested = page.locator(`${SETTINGS} b1r-client-mapping tbody tr`, { hasText: 'Northwind Logistics 002' });
    await suggested.locator('button', { hasText: 'Confirm' }).click();
    await suggested.locator('.badge', { hasText: 'confirmed' }).waitFor();
    const unmapped = page.locator(`${SETTINGS} b1r-client-mapping tbody tr`, { hasText: 'Contoso Builders 003' });
    await unmapped.locator('select').selectOption({ label: 'Contoso Construction' });
    await unmapped.locator('button', { hasText: 'Save' }).click();
    await unmapped.locator('.badge', { hasText: 'confirmed' }).waitFor();
    expect(stack.api.admin.mappings.items[2].pax8CompanyId).toBe('c-9');
    await page.locator(`${SETTINGS} b1r-product-mapping`).getByLabel('Acronis Cyber Protect').check();
    await waitUntil(async () => stack.api.admin.products.items[1].perDevice, true);
    await context.close();
  });

  it('saves counting rules and schedule', async () => {
    const { page, context } = await open(SETTINGS);
    const rules = page.locator(`${SETTINGS} b1r-counting-rules`);
    await rules.locator('input#staleDays').fill('45');
    await rules.getByLabel('Network device').check();
    await rules.locator('input#cron').fill('0 3 1 * *');
    await rules.locator('button', { hasText: 'Save rules' }).click();
    await rules.locator('[role=status]', { hasText: 'Saved' }).waitFor();
    expect(stack.api.admin.settings.staleDays).toBe(45);
    expect(stack.api.admin.settings.countedClasses).toContain('NETWORK_DEVICE');
    expect(stack.api.admin.settings.schedule.cron).toBe('0 3 1 * *');
    await context.close();
  });

  it('shows "Admins only" to a technician, and looks right on a phone', async () => {
    stack.api.role = 'technician';
    const { page, context } = await open(SETTINGS, PHONE);
    await page.locator(`${SETTINGS} [role=alert]`, { hasText: 'Admins only' }).waitFor();
    await context.close();
    stack.api.role = 'admin';
    const phone = await open(SETTINGS, PHONE);
    await phone.page.locator(`${SETTINGS} b1r-counting-rules input#staleDays`).waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'settings-phone');
    await phone.context.close();
  });
});
