// Closing the loop in real Chromium against the fixture API: accept a gap with a reason and
// remove the exception, fix a gap in Pax8 through its preview, approve in bulk with per-action
// outcomes, and what each role is offered (viewers nothing, technicians no Accept / Approve).
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useFixtureStack } from './fixture-stack.js';
import { fixtureToken } from './fixture-data.js';
import { PHONE, SCREENSHOT_DIR, mountWidget, newPage, screenshot, seriousAxeViolations } from './browser.js';

const PANEL = 'billingone-client-panel';
const LIST = 'billingone-reconciliation';
const QUEUE = 'billingone-action-queue';
const stack = useFixtureStack();
type Role = 'admin' | 'technician' | 'viewer';

/** A client whose SentinelOne line is under-licensed (its Fix raises the quantity). */
function underClient() {
  return stack.api.clients.find((row) => row.lines.length === 1 && row.lines[0].variance > 0 && row.lines[0].unitPriceMonthly)!;
}

async function openPanel(role: Role, clientId: string, options: Parameters<typeof newPage>[1] = {}) {
  const opened = await newPage(stack.browser, options);
  await mountWidget(opened.page, stack.api.baseUrl, PANEL, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken(role), 'client-id': clientId });
  await opened.page.locator(`${PANEL} h2`).waitFor();
  return opened;
}

const line = (page: Page, productId: string) => page.locator(`${PANEL} tr[data-product-id="${productId}"]`);
const posted = (path: string) => stack.api.apiRequests(path).filter((request) => request.method !== 'GET');

