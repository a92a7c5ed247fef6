import { test as base, expect } from '@playwright/test';

/**
 * Every browser test runs with two guards: a request to anything but the local test servers fails the
 * test (Vitrine talks to no one else), and so does an uncaught error in the page. The guard listens
 * rather than routes: routing would turn off the HTTP cache, which Vitrine relies on.
 */
export const test = base.extend<{ guards: void }>({
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
