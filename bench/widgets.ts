// Widget timings in Chromium (playwright-core, the system /usr/bin/chromium) against the bench's
// API and world: from the element's creation to the first summary cards with numbers, and to the
// filled client list; and the drill-down (the client panel, with its trend) from creation to its
// trend chart, as p50/p99 over repeated mounts. The page is served at the API's origin (a route
// in the browser), so the bundle and the API are same-origin, as behind PanelOne's proxy.
import { chromium } from 'playwright-core';

/** apiBase: what the widgets' api-base attribute gets (the origin; they add /api/v1). */
export async function widgetTimings(origin: string, apiBase: string, token: () => Promise<string>, clientId: string, runs = 20) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.route(`${origin}/bench-host`, (route) => route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><head><script type="module" src="${origin}/plugin/billingone-reconcile.js"></script></head><body><main></main></body></html>`,
    }));
    await page.goto(`${origin}/bench-host`);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    page.on('requestfailed', (r) => errors.push(`failed ${r.url()} ${r.failure()?.errorText}`));
    await page.evaluate(() => Promise.race([
      Promise.all(['billingone-reconciliation', 'billingone-client-panel'].map((t) => customElements.whenDefined(t))),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the widget bundle did not define its elements in 20 s')), 20_000)),
    ])).catch((err: Error) => { throw new Error(`${err.message}: ${errors.join('; ')}`); });
    const measure = (tag: string, attrs: Record<string, string>, marks: Record<string, string>) => page.evaluate(async ({ tag, attrs, marks }) => {
      document.querySelector('main')!.replaceChildren();
      const t0 = performance.now();
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      document.querySelector('main')!.append(el);
      const seen: Record<string, number> = {};
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`${tag}: not rendered in 30 s (${JSON.stringify(seen)}): ${(el.shadowRoot?.innerHTML ?? el.innerHTML).replace(/<!--[^>]*-->/g, '').slice(0, 400)}`)), 30_000);
        const look = () => {
          const root = el.shadowRoot ?? el;
          for (const [name, selector] of Object.entries(marks)) {
            if (seen[name] === undefined && root.querySelector(selector)) seen[name] = performance.now() - t0;
          }
          if (Object.keys(seen).length === Object.keys(marks).length) { clearTimeout(timeout); resolve(); } else setTimeout(look, 2);
        };
        look();
      });
      return seen;
    }, { tag, attrs, marks }).catch((err: Error) => { throw new Error(`${err.message.slice(0, 200)} | ${errors.slice(0, 4).join('; ')}`); });

    const dashboard: Array<Record<string, number>> = [];
    const drill: Array<Record<string, number>> = [];
    for (let i = 0; i < runs; i++) {
      const attrs = { 'api-base': apiBase, 'context-token': await token() };
      dashboard.push(await measure('billingone-reconciliation', attrs, { firstCards: 'button.card .card-count', filledList: 'tbody tr.client-row' }));
      drill.push(await measure('billingone-client-panel', { ...attrs, 'client-id': clientId }, { trend: '.trend-box figure, .trend-box p' }));
    }
    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { first: Math.round(xs[0]), p50: Math.round(s[Math.floor((s.length - 1) / 2)]), p99: Math.round(s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]) };
    };
    return {
      runs, firstCardsMs: stat(dashboard.map((d) => d.firstCards)), filledListMs: stat(dashboard.map((d) => d.filledList)),
      drillDownMs: stat(drill.map((d) => d.trend)),
    };
  } finally {
    await browser.close();
  }
}
