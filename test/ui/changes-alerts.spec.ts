// Issue 17 in real Chromium against the fixture API: the drill-down's "Since <previous
// snapshot>" line with the changed devices a click away, the dashboard's mark on clients whose
// status changed, and the settings screen for alert channels and their delivery log.
import { describe, expect, it } from '@jest/globals';
import { useFixtureStack } from './fixture-stack.js';
import { DESKTOP, PHONE, mountWidget, newPage, screenshot, seriousAxeViolations, waitUntil } from './browser.js';

const PANEL = 'billingone-client-panel';
const LIST = 'billingone-reconciliation';
const SETTINGS = 'billingone-settings';
const stack = useFixtureStack();

describe('what changed since the previous snapshot', () => {
  it('the drill-down says "Since <date>: +3 devices, −1 (2 changed)" and shows the device rows on a click', async () => {
    const client = stack.api.clients[0];
    const { page, context, errors } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
    const since = page.locator(`${PANEL} .since`);
    await since.waitFor();
    const previous = stack.api.snapshotList()[1];
    const day = new Date(previous.takenAt).toLocaleDateString('en-US', { dateStyle: 'medium' });
    expect((await since.textContent())!.replace(/\s+/g, ' ')).toContain(`Since ${day}: +3 devices, \u22121 (2 changed)`);
    const toggle = since.getByRole('button', { name: 'Show devices' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator(`${PANEL} table.changes`).count()).toBe(0);
    await toggle.click();
    const rows = page.locator(`${PANEL} table.changes tbody tr`);
    await rows.first().waitFor();
    expect(await rows.count()).toBe(6);
    expect(await since.getByRole('button', { name: 'Hide devices' }).getAttribute('aria-expanded')).toBe('true');
    expect((await rows.nth(3).textContent())!.replace(/\s+/g, ' ')).toMatch(/ws-01\.corp\.example.*Changed.*Counted.*Not counted: Stale/);
    expect((await rows.nth(5).textContent())!.replace(/\s+/g, ' ')).toMatch(/ws-099\.corp\.example.*Removed.*Counted.*—/);
    // The request asked for this client only, on the snapshot shown.
    expect(stack.api.apiRequests(`/snapshots/${stack.api.snapshot!.id}/changes`).length).toBeGreaterThan(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'client-changes-desktop');
    expect(errors).toEqual([]);
    await context.close();

    for (const [name, viewport, colorScheme] of [['phone-light', PHONE, 'light'], ['phone-dark', PHONE, 'dark'], ['desktop-dark', DESKTOP, 'dark']] as const) {
      const other = await newPage(stack.browser, { viewport, colorScheme });
      await mountWidget(other.page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
      await other.page.locator(`${PANEL} .since`).getByRole('button', { name: 'Show devices' }).click();
      await other.page.locator(`${PANEL} table.changes tbody tr`).first().waitFor();
      expect(await other.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(await seriousAxeViolations(other.page)).toEqual([]);
      await screenshot(other.page, `client-changes-${name}`);
      await other.context.close();
    }
  });

  it('says so when no device changed, and says nothing for the first snapshot (none before it)', async () => {
    stack.api.changeCounts = { added: 0, removed: 0, changed: 0 };
    const client = stack.api.clients[1];
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
    await page.locator(`${PANEL} .since`, { hasText: 'no device changes' }).waitFor();
    expect(await page.locator(`${PANEL} .since button`).count()).toBe(0);
    await context.close();

    const first = stack.api.snapshotList().at(-1)!;
    const old = await newPage(stack.browser);
    await mountWidget(old.page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId, 'snapshot-id': first.id });
    await old.page.locator(`${PANEL} h2`).waitFor();
    // The answer (no earlier snapshot) has come once the request was made and the widget rendered again.
    await waitUntil(async () => stack.api.apiRequests(`/snapshots/${first.id}/changes`).length > 0, true);
    await old.page.waitForTimeout(300);
    expect(await old.page.locator(`${PANEL} .since`).count()).toBe(0);
    await old.context.close();
  });

  it('after retention deleted the device rows, the drill-down says so plainly (a 410 is not a failed load)', async () => {
    stack.api.changesGone = 'The device rows of the snapshot of 2026-01-05 were deleted by the retention setting, so what changed cannot be shown; its counts and reconciliation are kept';
    const client = stack.api.clients[0];
    for (const [name, viewport, colorScheme] of [['desktop-light', DESKTOP, 'light'], ['phone-dark', PHONE, 'dark']] as const) {
      const { page, context, errors } = await newPage(stack.browser, { viewport, colorScheme });
      await mountWidget(page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
      const since = page.locator(`${PANEL} .since`);
      await since.waitFor();
      const text = (await since.textContent())!.replace(/\s+/g, ' ').trim();
      expect(text).toBe(`${stack.api.changesGone}.`);
      expect(await since.getByRole('button').count()).toBe(0);
      // The rest of the drill-down is there: its figures do not depend on the device rows.
      await page.locator(`${PANEL} h2`).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `client-changes-gone-${name}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('the dashboard marks the clients whose status changed since the previous snapshot', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, LIST, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    await page.locator(`${LIST} .client-row`).first().waitFor();
    const marks = page.locator(`${LIST} .status-changed`);
    await marks.first().waitFor();
    const shown = await page.locator(`${LIST} .client-row`).evaluateAll((rows) => rows.map((r) => ({
      id: r.getAttribute('data-client-id'), mark: r.querySelector('.status-changed')?.textContent?.trim() ?? null,
    })));
    const expected = shown.map(({ id }) => {
      const row = stack.api.clients.find((c) => c.clientId === id)!;
      const previous = stack.api.previousStatus(row);
      return { id, marked: previous !== null && previous !== row.status };
    });
    expect(shown.map(({ id, mark }) => ({ id, marked: mark !== null }))).toEqual(expected);
    expect(expected.some((e) => e.marked)).toBe(true);
    expect(shown.find((s) => s.mark)!.mark).toMatch(/^Status changed · was (Properly licensed|Under-licensed)$/);
    await context.close();
  });
});

describe('alert channels in the settings', () => {
  /** The settings widget alone, or (onHost) on the demo host page, in its light or dark theme. */
  async function openSettings(viewport?: { width: number; height: number }, colorScheme: 'light' | 'dark' = 'light', onHost = false) {
    const opened = await newPage(stack.browser, { viewport, colorScheme });
    if (onHost) {
      await opened.page.goto(`${stack.api.baseUrl}/host/#settings`);
      if (colorScheme === 'dark') await opened.page.locator('#theme-toggle').click();
    }
    else await mountWidget(opened.page, stack.api.baseUrl, SETTINGS, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    const panel = opened.page.locator(`${SETTINGS} b1r-alert-channels section`);
    await panel.locator('.channel').first().waitFor();
    return { ...opened, panel };
  }

  it('lists the channels and the delivery log, adds a webhook (its secret write-only), refuses a bad URL, tests, disables and deletes', async () => {
    const { page, context, errors, panel } = await openSettings();
    expect(await panel.locator('.channel').count()).toBe(2);
    await expect(panel.locator('.channel', { hasText: 'Billing team' }).textContent()).resolves.toMatch(/Email[\s\S]*Disabled[\s\S]*billing@msp\.example, lead@msp\.example/);
    const log = panel.locator('table.deliveries tbody tr');
    expect(await log.count()).toBe(2);
    expect((await log.first().textContent())!.replace(/\s+/g, ' ')).toMatch(/Ops webhook.*2 new, 1 worsened, 3 closed.*Retrying.*2 attempts.*HTTP 503.*Next try/);
    await screenshot(page, 'alert-channels-desktop');

    await panel.getByRole('button', { name: 'Add webhook' }).click();
    await panel.getByLabel('Name').fill('Finance hook');
    await panel.getByLabel('URL (https)').fill('http://hooks.finance.example/b1r');
    await panel.getByLabel(/Signing secret/).fill('a-long-enough-secret-0001');
    await panel.getByRole('button', { name: 'Save channel' }).click();
    await panel.locator('.form-error', { hasText: 'only https is allowed' }).waitFor();
    await panel.getByLabel('URL (https)').fill('https://hooks.finance.example/b1r');
    await panel.getByRole('button', { name: 'Save channel' }).click();
    await panel.locator('.channel', { hasText: 'Finance hook' }).waitFor();
    const put = stack.api.apiRequests('/alerts/channels').filter((r) => r.method === 'PUT');
    expect(put.length).toBe(2);
    expect(stack.api.alerts.channels.map((c) => c.name)).toEqual(['Ops webhook', 'Billing team', 'Finance hook']);
    // Editing shows "set" and never the secret.
    await panel.locator('.channel', { hasText: 'Finance hook' }).getByRole('button', { name: 'Edit' }).click();
    expect(await panel.getByLabel(/Signing secret/).inputValue()).toBe('');
    await expect(panel.locator('label[for=ch-secret] .badge').textContent()).resolves.toBe('set');
    await panel.getByRole('button', { name: 'Cancel' }).click();

    const ops = panel.locator('.channel', { hasText: 'Ops webhook' });
    await ops.getByRole('button', { name: 'Send a test' }).click();
    await ops.locator('.test-result', { hasText: 'Test sent: Delivered (HTTP 200) (42 ms)' }).waitFor();
    await panel.locator('table.deliveries tbody tr', { hasText: 'Test' }).first().waitFor();

    await ops.getByRole('button', { name: 'Disable' }).click();
    await panel.locator('.channel', { hasText: 'Ops webhook' }).locator('.badge', { hasText: 'Disabled' }).waitFor();
    expect(stack.api.alerts.channels.find((c) => c.name === 'Ops webhook')!.enabled).toBe(false);

    const billing = panel.locator('.channel', { hasText: 'Billing team' });
    await billing.getByRole('button', { name: 'Delete' }).click();
    await billing.getByRole('button', { name: 'Delete for good' }).click();
    await panel.locator('.channel', { hasText: 'Billing team' }).waitFor({ state: 'detached' });
    expect(stack.api.alerts.channels.map((c) => c.name)).toEqual(['Ops webhook', 'Finance hook']);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds an email channel, shows a failed test readably, and fits a phone (light and dark) and a dark desktop', async () => {
    for (const [name, viewport, scheme] of [['phone-light', PHONE, 'light'], ['phone-dark', PHONE, 'dark'], ['desktop-dark', DESKTOP, 'dark']] as const) {
      stack.api.reset();
      stack.api.alerts.channels[0].url = 'https://down.msp.example/b1r';
      const { page, context, panel } = await openSettings(viewport, scheme, true);
      await panel.getByRole('button', { name: 'Add email' }).click();
      await panel.getByLabel('Name').fill('Owners');
      await panel.getByLabel('Recipients (comma-separated)').fill('owner@msp.example, cfo@msp.example');
      await panel.getByRole('button', { name: 'Save channel' }).click();
      await panel.locator('.channel', { hasText: 'Owners' }).waitFor();
      expect(stack.api.alerts.channels.at(-1)!.recipients).toEqual(['owner@msp.example', 'cfo@msp.example']);
      const ops = panel.locator('.channel', { hasText: 'Ops webhook' });
      await ops.getByRole('button', { name: 'Send a test' }).click();
      await ops.locator('.test-result', { hasText: 'Test failed: HTTP 503' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(await seriousAxeViolations(page, 'body')).toEqual([]);
      await panel.screenshot({ path: (await screenshot(page, `alert-channels-${name}`)).replace('.png', '-section.png') });
      await context.close();
    }
  });
});