describe('gap actions in the drill-down', () => {
  it('an admin accepts a gap with a reason, note and end date, sees it accepted with its reason and in the audit trail, and removes it', async () => {
    const client = underClient();
    const { page, context, errors } = await openPanel('admin', client.clientId);
    const row = line(page, 'prod-edr');
    await row.locator('.gap-state', { hasText: /Open since/ }).waitFor();
    await row.getByRole('button', { name: 'Accept: SentinelOne Control' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accept the SentinelOne Control gap' });
    await dialog.waitFor();
    // Focus moves into the dialog; the page behind it is inert.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.tagName)).toBe('SELECT');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByLabel('Reason').selectOption('other');
    await dialog.getByRole('button', { name: 'Accept gap' }).click();
    // "Other" needs a note: the form does not send without one.
    expect(posted('/gaps')).toEqual([]);
    await expect(dialog.getByLabel(/Note/).evaluate((element) => (element as HTMLTextAreaElement).validity.valueMissing)).resolves.toBe(true);
    await dialog.getByLabel('Reason').selectOption('spare-on-purpose');
    await dialog.getByLabel(/Note/).fill('Lab PCs, kept spare');
    await dialog.getByLabel(/Until/).fill('2027-03-31');
    await dialog.getByRole('button', { name: 'Accept gap' }).click();
    await row.locator('.gap-state', { hasText: 'Accepted: Spare seats on purpose: Lab PCs, kept spare · until Mar 31, 2027' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(await row.getByRole('button', { name: /^Accept/ }).count()).toBe(0);
    const audit = page.locator(`${PANEL} section.audit li`).first();
    await audit.filter({ hasText: `user-admin (admin) accepted a gap on SentinelOne Control: reason Spare seats on purpose; note Lab PCs, kept spare; until Mar 31, 2027; accepted variance +${client.lines[0].variance}.` }).waitFor();
    expect(await page.locator(`${PANEL} section.audit`).textContent()).not.toContain('{');

    await row.getByRole('button', { name: 'Remove exception: SentinelOne Control' }).click();
    await row.locator('.gap-state', { hasText: /Open since/ }).waitFor();
    await page.locator(`${PANEL} section.audit li`).first().filter({ hasText: 'removed an exception on SentinelOne Control: was reason Spare seats on purpose; note Lab PCs, kept spare; until Mar 31, 2027' }).waitFor();
    expect(posted('/gaps').map((request) => request.method)).toEqual(['POST', 'DELETE']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an admin fixes a gap in Pax8: the preview names the subscription, from → to, cost, price and warnings, then approves it', async () => {
    const client = underClient();
    const edr = client.lines[0];
    const { page, context } = await openPanel('admin', client.clientId);
    const row = line(page, 'prod-edr');
    await row.getByRole('button', { name: 'Fix in Pax8: SentinelOne Control' }).click();
    const dialog = page.getByRole('dialog', { name: 'Fix SentinelOne Control in Pax8' });
    await dialog.getByLabel(/New Pax8 quantity/).fill(String(edr.licenses + edr.variance + 1));
    await dialog.getByRole('button', { name: 'Preview change' }).click();
    const to = edr.licenses + edr.variance + 1;
    // The preview comes first and stores nothing; Confirm proposes exactly what was previewed.
    await dialog.locator('.quantity', { hasText: `${edr.licenses} → ${to} seats` }).waitFor();
    await dialog.getByText('Nothing is recorded yet. Confirm to propose this change.').waitFor();
    expect(stack.api.actions.previews).toBe(1);
    expect(stack.api.actions.actions).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Confirm and propose' }).click();
    await dialog.getByRole('button', { name: 'Approve and apply' }).waitFor();
    expect(stack.api.actions.actions[0].items[0].preview.toQuantity).toBe(to);
    const price = (to - edr.licenses) * edr.unitPriceMonthly!.amount;
    expect(await dialog.locator('.price').textContent()).toBe(`+${new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(price)} / month`);
    expect(await dialog.locator('.cost').textContent()).toMatch(/^\+\$[\d.,]+ \/ month$/);
    expect(await dialog.locator('.warnings').textContent()).toContain('could double it');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Approve and apply' }).click();
    await dialog.getByText('Approved. The worker re-reads the subscription').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.locator('.gap-state', { hasText: `Pax8 fix ${edr.licenses} → ${to} seats: approved, queued` }).waitFor();
    expect(await row.getByRole('button', { name: /Fix|Accept/ }).count()).toBe(0);
    expect(stack.api.actions.actions[0].state).toBe('approved');
    await context.close();
  });

  it('asks for an explicit "confirm large change" above the caps', async () => {
    const client = underClient();
    const { page, context } = await openPanel('admin', client.clientId);
    await line(page, 'prod-edr').getByRole('button', { name: 'Fix in Pax8: SentinelOne Control' }).click();
    const dialog = page.getByRole('dialog', { name: 'Fix SentinelOne Control in Pax8' });
    await dialog.getByLabel(/New Pax8 quantity/).fill('500');
    await dialog.getByRole('button', { name: 'Preview change' }).click();
    await dialog.locator('.warnings', { hasText: 'more than the 20 allowed' }).waitFor();
    await dialog.getByRole('button', { name: 'Confirm and propose' }).click();
    const approve = dialog.getByRole('button', { name: 'Approve and apply' });
    expect(await approve.isDisabled()).toBe(true);
    await dialog.getByLabel(/Confirm large change/).check();
    await approve.click();
    await dialog.getByText('Approved.').waitFor();
    expect(stack.api.actions.actions[0].approvedBy).toBe('user-admin');
    await context.close();
  });

  it('a technician may propose but not accept or approve; a viewer is offered no button; neither sees the audit trail', async () => {
    const client = underClient();
    const technician = await openPanel('technician', client.clientId);
    const row = line(technician.page, 'prod-edr');
    await row.getByRole('button', { name: 'Fix in Pax8: SentinelOne Control' }).waitFor();
    expect(await row.getByRole('button', { name: /Accept/ }).count()).toBe(0);
    await row.getByRole('button', { name: 'Fix in Pax8: SentinelOne Control' }).click();
    const dialog = technician.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Preview change' }).click();
    await dialog.getByText('Nothing is recorded yet. Confirm to propose this change for an admin to approve.').waitFor();
    await dialog.getByRole('button', { name: 'Confirm and propose' }).click();
    await dialog.getByText('Proposed. An admin approves it in the approval queue').waitFor();
    expect(await dialog.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    // The proposer may withdraw it until an admin approves it.
    expect(await dialog.getByRole('button', { name: 'Cancel proposal' }).count()).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.locator('.gap-state', { hasText: 'waiting for approval' }).waitFor();
    await technician.page.locator(`${PANEL} section.audit`, { hasText: 'Only admins can see who changed what.' }).waitFor();
    expect(stack.api.apiRequests('/audit')).toEqual([]);
    await technician.context.close();

    const viewer = await openPanel('viewer', client.clientId);
    await line(viewer.page, 'prod-edr').locator('.gap-state').waitFor();
    expect(await viewer.page.locator(`${PANEL} b1r-gap-actions button`).count()).toBe(0);
    await viewer.context.close();
  });
});

describe('gap actions in the dashboard list', () => {
  it('an expanded line offers Accept and Fix to an admin and nothing to a viewer', async () => {
    for (const role of ['admin', 'viewer'] as const) {
      stack.api.reset();
      const { page, context } = await newPage(stack.browser);
      await mountWidget(page, stack.api.baseUrl, LIST, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken(role) });
      const body = page.locator(`${LIST} tbody.client`, { has: page.locator('button.lines-toggle') }).filter({ has: page.locator('td.variance.tone-under') }).first();
      await body.locator('button.lines-toggle').click();
      const gapLine = body.locator('tr.line', { has: page.locator('b1r-gap-actions') }).first();
      await gapLine.locator('.gap-state', { hasText: /Open since/ }).waitFor();
      expect(await gapLine.locator('b1r-gap-actions .buttons button').allTextContents()).toEqual(role === 'admin' ? ['Fix in Pax8', 'Accept'] : []);
      if (role === 'admin') {
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, 'actions-ui/list-expanded-desktop');
        await gapLine.getByRole('button', { name: /^Accept:/ }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Accept gap' }).click();
        await gapLine.locator('.gap-state', { hasText: 'Accepted: Client owns the license · no end date' }).waitFor();
      }
      await context.close();
    }
  });
});

describe('billingone-action-queue', () => {
  function propose(count: number) {
    const clients = stack.api.clients.filter((row) => row.lines.some((candidate) => candidate.variance > 0 && candidate.unitPriceMonthly)).slice(0, count);
    for (const client of clients) {
      const under = client.lines.find((candidate) => candidate.variance > 0)!;
      stack.api.actions.route('POST', '/actions', new URLSearchParams(), { type: 'pax8-quantity', gaps: [{ clientId: client.clientId, productId: under.productId }] }, 'technician', 'user-tech');
    }
    return clients;
  }

  it('approves the selected changes in bulk with one outcome each, then follows them to applied and failed', async () => {
    const [refused, failing, fine] = propose(3);
    stack.api.actions.refuseApprove.add(refused.clientId);
    stack.api.actions.pax8Refuses.add(failing.clientId);
    const { page, context, errors } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, QUEUE, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('admin') });
    await page.locator(`${QUEUE} li.action`).first().waitFor();
    expect(await page.locator(`${QUEUE} li.action[data-state=proposed]`).count()).toBe(3);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.locator(QUEUE).getByLabel('Select all').check();
    await page.locator(QUEUE).getByRole('button', { name: 'Approve selected (3)' }).click();
    const card = (client: { name: string }) => page.locator(`${QUEUE} li.action`, { hasText: client.name });
    await card(refused).locator('.outcome.error', { hasText: 'Not approved' }).filter({ hasText: 'Another admin cancelled this change a moment ago' }).waitFor();
    await card(fine).locator('.badge', { hasText: 'Applied in Pax8' }).waitFor({ timeout: 10000 });
    await card(failing).locator('.badge', { hasText: 'Failed: Pax8 refused the change: the quantity cannot be lowered during a commitment term.' }).waitFor({ timeout: 10000 });
    await expect(card(fine).locator('.outcome').textContent()).resolves.toContain('Approved');
    // The refused one is still waiting, still selected for another try.
    expect(await card(refused).getAttribute('data-state')).toBe('proposed');
    expect(await card(refused).locator('input.select').isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a technician the queue without selection or approval', async () => {
    propose(1);
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, QUEUE, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('technician') });
    await page.locator(`${QUEUE} li.action`).first().waitFor();
    expect(await page.locator(`${QUEUE} input[type=checkbox], ${QUEUE} button`).allTextContents()).toEqual(['Refresh']);
    await page.locator(QUEUE).getByText('Needs the admin role to approve or cancel changes.').waitFor();
    await context.close();
  });
});

describe('caps of Pax8 changes in the settings', () => {
  it('an admin sets the seat and money caps and the second approver; only those fields are sent', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, 'billingone-settings', { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('admin') });
    const section = page.locator('billingone-settings b1r-action-settings');
    await section.getByLabel('Largest change without confirmation (seats)').fill('15');
    await section.getByLabel('Largest monthly cost increase without confirmation (USD)').fill('250.50');
    await section.getByLabel('The approver must be another admin than the one who proposed').check();
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved.').waitFor();
    expect(stack.api.admin.settings).toMatchObject({ maxSeatChange: 15, maxMonthlyIncrease: 250.5, requireSecondApprover: true, staleDays: 30 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('bill N more seats (PSA billing)', () => {
  /** A client with PSA billing whose one line is under-billed (withBilling: every fourth line), with a billed price. */
  function underBilledClient() {
    stack.api.psaBilling = true;
    return stack.api.world().find((row) => row.lines.length === 1 && (row.lines[0].billedVariance ?? 0) > 0 && row.lines[0].billedUnitPriceMonthly)!;
  }

  it('a technician proposes "Bill N more seats" from the gap; an admin sees it in the queue as a PanelOne billing change and approves it', async () => {
    const client = underBilledClient();
    const billed = client.lines[0];
    const n = billed.billedVariance!;
    const seats = `Bill ${n} more seat${n === 1 ? '' : 's'}`;
    const technician = await openPanel('technician', client.clientId);
    const row = line(technician.page, billed.productId);
    await row.getByRole('button', { name: `${seats}: ${billed.productName}` }).click();
    const dialog = technician.page.getByRole('dialog', { name: `${seats} of ${billed.productName} in PanelOne` });
    await dialog.getByText(/nothing is written to PanelOne until an admin approves it/).waitFor();
    await dialog.getByRole('button', { name: 'Preview change' }).click();
    const to = billed.billed! + n;
    const price = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n * billed.billedUnitPriceMonthly!.amount);
    // The preview comes first and records nothing.
    await dialog.locator('.quantity', { hasText: `${billed.billed} → ${to} seats` }).waitFor();
    expect(await dialog.locator('.price').textContent()).toBe(`+${price} / month`);
    expect(await dialog.locator('.cost').textContent()).toBe('No change');
    expect(posted('/actions').filter((r) => r.path === '/api/v1/actions')).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Confirm and propose' }).click();
    await dialog.getByText('Proposed. An admin approves it in the approval queue; nothing is written to PanelOne before that.').waitFor();
    expect(posted('/actions').filter((r) => r.path === '/api/v1/actions')).toHaveLength(1);
    expect(stack.api.actions.actions[0]).toMatchObject({ type: 'psa-quantity', state: 'proposed', items: [{ clientId: client.clientId, productId: billed.productId, preview: { fromQuantity: billed.billed, toQuantity: to } }] });
    expect(await seriousAxeViolations(technician.page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.locator('.gap-state', { hasText: `PanelOne billing ${billed.billed} → ${to} seats: waiting for approval` }).waitFor();
    await technician.context.close();

    const { page, context, errors } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, QUEUE, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('admin') });
    const card = page.locator(`${QUEUE} li.action`, { hasText: client.name });
    await card.locator('.billing-summary', { hasText: `PanelOne billing: addition add-${client.clientId}, ${billed.billed} → ${to} seats, +${price} / month billed` }).waitFor();
    await screenshot(page, 'psa-actions/queue-desktop');
    await card.locator('input.select').check();
    await page.locator(QUEUE).getByRole('button', { name: 'Approve selected (1)' }).click();
    await card.locator('.badge', { hasText: 'Applied in PanelOne' }).waitFor({ timeout: 10000 });
    expect(stack.api.actions.actions[0]).toMatchObject({ type: 'psa-quantity', state: 'applied', approvedBy: 'user-admin' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without PSA data no billing button is offered; a viewer is offered none', async () => {
    const client = underClient();
    const { page, context } = await openPanel('admin', client.clientId);
    await line(page, 'prod-edr').getByRole('button', { name: 'Fix in Pax8: SentinelOne Control' }).waitFor();
    expect(await page.getByRole('button', { name: /^Bill / }).count()).toBe(0);
    await context.close();
    const billed = underBilledClient();
    const viewer = await openPanel('viewer', billed.clientId);
    await viewer.page.locator(`${PANEL} tr[data-product-id="${billed.lines[0].productId}"]`).waitFor();
    expect(await viewer.page.getByRole('button', { name: /^Bill |Fix/ }).count()).toBe(0);
    await viewer.context.close();
  });

  it('screenshots: the billing dialog, desktop and phone, light and dark', async () => {
    for (const viewport of [undefined, PHONE]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        stack.api.reset();
        const client = underBilledClient();
        const { page, context } = await openPanel('admin', client.clientId, { viewport, colorScheme });
        await line(page, client.lines[0].productId).getByRole('button', { name: /^Bill / }).click();
        const dialog = page.getByRole('dialog', { name: /in PanelOne$/ });
        await dialog.getByRole('button', { name: 'Preview change' }).click();
        await dialog.locator('.billing-summary').waitFor();
        if (viewport) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
        await screenshot(page, `psa-actions/bill-${viewport ? 'phone' : 'desktop'}-${colorScheme}`);
        await context.close();
      }
    }
  });
});

describe('screenshots of the closing-the-loop screens', () => {
  it('drill-down with the Accept form, the Fix preview and the approval queue, desktop and phone, light and dark', async () => {
    const client = underClient();
    for (const viewport of [undefined, PHONE]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const name = `${viewport ? 'phone' : 'desktop'}-${colorScheme}`;
        stack.api.reset();
        const { page, context } = await openPanel('admin', client.clientId, { viewport, colorScheme });
        await line(page, 'prod-edr').getByRole('button', { name: /^Accept:/ }).click();
        await page.getByRole('dialog').getByLabel(/Note/).fill('Lab PCs');
        await screenshot(page, `actions-ui/accept-${name}`);
        await page.keyboard.press('Escape');
        await line(page, 'prod-edr').getByRole('button', { name: /^Fix/ }).click();
        await page.getByRole('dialog', { name: /^Fix/ }).getByRole('button', { name: 'Preview change' }).click();
        await page.getByRole('dialog', { name: /^Fix/ }).locator('.quantity').waitFor();
        await screenshot(page, `actions-ui/fix-preview-${name}`);
        await page.getByRole('dialog', { name: /^Fix/ }).getByRole('button', { name: 'Confirm and propose' }).click();
        await page.getByRole('dialog', { name: /^Fix/ }).getByRole('button', { name: 'Approve and apply' }).waitFor();
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, `actions-ui/fix-${name}`);
        await context.close();
        const queue = await newPage(stack.browser, { viewport, colorScheme });
        stack.api.actions.route('POST', '/actions', new URLSearchParams(), { type: 'pax8-quantity', gaps: [{ clientId: stack.api.clients[0].clientId, productId: 'prod-backup' }] }, 'technician', 'user-tech');
        await mountWidget(queue.page, stack.api.baseUrl, QUEUE, { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('admin') });
        await queue.page.locator(`${QUEUE} li.action`).first().waitFor();
        if (viewport) expect(await queue.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
        await screenshot(queue.page, `actions-ui/queue-${name}`);
        await queue.context.close();
      }
    }
  });
});

describe('missed billing shows where a Pax8 fix stands', () => {
  it('a pending fix and an applied one replace the advice on their lines; the others keep it', async () => {
    const [first, second, third] = stack.api.missedBilling();
    const route = (method: string, path: string, body: object, role: Role) => stack.api.actions.route(method, path, new URLSearchParams(), body, role, `user-${role}`)!;
    const propose = (item: { clientId: string; productId: string }) =>
      route('POST', '/actions', { type: 'pax8-quantity', gaps: [{ clientId: item.clientId, productId: item.productId }] }, 'technician').body as { id: string; items: Array<{ preview: { fromQuantity: number; toQuantity: number } }> };
    const pending = propose(first);
    const applied = propose(second);
    expect(route('POST', `/actions/${applied.id}/approve`, { confirmLarge: true }, 'admin').status).toBe(200);
    for (let step = 0; step < 2; step++) route('GET', '/actions', {}, 'viewer'); // the fixture's worker: approved → applying → applied
    expect(stack.api.missedBilling().slice(0, 2).map((item) => item.state)).toEqual(['action-pending', 'action-applied']);

    for (const viewport of [undefined, PHONE]) {
      const { page, context } = await newPage(stack.browser, { viewport });
      await mountWidget(page, stack.api.baseUrl, 'billingone-missed-billing', { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('viewer') });
      const row = (item: { clientId: string; productId: string }) => page.locator(`billingone-missed-billing tr.gap[data-client-id="${item.clientId}"][data-product-id="${item.productId}"]`);
      const [p, a] = [pending.items[0].preview, applied.items[0].preview];
      await row(first).locator('.fix', { hasText: `Pax8 fix ${p.fromQuantity} → ${p.toQuantity} seats: waiting for approval` }).waitFor();
      await row(second).locator('.fix', { hasText: `Pax8 fix applied (${a.fromQuantity} → ${a.toQuantity} seats), awaiting the next snapshot` }).waitFor();
      expect(await row(first).textContent()).not.toContain('Increase Pax8 quantity');
      expect(await row(third).textContent()).toContain(third.action);
      expect(await row(third).locator('.fix').count()).toBe(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
      // The top of the list (where the two fixes are), not the whole page of gaps.
      await page.screenshot({ path: `${SCREENSHOT_DIR}actions-ui/missed-billing-fix-${viewport ? 'phone' : 'desktop'}.png` });
      await context.close();
    }
  });
});
