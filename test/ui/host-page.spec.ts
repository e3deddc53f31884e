// The demo host page (plugin-ui/host) playing PanelOne: token hand-off, navigation, theme.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { useFixtureStack } from './fixture-stack.js';
import { PHONE, newPage, screenshot, seriousAxeViolations } from './browser.js';

const stack = useFixtureStack({ resetEachTest: false });

describe('demo host page', () => {
  it('hands a context token to every widget, and a selected row opens the client page', async () => {
    const { page, context, errors } = await newPage(stack.browser);
    await page.goto(`${stack.api.baseUrl}/host/`);
    await page.locator('billingone-reconciliation tbody tr').first().waitFor();
    const token = await page.locator('billingone-sync-tools').getAttribute('context-token');
    expect(JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString()).roles).toEqual(['admin']);
    expect(await page.locator('billingone-settings').getAttribute('api-base')).toBe(stack.api.baseUrl);
    expect(stack.api.apiRequests('/reconciliation/summary').at(-1)!.authorization).toBe(`Bearer ${token}`);
    await screenshot(page, 'host-dashboard');
    const row = page.locator('billingone-reconciliation tbody tr').first();
    const clientId = await row.getAttribute('data-client-id');
    await row.click();
    await page.waitForURL(`**/host/#client/${clientId}`);
    await page.locator('billingone-client-panel svg[role=img]').waitFor();
    expect(await page.locator('billingone-client-panel').getAttribute('client-id')).toBe(clientId);
    expect(await page.locator('#client-select').inputValue()).toBe(clientId);
    await page.locator('#theme-toggle').click();
    await page.locator('nav a', { hasText: 'Settings' }).click();
    await page.locator('billingone-settings b1r-counting-rules input#staleDays').waitFor();
    expect(await seriousAxeViolations(page, 'body')).toEqual([]);
    await screenshot(page, 'host-settings-dark');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works on a phone', async () => {
    const { page, context } = await newPage(stack.browser, { viewport: PHONE, colorScheme: 'dark' });
    await page.goto(`${stack.api.baseUrl}/host/#sync`);
    await page.locator('billingone-sync-tools .tool').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.locator('nav a', { hasText: 'Dashboard' }).tap();
    await page.locator('billingone-reconciliation tbody tr').first().tap();
    await page.locator('billingone-client-panel h2').waitFor();
    await screenshot(page, 'host-client-phone-dark');
    await context.close();
  });
});
