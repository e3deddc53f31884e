// The whole product as `npm start` runs it (demo process: PostgreSQL, both simulators, API and
// worker, seeded tenant, five back-filled snapshots), driven in real Chromium through the demo
// host page the way a person would. Every number on screen is checked against the API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, SCREENSHOT_DIR, launchBrowser, newPage, waitUntil } from '../ui/browser.js';
import { startDemoStack, type DemoStack } from './demo-process.js';
import { parseCsv } from '../support/csv.js';
import { cents, centsIn, drillDownMoney, nextListPage, seatsIn, unitTimesSeatsInCents } from '../ui/figures.js';
import type { ClientMappingListResponseDto } from '../../src/mapping/dto/mapping.dto.js';
import type { ClientDetailResponseDto, ClientListResponseDto, SummaryResponseDto } from '../../src/reconciliation/dto/reconciliation.dto.js';
import type { SnapshotResponseDto } from '../../src/snapshots/dto/snapshot.dto.js';

interface Money { amount: number; currency: string }
// The answers' shapes are the API's own declarations, never copies.
type Summary = SummaryResponseDto;
type ClientList = ClientListResponseDto;
type ClientDetail = ClientDetailResponseDto;
type Snapshot = SnapshotResponseDto;
type MappingList = ClientMappingListResponseDto;

const W = 'billingone-reconciliation';
const WAIT = 30_000;
const HOSTILE_IMG = '<img src=x onerror=alert(1)> Imaging LLC';
const HOSTILE_FORMULA = '=HYPERLINK("http://x","y")';
/** The demo starts the Pax8 simulator with its default credentials (simulators/pax8.ts). */
const PAX8_SIM_SECRET = 'sim-pax8-secret';
const SHOTS = `${SCREENSHOT_DIR}demo/`;

let demo: DemoStack;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemoStack();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (demo) {
    const code = await demo.stop();
    // Ctrl-C shuts the demo down cleanly: it closes the API, worker and simulators and exits 0.
    expect(code).toBe(0);
  }
}, 60_000);

// ---- helpers: what a person reads off the page ----------------------------------------------

async function open(path: string, viewport = DESKTOP) {
  const opened = await newPage(browser, { viewport });
  await opened.page.goto(`${demo.baseUrl}/panelone/${path}`);
  return opened;
}

async function openDashboard(viewport = DESKTOP) {
  const opened = await open('', viewport);
  await rows(opened.page).first().waitFor({ timeout: WAIT });
  return opened;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

const rows = (page: Page) => page.locator(`${W} tbody tr`);
const card = (page: Page, status: string) => page.locator(`${W} button.card.${status}`);
const rowNames = (page: Page) => rows(page).locator('.client-name').allTextContents();
/** "16 clients" → 16, "$803.12" → 803.12 */
const numberIn = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));
/** "+3" → 3, "−2" (a real minus sign) → -2, "0" → 0 */
const varianceIn = (text: string | null) => (/^\s*[−-]/.test(text ?? '') ? -1 : 1) * Number((text ?? '').replace(/[^0-9]/g, ''));

async function listTotal(page: Page): Promise<number> {
  const text = await page.locator(`${W} nav.pager .muted`).textContent();
  return Number(/of\s+([\d,]+)/.exec(text ?? '')?.[1].replace(/,/g, '') ?? NaN);
}

async function readCards(page: Page) {
  const money = async (status: string) => {
    const element = card(page, status).locator('.card-money');
    return (await element.count()) ? numberIn(await element.textContent()) : null;
  };
  const count = async (status: string) => numberIn(await card(page, status).locator('.card-count').textContent());
  return {
    under: { count: await count('under-licensed'), money: await money('under-licensed') },
    over: { count: await count('over-licensed'), money: await money('over-licensed') },
    matched: { count: await count('matched'), money: await money('matched') },
  };
}

async function readRows(page: Page) {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('.client-name')!.textContent!,
      devices: tr.querySelector('td[data-label=Devices]')!.textContent!.trim(),
      // The count, without the headline product's name under it.
      licenses: tr.querySelector('td[data-label=Licenses]')!.textContent!.replace(tr.querySelector('td[data-label=Licenses] .headline')?.textContent ?? '', '').trim(),
      headline: tr.querySelector('td[data-label=Licenses] .headline')?.textContent?.trim() ?? null,
      variance: tr.querySelector('td[data-label=Variance]')!.textContent!.trim(),
      status: tr.querySelector('td[data-label=Status]')!.textContent!.trim(),
    })),
  );
}


