import { test as base, expect } from '@playwright/test';

/**
 * Every browser test runs with two guards: a request to anything but the local test server fails the
 * test (Vitrine talks to no one else), and so does an uncaught error in the page.
 */
export const test = base.extend<{ guards: void }>({
  guards: [
    async ({ page, baseURL }, use) => {
      const foreign: string[] = [];
      const errors: string[] = [];
      await page.route(
        (url) => url.origin !== new URL(baseURL!).origin && url.protocol !== 'data:' && url.protocol !== 'blob:',
        (route) => {
          foreign.push(route.request().url());
          return route.abort();
        },
      );
      page.on('pageerror', (e) => errors.push(e.message));
      await use();
      expect(foreign, 'requests that left the test server').toEqual([]);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
