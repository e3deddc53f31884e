// Reading money and seats off the rendered widgets, for the specs that check that every figure
// adds up (against the fixture API and against the demo stack).
import type { Locator, Page } from 'playwright-core';

/** "$1,234.56" → 123456 cents ("−$5.00" → -500); text without an amount (only "N seats with no price") → 0. */
export function centsIn(text: string | null): number {
  const match = /(−|-)?\$([\d,]+\.\d\d)/.exec(text ?? '');
  return match ? Math.round(Number(match[2].replace(/,/g, '')) * 100) * (match[1] ? -1 : 1) : 0;
}

/** "12 seats with no price" → 12; 0 when the text has none. */
export function seatsIn(text: string | null): number {
  const match = /([\d,]+) seats? with no price/.exec(text ?? '');
  return match ? Number(match[1].replace(/,/g, '')) : 0;
}

export const cents = (amount: number) => Math.round(amount * 100);

/** "7 × $2.88" under an amount: the seats times the unit price, in cents. */
export function unitTimesSeatsInCents(unit: string): number {
  const [, seats, price] = /([\d,]+) × \$([\d,.]+)/.exec(unit)!;
  return Number(seats.replace(/,/g, '')) * Math.round(Number(price.replace(/,/g, '')) * 100);
}

/** The drill-down's money, read twice: summed over its product lines, and off its figures. */
export async function drillDownMoney(panel: Locator): Promise<{ lineRisk: number; lineOver: number; figureRisk: number; figureOver: number; figures: string[] }> {
  const lines = panel.locator('table.lines tbody tr');
  const sum = async (cell: string) => (await lines.locator(cell).allTextContents()).reduce((total, text) => total + centsIn(text), 0);
  const figures = await panel.locator('.figure').allTextContents();
  return {
    lineRisk: await sum('td.risk'), lineOver: await sum('td.overspend'),
    figureRisk: centsIn(figures.find((text) => text.includes('Revenue at risk')) ?? null),
    figureOver: centsIn(figures.find((text) => text.includes('Overspend')) ?? null),
    figures,
  };
}

/**
 * Clicks the list's Next and waits for the next page's rows themselves: the pager's text follows
 * the click at once, the rows only when the page has loaded.
 */
export async function nextListPage(page: Page, tag: string, shownSoFar: number): Promise<void> {
  const firstRow = page.locator(`${tag} tbody tr.client-row`).first();
  const before = await firstRow.getAttribute('data-client-id');
  await page.locator(`${tag} button`, { hasText: 'Next' }).click();
  await page.locator(`${tag} .pager`, { hasText: `${shownSoFar + 1}–` }).waitFor();
  await page.waitForFunction(({ host, previous }) => {
    const id = document.querySelector(host)?.shadowRoot?.querySelector('tbody tr.client-row')?.getAttribute('data-client-id');
    return Boolean(id) && id !== previous;
  }, { host: tag, previous: before });
}