/** img elements anywhere in the document or any (nested) open shadow root. */
function imagesInWidgets(page: Page): Promise<number> {
  return page.evaluate(() => {
    let count = 0;
    const walk = (root: Document | ShadowRoot) => {
      count += root.querySelectorAll('img').length;
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot);
    };
    walk(document);
    return count;
  });
}

// ---- the tests, in the order a person would try the demo; the state-changing ones last --------

describe('demo stack (npm start) in Chromium', () => {
  it('the dashboard shows the seeded numbers: cards, home card and list total equal the API', async () => {
    const { page, context, errors } = await openDashboard();
    const summary = await demo.api<Summary>('/reconciliation/summary');
    const firstPage = await demo.api<ClientList>('/reconciliation/clients?status=mapped&sort=variance&order=desc&limit=25');
    expect(summary.snapshot).not.toBeNull();
    expect(summary.underLicensed + summary.overLicensed + summary.matched).toBeGreaterThan(0);

    expect(await readCards(page)).toEqual({
      under: { count: summary.underLicensed, money: summary.revenueAtRisk.amount },
      over: { count: summary.overLicensed, money: summary.overspend.amount },
      matched: { count: summary.matched, money: null },
    });
    const homeFigures = await page.locator('billingone-home-card .figure .value').allTextContents();
    expect(homeFigures.map(numberIn)).toEqual([summary.underLicensed, summary.revenueAtRisk.amount]);
    expect(await listTotal(page)).toBe(firstPage.total);
    expect(await rowNames(page)).toEqual(firstPage.items.map((row) => row.name));
    expect(await page.locator(`${W} p.unmapped`).textContent()).toContain(`${summary.unmapped} organization`);
    await shot(page, 'dashboard-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('every figure adds up on the real stack: cards = all rows = totals row = the API; lines = their row; unit × seats = amount; the drill-down agrees', async () => {
    const { page, context, errors } = await openDashboard();
    const summary = await demo.api<Summary>('/reconciliation/summary');
    const mapped = await demo.api<ClientList>('/reconciliation/clients?status=mapped&limit=500');
    const underCard = await card(page, 'under-licensed').textContent();
    const overCard = await card(page, 'over-licensed').textContent();
    let risk = 0, overspend = 0, devices = 0, seen = 0;
    for (let pageIndex = 0; seen < mapped.total; pageIndex++) {
      if (pageIndex > 0) {
        await nextListPage(page, W, seen);
      }
      const shown = await page.locator(`${W} tbody tr.client-row`).evaluateAll((trs) => trs.map((tr) => ({
        risk: tr.querySelector('td.risk')!.textContent!, overspend: tr.querySelector('td.overspend')!.textContent!,
        devices: tr.querySelector('td.devices')!.textContent!.trim(),
      })));
      for (const row of shown) {
        risk += centsIn(row.risk);
        overspend += centsIn(row.overspend);
        devices += Number(row.devices.replace(/,/g, ''));
        seen++;
      }
    }
    const totals = page.locator(`${W} tfoot tr.totals`);
    expect(centsIn(await totals.locator('.total-risk').textContent())).toBe(risk);
    expect(centsIn(await totals.locator('.total-overspend').textContent())).toBe(overspend);
    expect([centsIn(underCard), centsIn(overCard)]).toEqual([risk, overspend]);
    expect([risk, overspend, devices]).toEqual([cents(summary.revenueAtRisk.amount), cents(summary.overspend.amount), summary.billableCount]);
    expect(seatsIn(underCard)).toBe(summary.unpricedUnderSeats);

    // Every multi-product row of the first page, expanded: its lines add up to it, and every unit × seats is its amount.
    await page.goto(`${demo.baseUrl}/panelone/`);
    await rows(page).first().waitFor({ timeout: WAIT });
    const toggles = page.locator(`${W} button.lines-toggle`);
    for (let index = 0; index < (await toggles.count()); index++) await toggles.nth(index).click();
    const expanded = await page.locator(`${W} tbody.client.open`).evaluateAll((bodies) => bodies.map((body) => ({
      id: body.querySelector('tr.client-row')!.getAttribute('data-client-id')!,
      risk: body.querySelector('tr.client-row td.risk')!.textContent!, overspend: body.querySelector('tr.client-row td.overspend')!.textContent!,
      lines: [...body.querySelectorAll('tr.line')].map((line) => ({ risk: line.querySelector('td.risk')!.textContent!, overspend: line.querySelector('td.overspend')!.textContent! })),
      units: [...body.querySelectorAll('tr.line .amount + .unit')].map((unit) => ({ amount: unit.previousElementSibling!.textContent!, unit: unit.textContent! })),
    })));
    expect(expanded.length).toBeGreaterThan(0);
    for (const row of expanded) {
      expect([row.id, row.lines.reduce((sum, line) => sum + centsIn(line.risk), 0)]).toEqual([row.id, centsIn(row.risk)]);
      expect([row.id, row.lines.reduce((sum, line) => sum + centsIn(line.overspend), 0)]).toEqual([row.id, centsIn(row.overspend)]);
      for (const { amount, unit } of row.units) expect([row.id, unit, unitTimesSeatsInCents(unit)]).toEqual([row.id, unit, centsIn(amount)]);
    }

    // The drill-down of a multi-product client: its figures are the sum of its lines, and the API's.
    const client = mapped.items.find((row) => row.lineCount > 1)!;
    await page.goto(`${demo.baseUrl}/panelone/#client/${encodeURIComponent(client.clientId)}`);
    const panel = page.locator('billingone-client-panel');
    const lines = panel.locator('table.lines tbody tr');
    await lines.first().waitFor({ timeout: WAIT });
    expect(await lines.count()).toBe(client.lines.length);
    const { lineRisk, lineOver, figureRisk, figureOver } = await drillDownMoney(panel);
    expect([figureRisk, figureOver]).toEqual([lineRisk, lineOver]);
    expect([lineRisk, lineOver]).toEqual([cents(client.revenueAtRisk.amount), cents(client.overspend.amount)]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('clicking "Under-licensed" lists exactly the under-licensed clients; clicking again clears', async () => {
    const { page, context, errors } = await openDashboard();
    const all = await demo.api<ClientList>('/reconciliation/clients?status=mapped&limit=500');
    const under = await demo.api<ClientList>('/reconciliation/clients?status=under-licensed&limit=500');
    expect(under.total).toBeGreaterThan(0);
    expect(under.total).toBeLessThanOrEqual(25); // one page holds them all

    await card(page, 'under-licensed').click();
    await waitUntil(async () => (await rowNames(page)).sort(), under.items.map((row) => row.name).sort(), WAIT);
    expect(await card(page, 'under-licensed').getAttribute('aria-pressed')).toBe('true');
    expect(await listTotal(page)).toBe(under.total);
    expect(new Set((await readRows(page)).map((row) => row.status))).toEqual(new Set(['Under-licensed']));
    await shot(page, 'dashboard-under-licensed-desktop');

    await card(page, 'under-licensed').click();
    await waitUntil(() => listTotal(page), all.total, WAIT);
    expect(await card(page, 'under-licensed').getAttribute('aria-pressed')).toBe('false');
    expect(await rows(page).count()).toBe(Math.min(25, all.total));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('search narrows the list to matching clients, and the Variance header sorts it', async () => {
    const { page, context, errors } = await openDashboard();
    const all = await demo.api<ClientList>('/reconciliation/clients?status=mapped&limit=500');
    // A fragment of a real client's name, typed in lower case.
    const fragment = all.items.find((row) => /^[A-Za-z]{4,}/.test(row.name) && !row.name.startsWith('Alpine'))!.name.slice(0, 4).toLowerCase();
    const expected = all.items.filter((row) => row.name.toLowerCase().includes(fragment)).map((row) => row.name).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.total);

    await page.locator(`${W} input[type=search]`).fill(fragment);
    await waitUntil(async () => (await rowNames(page)).sort(), expected, WAIT);
    expect(await listTotal(page)).toBe(expected.length);
    await page.locator(`${W} input[type=search]`).fill('');
    await waitUntil(() => listTotal(page), all.total, WAIT);

    const varianceHeader = page.locator(`${W} th`, { has: page.locator('button.sort', { hasText: 'Variance' }) });
    const variances = async () => (await readRows(page)).map((row) => varianceIn(row.variance));
    const ascending = await demo.api<ClientList>('/reconciliation/clients?status=mapped&sort=variance&order=asc&limit=25');
    await varianceHeader.locator('button').click(); // the list starts sorted by variance, descending
    await waitUntil(() => varianceHeader.getAttribute('aria-sort'), 'ascending', WAIT);
    await waitUntil(() => rowNames(page), ascending.items.map((row) => row.name), WAIT);
    const up = await variances();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(up[0]).toBe(Math.min(...all.items.map((row) => row.variance ?? 0)));

    await varianceHeader.locator('button').click();
    await waitUntil(() => varianceHeader.getAttribute('aria-sort'), 'descending', WAIT);
    await waitUntil(async () => (await variances())[0], Math.max(...all.items.map((row) => row.variance ?? 0)), WAIT);
    const down = await variances();
    expect(down).toEqual([...down].sort((a, b) => b - a));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Export CSV downloads exactly the filtered rows', async () => {
    const { page, context, errors } = await openDashboard();
    const under = await demo.api<ClientList>('/reconciliation/clients?status=under-licensed&limit=500');
    await card(page, 'under-licensed').click();
    await waitUntil(() => listTotal(page), under.total, WAIT);
    await waitUntil(async () => (await rowNames(page)).length, under.total, WAIT);
    const shown = await readRows(page);

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: WAIT }),
      page.locator(`${W} button`, { hasText: 'Export CSV' }).click(),
    ]);
    // The file is named after the filter it holds.
    expect(download.suggestedFilename()).toMatch(/^billingone-reconciliation-under-licensed-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, ''));
    const [header, ...records] = csv;
    expect(header.slice(0, 5)).toEqual(['Client', 'Devices', 'Licenses', 'Variance', 'Status']);
    // The same rows, in the screen's words (its status label, the product the licenses stand for).
    expect(records.map(([name, devices, licenses, variance, status, , , product]) => ({ name, devices, licenses, variance: Number(variance), status, product: product || 'no per-device subscription' })))
      .toEqual(shown.map((row) => ({ name: row.name, devices: row.devices.replace(/,/g, ''), licenses: row.licenses.replace(/,/g, ''), variance: varianceIn(row.variance), status: row.status, product: row.headline })));
    await waitUntil(async () => (await page.locator(`${W} .list-controls [role=status]`).textContent())?.trim(), `Downloaded ${download.suggestedFilename()}`, WAIT);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a row opens the client page: its subscriptions and a trend point per complete snapshot', async () => {
    const { page, context, errors } = await openDashboard();
    const snapshots = await demo.api<{ items: Snapshot[] }>('/snapshots');
    const complete = snapshots.items.filter((snapshot) => snapshot.status === 'complete');
    expect(complete).toHaveLength(6); // Sync All's snapshot and five back-filled months

    const row = rows(page).first();
    const clientId = (await row.getAttribute('data-client-id'))!;
    const name = await row.locator('.client-name').textContent();
    await row.click();
    await page.waitForURL(`**/panelone/#client/${encodeURIComponent(clientId)}`, { timeout: WAIT });
    const panel = page.locator('billingone-client-panel');
    await waitUntil(() => panel.locator('h2#client-name').textContent(), name, WAIT);
    const detail = await demo.api<ClientDetail>(`/reconciliation/clients/${encodeURIComponent(clientId)}`);
    expect(detail.subscriptions.length).toBeGreaterThan(0);

    const subscriptions = panel.locator('section', { has: page.locator('h3', { hasText: 'Pax8 subscriptions' }) }).locator('tbody tr');
    expect(await subscriptions.evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent])))
      .toEqual(detail.subscriptions.map((subscription) => [subscription.productName, String(subscription.quantity)]));
    const chart = panel.locator('figure.trend svg[role=img]');
    await chart.waitFor({ timeout: WAIT });
    expect(await chart.locator('circle.dot.devices').count()).toBe(complete.length);
    // One licenses series per product line, a dot per snapshot in which the line exists.
    expect(await chart.locator('circle.dot.licenses').count()).toBe(detail.trend.reduce((sum, point) => sum + point.lines.length, 0));
    expect(detail.trend).toHaveLength(complete.length);
    expect(await chart.locator('polyline.devices').getAttribute('points')).toMatch(new RegExp(`^(\\S+,\\S+ ){${complete.length - 1}}\\S+,\\S+$`));
    expect(await chart.locator('desc').textContent()).toContain(`${complete.length} snapshots`);
    await shot(page, 'client-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('hostile names from the simulator render literally as text: no img element, no dialog', async () => {
    const { page, context, errors } = await openDashboard();
    expect(await rowNames(page)).toContain(HOSTILE_IMG);
    // The formula-named organization is unmapped: it is listed under its own card, not among the clients.
    await card(page, 'unmapped').click();
    await waitUntil(async () => (await rowNames(page)).includes(HOSTILE_FORMULA), true, WAIT);
    await page.locator(`${W} button.chip-clear`).click(); // back to every mapped client
    await waitUntil(async () => (await rowNames(page)).includes(HOSTILE_IMG), true, WAIT);
    expect(await imagesInWidgets(page)).toBe(0);

    const all = await demo.api<ClientList>('/reconciliation/clients?status=mapped&limit=500');
    const hostile = all.items.find((row) => row.name === HOSTILE_IMG)!;
    await rows(page).filter({ hasText: HOSTILE_IMG }).click();
    await page.waitForURL(`**/panelone/#client/${encodeURIComponent(hostile.clientId)}`, { timeout: WAIT });
    await waitUntil(() => page.locator('billingone-client-panel h2#client-name').textContent(), HOSTILE_IMG, WAIT);
    expect(await imagesInWidgets(page)).toBe(0);

    await page.locator('nav a', { hasText: 'Settings' }).click();
    const mapping = page.locator('billingone-settings b1r-client-mapping');
    await mapping.locator('tbody tr').first().waitFor({ timeout: WAIT });
    const labels = await mapping.locator('tbody label').allTextContents();
    expect(labels).toContain(HOSTILE_IMG);
    expect(labels).toContain(HOSTILE_FORMULA);
    expect(await imagesInWidgets(page)).toBe(0);
    expect(errors).toEqual([]); // a fired dialog (alert) would be recorded here
    await context.close();
  });

  it('on a phone (390×844) the dashboard and client page show the same data', async () => {
    const { page, context, errors } = await openDashboard(PHONE);
    const summary = await demo.api<Summary>('/reconciliation/summary');
    const firstPage = await demo.api<ClientList>('/reconciliation/clients?status=mapped&sort=variance&order=desc&limit=25');
    expect(await readCards(page)).toEqual({
      under: { count: summary.underLicensed, money: summary.revenueAtRisk.amount },
      over: { count: summary.overLicensed, money: summary.overspend.amount },
      matched: { count: summary.matched, money: null },
    });
    expect((await rowNames(page)).slice(0, 5)).toEqual(firstPage.items.slice(0, 5).map((row) => row.name));
    expect(await listTotal(page)).toBe(firstPage.total);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'dashboard-phone');

    await rows(page).first().tap();
    await waitUntil(() => page.locator('billingone-client-panel h2#client-name').textContent(), firstPage.items[0].name, WAIT);
    await page.locator('billingone-client-panel figure.trend svg').waitFor({ timeout: WAIT });
    await waitUntil(() => page.locator('#client-select').inputValue(), firstPage.items[0].clientId, WAIT); // picker filled
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'client-phone');
    await page.locator('nav a', { hasText: 'Settings' }).tap();
    await page.locator('billingone-settings b1r-client-mapping tbody tr').first().waitFor({ timeout: WAIT });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'settings-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a viewer (role picker on the host page) cannot start a sync: the button is disabled and says why', async () => {
    const { page, context, errors } = await open('#sync');
    await page.locator('billingone-sync-tools .tool').first().waitFor({ timeout: WAIT });
    await page.locator('#role').selectOption('viewer');
    await waitUntil(async () => (await page.locator('#token-status').textContent())?.startsWith('Token (viewer)'), true, WAIT);
    const runsBefore = await demo.api<{ items: unknown[] }>('/sync/runs');

    const syncAll = page.locator('billingone-sync-tools .tool', { has: page.locator('h3', { hasText: 'Sync All' }) });
    // The UI shows what a role can do instead of letting it learn from an error.
    await syncAll.locator('button:disabled[title="Needs the technician role"]').waitFor({ timeout: WAIT });
    await syncAll.locator('button').click({ force: true }); // a click on the disabled button does nothing
    expect((await demo.api<{ items: unknown[] }>('/sync/runs')).items).toHaveLength(runsBefore.items.length);
    await shot(page, 'sync-viewer-desktop');

    // What the admin had loaded is gone for the viewer: the settings page refuses them.
    await page.evaluate(() => { location.hash = '#settings'; });
    await page.locator('billingone-settings', { hasText: 'Admins only' }).waitFor({ timeout: WAIT });
    expect(await page.locator('billingone-settings b1r-client-mapping tbody tr').count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('Take snapshot shows progress, then the new snapshot date; the snapshot list grows by one', async () => {
    const { page, context, errors } = await openDashboard();
    const before = await demo.api<{ items: Snapshot[] }>('/snapshots');
    await page.locator(`${W} .snapshot-bar button`, { hasText: 'Take snapshot' }).click();
    // While the run lasts (it is polled once a second) the button says so and cannot be pressed again.
    await page.locator(`${W} .snapshot-bar button:disabled`, { hasText: 'Taking snapshot…' }).waitFor({ timeout: WAIT });
    await page.locator(`${W} .snapshot-run [role=progressbar]`).waitFor({ timeout: WAIT });
    await page.locator(`${W} .snapshot-run [role=status]`, { hasText: 'Finished' }).waitFor({ timeout: 120_000 });
    expect(await page.locator(`${W} .snapshot-run [role=progressbar]`).getAttribute('aria-valuenow')).toBe('100');

    const after = await demo.api<{ items: Snapshot[] }>('/snapshots');
    expect(after.items).toHaveLength(before.items.length + 1);
    const fresh = after.items.find((snapshot) => !before.items.some((old) => old.id === snapshot.id))!;
    expect(fresh.status).toBe('complete');
    expect(Date.parse(fresh.takenAt)).toBeGreaterThan(Math.max(...before.items.map((snapshot) => Date.parse(snapshot.takenAt))));
    await waitUntil(() => page.locator(`${W} .snapshot-date time`).getAttribute('datetime'), fresh.takenAt, WAIT);
    expect((await demo.api<Summary>('/reconciliation/summary')).snapshot!.id).toBe(fresh.id);
    await shot(page, 'dashboard-after-snapshot-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('settings: a mapping changed with the picker is saved as confirmed', async () => {
    const { page, context, errors } = await open('#settings');
    const before = await demo.api<MappingList>('/clients');
    const organization = before.items.find((item) => item.mappingState === 'none')!;
    const company = before.unmatchedCompanies.find((candidate) => /^[A-Za-z]/.test(candidate.name))!;
    expect(organization).toBeDefined();
    expect(company).toBeDefined();

    const mapping = page.locator('billingone-settings b1r-client-mapping');
    const picker = mapping.locator(`select[id="map-${organization.organizationId}"]`);
    await picker.waitFor({ timeout: WAIT });
    await picker.selectOption({ label: company.name });
    const row = mapping.locator('tbody tr', { has: page.locator(`select[id="map-${organization.organizationId}"]`) });
    await row.locator('button', { hasText: 'Save' }).click();
    await waitUntil(() => row.locator('[role=status]').textContent(), 'Saved', WAIT);

    const after = await demo.api<MappingList>('/clients');
    expect(after.items.find((item) => item.organizationId === organization.organizationId)).toMatchObject({
      pax8CompanyId: company.pax8CompanyId,
      mappingState: 'confirmed',
    });
    expect(await row.locator('.badge').textContent()).toBe('Confirmed');
    await shot(page, 'settings-desktop');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('settings: "Test connection" with a wrong Pax8 secret says so clearly; the right one connects again', async () => {
    const { page, context, errors } = await open('#settings');
    const form = page.locator('billingone-settings b1r-integration-form form', { has: page.locator('#pax8-clientSecret') });
    const secret = form.locator('#pax8-clientSecret');
    await secret.waitFor({ timeout: WAIT });
    const saveAndTest = async (value: string) => {
      await secret.fill(value);
      await form.locator('button[type=submit]').click();
      await waitUntil(() => secret.inputValue(), '', WAIT); // the field is cleared once saved
      await form.locator('button', { hasText: 'Test connection' }).click();
      const result = form.locator('.test-result');
      await result.waitFor({ timeout: WAIT });
      await waitUntil(async () => (await form.locator('button', { hasText: /Test connection|Testing/ }).textContent())?.trim(), 'Test connection', WAIT);
      return (await result.textContent())!.replace(/\s+/g, ' ').trim();
    };

    const wrong = 'wrong-secret-e2e-5f1c';
    const failed = await saveAndTest(wrong);
    expect(failed).toMatch(/^Connection failed: .*credentials/i); // e.g. "Pax8 rejected the credentials …"
    expect(failed).not.toContain(wrong);
    expect(await form.locator('.test-result').getAttribute('class')).toContain('tone-under');
    await shot(page, 'settings-wrong-secret-desktop');

    const restored = await saveAndTest(PAX8_SIM_SECRET);
    expect(restored).toMatch(/^Connected: /);
    expect(errors).toEqual([]);
    await context.close();
  });
});
