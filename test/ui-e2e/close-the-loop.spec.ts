// Issue 15 "done when", in real Chromium on the whole product as `npm start` runs it (demo
// process: PostgreSQL, Pax8 and PanelOne simulators, API and worker, seeded tenant): from a
// client's drill-down a billing lead accepts one gap with a reason, proposes and approves a
// Pax8 increase for another (preview, then confirm), sees it applied in the Pax8 simulator,
// takes a device snapshot alone (no Pax8 sync), and sees the gap closed; the audit trail shows every step.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { SCREENSHOT_DIR, launchBrowser, newPage, waitUntil } from '../ui/browser.js';
import { startDemoStack, type DemoStack } from './demo-process.js';
import type { GapListResponseDto } from '../../src/gaps/dto/gaps.dto.js';
import type { ClientDetailResponseDto } from '../../src/reconciliation/dto/reconciliation.dto.js';
import type { WriteLogEntry } from '../../simulators/pax8-writes.js';

const PANEL = 'billingone-client-panel';
const WAIT = 60_000;
const SHOTS = `${SCREENSHOT_DIR}demo/`;

let demo: DemoStack;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemoStack();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (demo) expect(await demo.stop()).toBe(0);
}, 60_000);

/** The Pax8 simulator's origin (the demo prints its API base, which ends in /v1). */
function pax8Origin(): string {
  const url = /Pax8 sim\s+(http:\/\/\S+)/.exec(demo.output())?.[1];
  if (!url) throw new Error(`The demo did not print the Pax8 simulator's address:\n${demo.output()}`);
  return new URL(url).origin;
}

/**
 * A client with an under-licensed gap on a monthly, priced subscription (the one the fix
 * raises; the only counted subscription of its product, so raising it by the gap closes it),
 * billed in full (the demo has PSA billing on: a billing gap would keep the line open), and
 * another open gap to accept.
 */
async function pickClient() {
  const gaps = await demo.api<GapListResponseDto>('/gaps?state=open&limit=200');
  const byClient = new Map<string, GapListResponseDto['items']>();
  for (const gap of gaps.items) byClient.set(gap.clientId, [...(byClient.get(gap.clientId) ?? []), gap]);
  for (const [clientId, own] of byClient) {
    if (own.length < 2) continue;
    const detail = await demo.api<ClientDetailResponseDto>(`/reconciliation/clients/${encodeURIComponent(clientId)}`);
    const fix = own.find((gap) => {
      const counted = detail.subscriptions.filter((subscription) => subscription.productId === gap.productId && subscription.countsAsLicence);
      // Billed in full (or not billed through PanelOne): raising the licences then leaves no gap at all on the line.
      return !gap.billing?.billedVariance && gap.variance > 0 && gap.variance <= 20 && counted.length === 1 && counted[0].billingTerm === 'Monthly' && detail.subscriptions.every((subscription) => subscription.productId !== gap.productId || !/^Pending/.test(subscription.status ?? ''));
    });
    const accept = own.find((gap) => gap !== fix);
    if (fix && accept) return { detail, fix, accept };
  }
  throw new Error('The demo data has no client with a fixable under-licensed gap and another gap');
}

