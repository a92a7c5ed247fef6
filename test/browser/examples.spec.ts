import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import type { Vitrine } from '../../src/index.js';
import { test, expect, asIfCached } from './fixtures.js';

// examples/ built with Vite from the packed package (scripts/build-examples.mjs: `npm pack`, the tarball
// installed into each app, `vite build`), as a user's app is built: a plain TypeScript app, a React app on
// `vitrine/react`, and a Vue app with the README's composable. Each must rank with no manual step (the
// .wasm files come with the engine chunk), keep the DOM equal to the framework's state through sort,
// filter, shuffle, add to cart and live reranks, and log no error.
const root = join(import.meta.dirname, '../..');
const built = join(root, 'test-results/examples');

test.describe.configure({ mode: 'serial' });
test.beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build-examples.mjs')], { cwd: root, stdio: 'pipe' });
});

/** Console errors and warnings of a page, from the moment it opens. */
function consoleOf(page: Page) {
  const lines: { type: string; text: string }[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && lines.push({ type: m.type(), text: m.text() }));
  return lines;
}

const domOrder = (page: Page) => page.$$eval('#list > li', (lis) => lis.map((li) => (li as HTMLElement).dataset.id!));

test("the lazy engine chunk Vite and webpack build is no larger than the script tag's second stage, and brings both .wasm files", () => {
  const sizes = JSON.parse(readFileSync(join(built, 'sizes.json'), 'utf8')) as Record<string, Record<string, { gzip: number }>>;
  const secondStage = gzipSync(readFileSync(join(root, 'dist/vitrine-engine.js')), { level: 9 }).length;
  for (const [app, files] of Object.entries(sizes)) {
    const engine = Object.entries(files).filter(([f]) => f.startsWith('engine: '));
    expect(engine, app).toHaveLength(1);
    expect(engine[0][1].gzip, `${app}: ${engine[0][0]}`).toBeLessThanOrEqual(secondStage);
    expect(Object.keys(files).filter((f) => /^tfjs-backend-wasm(-simd)?[.-].*\.wasm$/.test(f)), app).toHaveLength(2);
  }
});

test('the Vite app ranks in plain loops by default, on WASM when asked with no copy step, and a click reorders its list', async ({ page }) => {
  const said = consoleOf(page);
  const wasm: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname));
  await page.goto('/test-results/examples/vite-spa/dist/');
  await expect(page.locator('#list > li')).toHaveCount(30);
  // 30 items: no backend pays, none starts, no .wasm is fetched.
  expect(await page.evaluate(() => ({ ready: window.instance.ready, backend: window.instance.backend }))).toEqual({ ready: true, backend: undefined });
  expect(wasm).toEqual([]);
  await page.goto('/test-results/examples/vite-spa/dist/?backend=wasm');
  await expect(page.locator('#list > li')).toHaveCount(30);
  expect(await page.evaluate(() => ({ ready: window.instance.ready, backend: window.instance.backend }))).toEqual({ ready: true, backend: 'wasm' });
  expect(wasm).toEqual([expect.stringMatching(/^\/test-results\/examples\/vite-spa\/dist\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/)]);
  const before = await domOrder(page);
  for (const i of [3, 7, 12]) {
    const rendered = await page.evaluate(() => Number(document.body.dataset.rendered));
    await page.locator('#list > li button').nth(i).click();
    await expect.poll(() => page.evaluate(() => Number(document.body.dataset.rendered))).toBeGreaterThan(rendered);
  }
  const after = await domOrder(page);
  expect(after).not.toEqual(before);
  expect(after).toEqual(await page.evaluate((ids) => window.instance.rank(ids).then((r) => r.map((x) => x.id)), before));
  expect(said).toEqual([]);
});

test("the Vite app on Vite's dev server (dependencies pre-bundled) finds the .wasm files too", async ({ page }) => {
  const { createServer } = await import('vite');
  const app = join(built, 'vite-spa');
  // The dev server serves the app's own folder: the model and items come through a proxy to the test server.
  Object.assign(process.env, { VITE_VITRINE_MODEL: '/demo/model/', VITE_VITRINE_ITEMS: '/demo/data/movies.json' });
  const server = await createServer({
    root: app,
    configFile: join(app, 'vite.config.js'),
    logLevel: 'error',
    server: { port: 0, strictPort: false, proxy: { '/demo': new URL(test.info().project.use.baseURL!).origin } },
  });
  await server.listen();
  try {
    const said = consoleOf(page);
    await page.goto(`${server.resolvedUrls!.local[0]}?backend=wasm`);
    await expect(page.locator('#list > li')).toHaveCount(30, { timeout: 20_000 });
    expect(await page.evaluate(() => ({ ready: window.instance.ready, backend: window.instance.backend }))).toEqual({ ready: true, backend: 'wasm' });
    expect(said).toEqual([]);
  } finally {
    await server.close();
  }
});

