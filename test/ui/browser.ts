// Real-Chromium helpers for widget tests, shared with the end-to-end tests against the demo
// stack: launch the system Chromium, mount a widget on a page, run axe-core, screenshots.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
const AXE_PATH = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/** A fresh context (own cookies, downloads accepted) with one page; page errors fail loudly. */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    isMobile: (options.viewport?.width ?? DESKTOP.width) <= 600,
    hasTouch: (options.viewport?.width ?? DESKTOP.width) <= 600,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, errors };
}

/**
 * Opens `${baseUrl}/test-page` (any page that loads the bundle) and mounts `<tag attrs…>`
 * in <main>. Returns once the element is defined and has rendered once.
 */
export async function mountWidget(page: Page, baseUrl: string, tag: string, attributes: Record<string, string>, pagePath = '/test-page'): Promise<void> {
  await page.goto(`${baseUrl}${pagePath}`);
  await page.evaluate(
    async ({ tag, attributes }) => {
      await customElements.whenDefined(tag);
      const element = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      document.querySelector('main')!.append(element);
      await (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    },
    { tag, attributes },
  );
}

/** Sets an attribute on the first element matching `selector`, as a host would. */
export function setAttribute(page: Page, selector: string, name: string, value: string): Promise<void> {
  return page.evaluate(({ selector, name, value }) => document.querySelector(selector)!.setAttribute(name, value), { selector, name, value });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core inside the page (it follows open shadow roots); returns serious/critical violations. */
export async function seriousAxeViolations(page: Page, selector = 'main'): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const results = await axe.run({ include: [[selector]] }, { resultTypes: ['violations'] });
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  }, selector);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `read` until it deep-equals `expected` (what a person would wait for), or fails with the last value. */
export async function waitUntil<T>(read: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Waited ${timeoutMs} ms for ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`);
}
