import type { Route } from '@playwright/test';
import { test, expect, asIfCached } from './fixtures.js';

// The policy a shop needs for Vitrine: scripts from its own origin, and compiling WebAssembly.
const POLICY = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/** The demo under `policy`, its script tag asking for WASM (with `auto` no list of the demo needs a backend). */
async function serveDemo(route: Route, policy: string) {
  const response = await route.fetch();
  const body = (await response.text()).replace('<script src="../dist/vitrine.min.js"', '<script data-backend="wasm" src="../dist/vitrine.min.js"');
  await route.fulfill({ response, body, headers: { ...response.headers(), 'content-security-policy': policy } });
}

for (const [name, policy] of [
  ['a strict Content-Security-Policy', POLICY],
  ['Trusted Types enforcement too', `${POLICY}; require-trusted-types-for 'script'; trusted-types 'none'`],
] as const) test(`the storefront works under ${name}`, async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => /Content[- ]Security[- ]Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
  await asIfCached(page);
  await page.route('**/demo/', (route) => serveDemo(route, policy));
  await page.goto('/demo/#/');
  await expect(page.locator('[data-vitrine-list="home-grid"][data-vitrine-ranked]')).toBeAttached({ timeout: 20_000 });
  expect(await page.evaluate(async () => (await window.vitrine.ready)?.backend)).toBe('wasm');
  await page.locator('[data-vitrine-list="home-grid"] > [data-vitrine-item] a').first().click();
  await page.goBack();
  const events = await page.evaluate(async () => (await window.vitrine.profile()).events.filter((e) => e.type === 'click').length);
  expect(events).toBe(1);
  expect(violations).toEqual([]);
  // The policy is in force: an inline script is refused.
  const refused = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
        const s = document.createElement('script');
        try {
          s.textContent = 'window.inlineRan = true';
        } catch {
          resolve('script-src (trusted types)'); // Trusted Types refuses the assignment itself
          return;
        }
        document.body.append(s);
        setTimeout(() => resolve((window as any).inlineRan ? 'ran' : 'no event'), 1000);
      }),
  );
  expect(refused).toMatch(/^script-src/);
});

// The second stage and the .wasm it compiles are checked against hashes the build carries, so a
// compromised host or CDN cannot swap the code behind a shop's SRI on the script tag.
for (const [what, file, tamper] of [
  ['engine module', '**/dist/vitrine-engine.js', (body: Buffer) => Buffer.concat([body, Buffer.from('\n;globalThis.tampered = true;\n')])],
  ['WASM binary', '**/dist/tfjs-backend-wasm-simd.wasm', (body: Buffer) => Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1] ^ 1])])],
] as const) {
  test(`a tampered ${what} is refused under the strict policy: the page keeps its order and says why`, async ({ page }) => {
    await asIfCached(page);
    await page.route('**/demo/', (route) => serveDemo(route, POLICY));
    await page.route(file, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: tamper(await response.body()) });
    });
    await page.goto('/demo/#/');
    const grid = page.locator('[data-vitrine-list="home-grid"]');
    await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
    const r = await page.evaluate(async () => {
      const v = (await window.vitrine.ready)!;
      return { ready: v.ready, error: v.error, tampered: (globalThis as any).tampered ?? false };
    });
    expect(r.ready).toBe(false);
    expect(r.tampered).toBe(false);
    expect(r.error?.code).toBe('engine-integrity');
    expect(r.error?.message).toMatch(what === 'engine module' ? /vitrine-engine\.js does not match the hash/ : /tfjs-backend-wasm-simd\.wasm has sha256 [0-9a-f]{64}, this build of Vitrine expects [0-9a-f]{64}/);
    // The page's own order: the first 48 films of the demo's catalog, as it renders them.
    const order = await grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
    const catalog = await page.evaluate(async () => (await (await fetch('/demo/data/movies.json')).json()).slice(0, 48).map((m: { id: string }) => m.id));
    expect(order).toEqual(catalog);
  });
}