describe('closing the loop on the demo stack', () => {
  it('accept one gap, fix another in Pax8, see it applied in the simulator, take a snapshot, see it closed, with the audit trail', async () => {
    const { detail, fix, accept } = await pickClient();
    const { page, context, errors } = await newPage(browser);
    await page.goto(`${demo.baseUrl}/panelone/#client/${encodeURIComponent(detail.clientId)}`);
    const line = (productId: string) => page.locator(`${PANEL} tr[data-product-id="${productId}"]`);
    await line(accept.productId).locator('.gap-state', { hasText: /^Open since/ }).waitFor({ timeout: WAIT });

    // 1. Accept one gap with a reason.
    await line(accept.productId).getByRole('button', { name: `Accept: ${accept.productName}` }).click();
    const acceptDialog = page.getByRole('dialog', { name: `Accept the ${accept.productName} gap` });
    await acceptDialog.getByLabel('Reason').selectOption('not-billable');
    await acceptDialog.getByLabel(/Note/).fill('Lab PCs, not billed');
    await acceptDialog.getByRole('button', { name: 'Accept gap' }).click();
    await line(accept.productId).locator('.gap-state', { hasText: 'Accepted: Not billable: Lab PCs, not billed · no end date' }).waitFor({ timeout: WAIT });

    // 2. Propose a Pax8 increase for the other, read its preview, approve it.
    await line(fix.productId).getByRole('button', { name: `Fix in Pax8: ${fix.productName}` }).click();
    const fixDialog = page.getByRole('dialog', { name: `Fix ${fix.productName} in Pax8` });
    await fixDialog.getByRole('button', { name: 'Preview change' }).click();
    const subscription = detail.subscriptions.find((candidate) => candidate.productId === fix.productId && candidate.countsAsLicence)!;
    const from = subscription.quantity;
    const to = from + fix.variance;
    await fixDialog.locator('.quantity', { hasText: `${from} → ${to} seats` }).waitFor({ timeout: WAIT });
    expect(await fixDialog.locator('.price').textContent()).toMatch(/^\+\$[\d,.]+ \/ month$/);
    await fixDialog.getByRole('button', { name: 'Confirm and propose' }).click();
    await fixDialog.getByRole('button', { name: 'Approve and apply' }).click();
    await fixDialog.getByText('Approved.').waitFor({ timeout: WAIT });
    await fixDialog.getByRole('button', { name: 'Close' }).click();

    // 3. The worker applies it; the line follows by itself, and the simulator holds the new quantity.
    await line(fix.productId).locator('.gap-state', { hasText: `Pax8 fix applied (${from} → ${to} seats), awaiting the next snapshot` }).waitFor({ timeout: WAIT });
    const writes = (await (await fetch(`${pax8Origin()}/_sim/writes`)).json()) as WriteLogEntry[];
    const effective = writes.filter((write) => write.subscriptionId === subscription.id && write.quantityAfter !== write.quantityBefore);
    expect(effective.map((write) => [write.outcome, write.quantityBefore, write.quantityAfter])).toEqual([['applied', from, to]]);

    // 4. Take a device snapshot (no Pax8 sync): the applied quantity is already what we know of Pax8.
    await page.evaluate(() => { location.hash = '#sync'; });
    const snapshot = page.locator('billingone-sync-tools .tool', { has: page.locator('h3', { hasText: 'Device snapshot' }) });
    await snapshot.locator('button').click();
    await snapshot.locator('.run-phase', { hasText: 'Finished' }).waitFor({ timeout: 180_000 });

    // 5. The gap is closed by that snapshot; the accepted one is still accepted.
    await page.evaluate((clientId) => { location.hash = `#client/${encodeURIComponent(clientId)}`; }, detail.clientId);
    await line(fix.productId).locator('.gap-state', { hasText: /^Closed by snapshot of / }).waitFor({ timeout: WAIT });
    await line(accept.productId).locator('.gap-state', { hasText: 'Accepted: Not billable' }).waitFor({ timeout: WAIT });
    const closed = await demo.api<GapListResponseDto>(`/gaps?state=closed&clientId=${encodeURIComponent(detail.clientId)}`);
    expect(closed.items.map((gap) => [gap.productId, gap.state, gap.actions[0]?.state, gap.actions[0]?.verification?.closed])).toEqual([[fix.productId, 'closed', 'applied', true]]);

    // 6. The audit trail tells each step in words.
    const trail = page.locator(`${PANEL} section.audit`);
    for (const step of [
      `accepted a gap on ${accept.productName}: reason Not billable; note Lab PCs, not billed; no end date; accepted variance ${accept.variance > 0 ? '+' : '−'}${Math.abs(accept.variance)}.`,
      `proposed a Pax8 change on ${fix.productName}: quantity ${from} → ${to}`,
      `approved a Pax8 change on ${fix.productName}`,
      `The worker applied a Pax8 change on ${fix.productName}: quantity ${from} → ${to}`,
    ]) {
      await trail.locator('li', { hasText: step }).first().waitFor({ timeout: WAIT }).catch(async (error: Error) => {
        throw new Error(`${error.message}\nThe audit trail reads:\n${(await trail.locator('li').allTextContents()).join('\n')}`);
      });
    }
    expect(await trail.textContent()).not.toMatch(/[{}]/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}close-the-loop-desktop.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
