import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every browser test runs with two guards: a request to anything but the local test servers fails the
 * test (Vitrine talks to no one else), and so does an uncaught error in the page. The guard listens
 * rather than routes: routing would turn off the HTTP cache, which Vitrine relies on.
 */
export const test = base.extend<{ guards: void; returning: boolean; warmed: void }>({
  /**
   * A returning visitor's browser: the script tag's file is in its HTTP cache (fetched once from a blank
   * page first; the test server revalidates it). A script that came over the network starts as a first
   * visit does (its lists are not held for a download), so tests of a history's ranking on the first page
   * load need it. `test.use({ returning: false })` for a browser that has never seen the shop.
   */
  returning: [true, { option: true }],
  warmed: [
    async ({ page, returning }, use) => {
      if (returning) {
        await page.goto('/test/pages/blank.html');
        await page.goto('about:blank'); // the test starts where a fresh page does
      }
      await use();
    },
    { auto: true },
  ],
  guards: [
    async ({ page }, use) => {
      const foreign: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        const local = url.hostname === 'localhost' || url.hostname === 'vitrine.test'; // vitrine.test maps to 127.0.0.1
        if (!local && url.protocol !== 'data:' && url.protocol !== 'blob:') foreign.push(r.url());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await use();
      expect(foreign, 'requests that left the test server').toEqual([]);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Where a test routes requests, Playwright turns off the HTTP cache: every file comes over the network, and
 * the script would start as on a first visit. This makes its own resource entry read as a cache hit (0 bytes
 * transferred), as a returning visitor's is; the rule itself is tested with the real cache (loading.spec.ts).
 */
export async function asIfCached(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const byName = performance.getEntriesByName.bind(performance);
    performance.getEntriesByName = (name: string, type?: string) =>
      byName(name, type).map((e) => (/\/vitrine\.min\.js$/.test(name) ? ({ ...e.toJSON(), transferSize: 0 } as PerformanceEntry) : e));
  });
}
