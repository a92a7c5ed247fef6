import { test, expect } from './fixtures.js';

// The policy a shop needs for Vitrine: scripts from its own origin, and compiling WebAssembly.
const POLICY = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

for (const [name, policy] of [
  ['a strict Content-Security-Policy', POLICY],
  ['Trusted Types enforcement too', `${POLICY}; require-trusted-types-for 'script'; trusted-types 'none'`],
] as const) test(`the storefront works under ${name}`, async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => /Content[- ]Security[- ]Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
  await page.route('**/demo/', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
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
