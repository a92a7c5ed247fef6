import type { Request } from '@playwright/test';
import { test, expect } from './fixtures.js';

// Nothing about the visitor leaves the device: the only network use is GET of static files.
test('a whole visit sends no request that carries profile or event data', async ({ page, context }) => {
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  const secret = ['item-18', 'item-19', 'item-4', 'home-grid', 'add_to_cart', 'dismiss', 'purchase', 'private-search'];
  // The page's URL holds what the visitor searched for: no request of Vitrine's may carry it, as a referrer either.
  await page.goto('/test/pages/shop.html?q=private-search');
  const run = () =>
    page.evaluate(async () => {
      const v = await window.vitrine.createVitrine({ model: '/test/fixtures/planted-model/', backend: 'wasm', autoTrack: true });
      await v.track({ type: 'click', item: 'item-18', list: 'home-grid' });
      await v.track({ type: 'add_to_cart', item: 'item-19' });
      await v.track({ type: 'purchase', item: 'item-19' });
      await v.rank(['item-4', 'item-10', 'item-50'], { explain: true });
      await v.recommend({ k: 5 });
      await v.profile();
      return v.ready;
    });
  expect(await run()).toBe(true);
  await page.getByRole('button', { name: 'Not interested' }).click();
  await page.waitForTimeout(1200); // views are recorded
  await page.reload();
  expect(await run()).toBe(true);

  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const url = new URL(r.url());
    expect(r.method(), r.url()).toBe('GET');
    expect(r.postData(), r.url()).toBeNull();
    expect(url.hostname).toBe('localhost');
    if (url.pathname === '/test/pages/shop.html' || url.pathname === '/favicon.ico') continue; // the browser's own
    expect(url.search, r.url()).toBe('');
    // Only the page, the script, its WASM and the model's files.
    expect(url.pathname).toMatch(/^\/(test\/pages\/shop\.html|favicon\.ico|dist\/vitrine(\.min|-engine)\.js|dist\/tfjs-backend-wasm(-simd)?\.wasm|test\/fixtures\/planted-model\/(manifest\.json|items\.json|weights\.bin))$/);
    const headers = JSON.stringify(await r.allHeaders());
    for (const s of secret) expect(headers, `${r.url()} headers`).not.toContain(s);
    // Every file Vitrine fetches (engine, WASM, model) goes without a referrer: not even the page's URL goes along.
    expect((await r.allHeaders()).referer, `${r.url()} referer`).toBeUndefined();
  }
  expect(requests.some((r) => r.url().endsWith('/dist/vitrine-engine.js'))).toBe(true);
  expect(requests.some((r) => r.url().endsWith('.wasm'))).toBe(true);
  const models = requests.filter((r) => r.url().includes('/planted-model/'));
  expect(models.length).toBeGreaterThanOrEqual(3);
});
