// Every figure adds up, read off the rendered widgets (issue 13): the cards equal the sum of the
// rows over every page and the totals row; a row's money is the sum of its lines; every shown
// unit x variance is its amount; the drill-down agrees; and all of it equals the fixture API.
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useFixtureStack } from './fixture-stack.js';
import { CLIENT_COUNT, fixtureToken } from './fixture-data.js';
import { PHONE, mountWidget, newPage, seriousAxeViolations } from './browser.js';
import { cents, centsIn, drillDownMoney, nextListPage, seatsIn, unitTimesSeatsInCents } from './figures.js';

const TAG = 'billingone-reconciliation';
const stack = useFixtureStack();

async function readRows(page: Page) {
  return page.locator(`${TAG} tbody tr.client-row`).evaluateAll((rows) => rows.map((row) => ({
    id: row.getAttribute('data-client-id')!,
    devices: row.querySelector('td.devices')!.textContent!.trim(),
    risk: row.querySelector('td.risk')!.textContent!,
    overspend: row.querySelector('td.overspend')!.textContent!,
    licenses: row.querySelector('td.licenses')!.textContent!,
  })));
}

describe('every figure adds up on the dashboard', () => {
  it('cards = sum of all rows (every page) = totals row = the API, never netted', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, TAG, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    const summary = stack.api.summary();
    await page.locator(`${TAG} tbody tr.client-row`).first().waitFor();
    const underCard = await page.locator(`${TAG} button.card.under-licensed`).textContent();
    const overCard = await page.locator(`${TAG} button.card.over-licensed`).textContent();
    let risk = 0, overspend = 0, devices = 0, seen = 0;
    for (let pageIndex = 0; seen < CLIENT_COUNT; pageIndex++) {
      if (pageIndex > 0) {
        await nextListPage(page, TAG, seen);
      }
      for (const row of await readRows(page)) {
        risk += centsIn(row.risk);
        overspend += centsIn(row.overspend);
        devices += Number(row.devices.replace(/,/g, ''));
        seen++;
      }
    }
    expect(seen).toBe(CLIENT_COUNT);
    const totals = page.locator(`${TAG} tfoot tr.totals`);
    expect(centsIn(await totals.locator('.total-risk').textContent())).toBe(risk);
    expect(centsIn(await totals.locator('.total-overspend').textContent())).toBe(overspend);
    expect(Number((await totals.locator('.total-devices').textContent())!.replace(/,/g, ''))).toBe(devices);
    expect(centsIn(underCard)).toBe(risk);
    expect(centsIn(overCard)).toBe(overspend);
    expect(risk).toBe(cents(summary.revenueAtRisk.amount));
    expect(overspend).toBe(cents(summary.overspend.amount));
    expect(devices).toBe(summary.billableCount);
    expect(seatsIn(underCard)).toBe(summary.unpricedUnderSeats);
    expect(seatsIn(underCard)).toBeGreaterThan(0); // the fixture has unpriced gaps: shown as seats, not $0
    await context.close();
  });

  it('an expanded multi-product row shows each line; row money = sum of lines; unit × variance = amount', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, TAG, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1' });
    await page.locator(`${TAG} tbody tr.client-row`).first().waitFor();
    const toggles = page.locator(`${TAG} button.lines-toggle`);
    expect(await toggles.count()).toBeGreaterThan(0);
    for (let index = 0; index < (await toggles.count()); index++) await toggles.nth(index).click();
    const clients = await page.locator(`${TAG} tbody.client.open`).evaluateAll((bodies) => bodies.map((body) => ({
      id: body.querySelector('tr.client-row')!.getAttribute('data-client-id')!,
      headline: body.querySelector('tr.client-row .headline')!.textContent!.trim(),
      risk: body.querySelector('tr.client-row td.risk')!.textContent!,
      overspend: body.querySelector('tr.client-row td.overspend')!.textContent!,
      lines: [...body.querySelectorAll('tr.line')].map((line) => ({
        product: line.querySelector('.line-name')!.textContent!.trim(),
        risk: line.querySelector('td.risk')!.textContent!, overspend: line.querySelector('td.overspend')!.textContent!,
        units: [...line.querySelectorAll('.amount + .unit')].map((unit) => ({ amount: unit.previousElementSibling!.textContent!, unit: unit.textContent! })),
      })),
    })));
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      const api = stack.api.clients.find((row) => row.clientId === client.id)!;
      expect(client.lines.map((line) => line.product)).toEqual(api.lines.map((line) => line.productName));
      expect(client.headline).toBe(api.headlineProductName); // the Licenses figure says which product
      expect(client.lines.reduce((sum, line) => sum + centsIn(line.risk), 0)).toBe(centsIn(client.risk));
      expect(client.lines.reduce((sum, line) => sum + centsIn(line.overspend), 0)).toBe(centsIn(client.overspend));
      for (const { amount, unit } of client.lines.flatMap((line) => line.units)) expect(unitTimesSeatsInCents(unit)).toBe(centsIn(amount));
    }
    await context.close();
  });

  it('unmapped organizations have their own card and filter: no variance, never red, never among the under-licensed', async () => {
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, TAG, { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'settings-href': '#settings' });
    const card = page.locator(`${TAG} button.card.unmapped`);
    await card.waitFor();
    const summary = stack.api.summary();
    await expect(card.textContent()).resolves.toContain(`${summary.unmappedDeviceCount} devices not counted`);
    expect(await page.locator(`${TAG} p.unmapped a`, { hasText: 'map them' }).getAttribute('href')).toBe('#settings');
    await expect(page.locator(`${TAG} p.unmapped`).textContent()).resolves.toContain(`${summary.unconfirmedMappings} mappings are still an unconfirmed suggestion`);
    await page.locator(`${TAG} button.card.under-licensed`).click();
    await page.locator(`${TAG} .pager`, { hasText: `of ${summary.underLicensed}` }).waitFor();
    expect(await page.locator(`${TAG} tbody tr.client-row`, { hasText: 'Alpine Builders' }).count()).toBe(0);
    await card.click();
    await page.locator(`${TAG} .pager`, { hasText: `of ${summary.unmapped}` }).waitFor();
    const rows = page.locator(`${TAG} tbody tr.client-row`);
    expect(await rows.locator('.status').allTextContents()).toEqual(['Unmapped', 'Unmapped', 'Unmapped']);
    expect(await rows.locator('td.variance').allTextContents()).toEqual(['not counted', 'not counted', 'not counted'].map((text) => expect.stringContaining(text)) as never);
    expect(await page.locator(`${TAG} tbody .tone-under`).count()).toBe(0);
    await context.close();
  });
});

