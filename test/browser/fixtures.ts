import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type BrowserContext } from '@playwright/test';

/** The integrity of the built second stage: what the script tag records once it loaded it. */
export const ENGINE_INTEGRITY: string = JSON.parse(readFileSync(join(import.meta.dirname, '../../dist/integrity.json'), 'utf8'))['vitrine-engine.js'];

/**
 * Makes the browser a device that loaded this build's engine before (its HTTP cache aside): a page with a
 * history then holds its lists until they are ranked, as for a returning visitor. A context of the test's
 * own (browser.newContext()) is a device without it, where such a page starts as a first visit.
 */
export const engineSeen = (context: BrowserContext) =>
  context.addInitScript((v) => {
    try {
      localStorage.setItem('vitrine:engine', v);
    } catch {}
  }, ENGINE_INTEGRITY);

/**
 * Every browser test runs with two guards: a request to anything but the local test servers fails the
 * test (Vitrine talks to no one else), and so does an uncaught error in the page. The guard listens
 * rather than routes: routing would turn off the HTTP cache, which Vitrine relies on.
 */
export const test = base.extend<{ guards: void }>({
  context: async ({ context }, use) => {
    await engineSeen(context);
    await use(context);
  },
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