test('a .wasm file the server lacks is named in the warning, and ranking goes on', async ({ page }) => {
  const said = consoleOf(page);
  await asIfCached(page);
  await page.route('**/*.wasm', (r) => r.fulfill({ status: 404, body: '' }));
  await page.goto('/test-results/examples/vite-spa/dist/?backend=wasm');
  await expect(page.locator('#list > li')).toHaveCount(30);
  expect(await page.evaluate(() => ({ ready: window.instance.ready, backend: window.instance.backend }))).toEqual({ ready: true, backend: 'cpu' });
  const warnings = said.filter((l) => l.type === 'warning').map((l) => l.text);
  expect(warnings).toEqual([expect.stringMatching(/^vitrine: 'wasm' requested; wasm \(GET http:\/\/localhost:\d+\/test-results\/examples\/vite-spa\/dist\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm answered 404\) failed to start: using cpu$/)]);
});

for (const app of ['react/dist', 'vue/dist', 'vue/webpack-dist']) {
  test(`${app}: sort, filter, shuffle, add to cart and live reranks keep the DOM equal to the framework's state and Vitrine's order`, async ({ page }) => {
    const said = consoleOf(page);
    // ?backend=wasm: the backend starts too, from the .wasm files the bundler emitted.
    await page.goto(`/test-results/examples/${app}/?backend=wasm`);
    await expect(page.locator('#list > li')).toHaveCount(24);
    const pageOrder = await domOrder(page); // before the model: the shop's order, nothing hidden or shifted
    await page.waitForFunction(() => window.instance?.ready);

    /** Waits until the framework rendered Vitrine's order of its current ids (or its sort), and checks the DOM is that. */
    const settled = async () => {
      await expect
        .poll(
          () =>
            page.evaluate(async () => {
              const { order, ids, sort } = window.rendered;
              const dom = [...document.querySelectorAll<HTMLElement>('#list > li')].map((li) => li.dataset.id);
              const want = sort === 'title' ? order : (await window.instance.rank(ids)).map((r) => r.id);
              return JSON.stringify(dom) === JSON.stringify(order) && JSON.stringify(order) === JSON.stringify(want);
            }),
          { timeout: 10_000 },
        )
        .toBe(true);
      return page.evaluate(() => window.rendered);
    };

    let state = await settled();
    expect(state.order).toEqual(pageOrder); // no history yet: the shop's order stands
    for (const i of [2, 5, 9]) {
      await page.locator('#list > li button.open').nth(i).click();
      state = await settled();
    }
    expect(state.order).not.toEqual(state.ids); // personalised
    await page.selectOption('#sort', 'title');
    state = await settled();
    expect(state.order).toEqual([...state.order].sort((a, b) => titleOf(a).localeCompare(titleOf(b))));
    await page.selectOption('#sort', 'for-you');
    await settled();
    const genre = await page.$$eval('#genre option', (o) => o[2].textContent!);
    await page.selectOption('#genre', genre);
    state = await settled();
    expect(state.ids.length).toBeLessThan(24);
    await page.click('#shuffle');
    await settled();
    await page.locator('#list > li button.cart').first().click();
    state = await settled();
    expect(state.cart).toHaveLength(1);
    await expect(page.locator(`#list > li[data-id="${state.cart[0]}"] em`)).toHaveText('in the cart');
    await page.selectOption('#genre', '');
    await page.locator('#list > li button.open').nth(7).click();
    state = await settled();
    expect(state.ids).toHaveLength(24);
    // The backend started too, from the .wasm files the bundler emitted.
    await expect.poll(() => page.evaluate(() => window.instance.backend)).toBe('wasm');
    expect(said).toEqual([]);

    function titleOf(id: string) {
      return titles.get(id)!;
    }
  });
}

const titles = new Map<string, string>((JSON.parse(readFileSync(join(root, 'demo/data/movies.json'), 'utf8')) as { id: string; title: string }[]).map((m) => [m.id, m.title]));

declare global {
  interface Window {
    /** The app's Vitrine instance, which each example puts here for the tests. */
    instance: Vitrine;
    rendered: { order: string[]; ids: string[]; sort: string; cart: string[] };
  }
}