describe('every figure adds up on the client page', () => {
  it('figures = sum of the lines = the API; the trend has one series per product with dates in order', async () => {
    const client = stack.api.clients.find((row) => row.lineCount === 2 && row.revenueAtRisk.amount > 0 && row.overspend.amount > 0)
      ?? stack.api.clients.find((row) => row.lineCount === 2 && row.revenueAtRisk.amount > 0)!;
    const { page, context } = await newPage(stack.browser);
    await mountWidget(page, stack.api.baseUrl, 'billingone-client-panel', { 'api-base': stack.api.baseUrl, 'context-token': 'tok-1', 'client-id': client.clientId });
    const panel = page.locator('billingone-client-panel');
    const lines = panel.locator('table.lines tbody tr');
    await lines.first().waitFor();
    expect(await lines.count()).toBe(client.lines.length);
    const { lineRisk, lineOver, figureRisk, figureOver, figures } = await drillDownMoney(panel);
    expect([figureRisk, figureOver]).toEqual([lineRisk, lineOver]);
    expect(lineRisk).toBe(cents(client.revenueAtRisk.amount));
    expect(figures.find((text) => text.startsWith('Licenses'))).toContain(client.headlineProductName!);
    for (const line of client.lines) {
      const row = panel.locator(`table.lines tbody tr[data-product-id="${line.productId}"]`);
      const unit = centsIn(await row.locator('td.unit').textContent());
      const side = line.variance > 0 ? 'td.risk' : 'td.overspend';
      if (line.variance !== 0 && unit) expect(Math.abs(line.variance) * unit).toBe(centsIn(await row.locator(side).textContent()));
    }
    const chart = panel.locator('figure.trend svg[role=img]');
    expect(await chart.locator('polyline.licenses').evaluateAll((lines) => lines.map((line) => line.getAttribute('data-product-id')))).toEqual(client.lines.map((line) => line.productId));
    const xs = await chart.locator('circle.dot.devices').evaluateAll((dots) => dots.map((dot) => Number(dot.getAttribute('cx'))));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const labels = await chart.locator('text.date').allTextContents();
    expect(new Set(labels).size).toBe(labels.length); // three snapshots on one day: one label
    expect(await chart.locator('line.rules-mark').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('on a phone (390×844) every product-line column is visible, and trend labels stay readable', async () => {
    const client = stack.api.clients.find((row) => row.lineCount === 2)!;
    const { page, context } = await newPage(stack.browser, { viewport: PHONE });
    await mountWidget(page, stack.api.baseUrl, 'billingone-client-panel', { 'api-base': stack.api.baseUrl, 'context-token': fixtureToken('viewer'), 'client-id': client.clientId });
    const cells = page.locator('billingone-client-panel table.lines tbody td');
    await cells.first().waitFor();
    for (const box of await cells.evaluateAll((tds) => tds.map((td) => { const rect = td.getBoundingClientRect(); return { right: rect.right, left: rect.left, clipped: td.scrollWidth > td.clientWidth + 1 }; }))) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(PHONE.width);
      expect(box.clipped).toBe(false);
    }
    const labels = await page.locator('billingone-client-panel .lines tbody tr').first().locator('td').evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
    expect(labels).toEqual(['"Devices"', '"Licenses"', '"Variance"', '"Unit / month"', '"Revenue at risk"', '"Overspend"', '"Gap"']);
    const sizes = await page.locator('billingone-client-panel svg text').evaluateAll((texts) => texts.map((text) => text.getBoundingClientRect().height));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await context.close();
  });
});
