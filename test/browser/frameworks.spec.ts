import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { rollup, type Plugin } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import replace from '@rollup/plugin-replace';
import { test, expect } from './fixtures.js';
import { serverHtml } from '../frameworks/react-server.js';

// The script tag on lists a framework renders (test/frameworks/): React 19 and 18 (development builds,
// keyed and index keys, StrictMode), Vue 3, and React server-rendered then hydrated, both ways round. At
// every step the DOM must equal the framework's own state (Vitrine never moves what a framework owns), the
// last rank event must report what is on screen, and the console must hold no error. Then plain pages: a
// list the page reorders after Vitrine did keeps the page's order; one the page filters is ranked again.
const root = join(import.meta.dirname, '../..');
const out = join(root, 'test-results/frameworks');
const MODEL = '/test/fixtures/planted-model/';

/** React 18 for the same app: every `react…` import, the app's and react-dom's, goes to the aliased copy. */
const react18: Plugin = {
  name: 'react18',
  resolveId(id, importer) {
    const m = /^react(-dom)?(\/.*)?$/.exec(id);
    return m ? this.resolve(`react${m[1] ?? ''}18${m[2] ?? ''}`, importer, { skipSelf: true }) : null;
  },
};

async function build(name: string, plugins: Plugin[]) {
  const bundle = await rollup({
    input: join(root, 'test/frameworks/react-main.js'),
    plugins: [...plugins, nodeResolve({ browser: true }), commonjs(), replace({ preventAssignment: true, 'process.env.NODE_ENV': JSON.stringify('development') })],
    onwarn() {},
  });
  await bundle.write({ file: join(out, `${name}.js`), format: 'es' });
}

const html = (app: string, body = '<div id="root"></div>') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vitrine on a framework's list</title><link rel="icon" href="data:,">
<script src="/dist/vitrine.min.js" data-model="${MODEL}" data-backend="wasm"></script>
<script>window.rankEvents = []; vitrine.on('rank', (e) => rankEvents.push(e));</script>
</head><body>${body}<script type="module" src="${app}"></script></body></html>`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  await build('react19', []);
  await build('react18', [react18]);
  const ssr = serverHtml();
  writeFileSync(join(out, 'react19.html'), html('react19.js'));
  writeFileSync(join(out, 'react18.html'), html('react18.js'));
  writeFileSync(join(out, 'vue3.html'), html('/test/frameworks/vue-main.js'));
  // Server-rendered: a bare hydrateRoot page marked by the shop, and one shaped like Next.js (no mark).
  writeFileSync(join(out, 'react19-marked.html'), html('react19.js', `<div id="root" data-vitrine-framework="react">${ssr}</div>`));
  writeFileSync(join(out, 'react19-bare.html'), html('react19.js', `<div id="root">${ssr}</div>`));
  writeFileSync(join(out, 'react19-next.html'), html('react19.js', `<div id="__next"><div id="root">${ssr}</div></div>`));
});

/** Console errors and Vitrine's warnings, as the page logs them. */
function consoleOf(page: Page) {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m) => (m.type() === 'error' ? errors : m.type() === 'warning' ? warnings : []).push(m.text()));
  return { errors, warnings };
}

const domOrder = (page: Page, list: string) =>
  page.locator(`[data-vitrine-list="${list}"] > [data-vitrine-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.vitrineItem!));
const events = (page: Page, list: string) =>
  page.evaluate((list) => (window as any).rankEvents.filter((e: { list: string }) => e.list === list) as { order: string[]; kept?: string; ranked: { score: number }[] }[], list);

/** The DOM is the framework's order, and the last rank event reports it. */
async function agree(page: Page, list: string, step: string) {
  const dom = await domOrder(page, list);
  expect(dom, `${step}: the DOM is the framework's order`).toEqual(await page.evaluate(() => (window as any).appState));
  await expect.poll(async () => (await events(page, list)).at(-1)?.order, { message: `${step}: the last rank event reports the order on screen` }).toEqual(dom);
}

/** Clicks that move a live list Vitrine ranks, sort, filter, shuffle, add to cart: the framework's order holds. */
async function drive(page: Page, list: string) {
  await expect.poll(async () => (await events(page, list)).length, { timeout: 20_000 }).toBeGreaterThan(0);
  await agree(page, list, 'first rank');
  for (const item of ['item-3', 'item-13', 'item-14']) {
    const n = (await events(page, list)).length;
    await page.evaluate((item) => window.vitrine.track({ type: 'click', item }), item);
    await expect.poll(async () => (await events(page, list)).length).toBeGreaterThan(n);
    await agree(page, list, `click on ${item}`);
  }
  for (const action of ['sort', 'filter', 'shuffle']) {
    await page.evaluate((a) => (window as any).app[a](), action);
    await agree(page, list, action);
  }
  await page.evaluate(async () => {
    await window.vitrine.track({ type: 'add_to_cart', item: 'item-2' });
    await (window as any).app.add();
  });
  await agree(page, list, 'add to cart');
  expect(await domOrder(page, list), 'the filter took items away').toHaveLength(20);
  // Vitrine wrote nothing to the framework's list and said why, once.
  expect(await page.locator(`[data-vitrine-list="${list}"][data-vitrine-ranked]`).count()).toBe(0);
  // Not held back while the model loads either: the list shows as the framework renders it.
  await expect(page.locator(`[data-vitrine-list="${list}"]`)).toBeVisible();
  expect((await events(page, list)).every((e) => e.kept?.startsWith('a framework renders it'))).toBe(true);
}

for (const [name, path, list] of [
  ['React 19', 'react19.html', 'react-grid'],
  ['React 19, index keys', 'react19.html?keys=index', 'react-grid'],
  ['React 19, StrictMode', 'react19.html?strict', 'react-grid'],
  ['React 18', 'react18.html', 'react-grid'],
  ['React 18, index keys', 'react18.html?keys=index', 'react-grid'],
  ['Vue 3', 'vue3.html', 'vue-grid'],
] as const) {
  test(`a ${name} list keeps the framework's order through clicks, sort, filter, shuffle and add to cart, reported as kept`, async ({ page }) => {
    const log = consoleOf(page);
    await page.goto(`/test-results/frameworks/${path}`);
    if (name.startsWith('React')) expect(await page.evaluate(() => (window as any).reactVersion)).toMatch(name.includes('18') ? /^18\./ : /^19\./);
    await drive(page, list);
    expect(log.warnings.filter((w) => w.includes(`list "${list}"`))).toHaveLength(1);
    expect(log.warnings.find((w) => w.includes(`list "${list}"`))).toContain('README: Frameworks');
    expect(log.errors).toEqual([]);
  });
}

for (const [name, path, first, reason] of [
  ['marked by the shop, the model first', 'react19-marked.html?hydrate&later', 'model', 'a framework renders it (react)'],
  ['marked by the shop, hydration first', 'react19-marked.html?hydrate', 'hydration', 'a framework renders it (react)'],
  ['unmarked, hydration first', 'react19-bare.html?hydrate', 'hydration', 'a framework renders it (__react'],
  ['in a Next.js-shaped page, the model first', 'react19-next.html?hydrate&later', 'model', 'a framework renders it (a server-rendered page)'],
] as const) {
  test(`server-rendered React 19 (${name}) hydrates with no error, and Vitrine leaves its list alone`, async ({ page }) => {
    const log = consoleOf(page);
    await page.goto(`/test-results/frameworks/${path}`);
    await expect.poll(async () => (await events(page, 'react-grid')).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const server = await domOrder(page, 'react-grid');
    if (first === 'model') {
      // The model has ranked before hydration: the server's HTML must be as the server sent it.
      expect(server).toEqual(Array.from({ length: 24 }, (_, i) => `item-${i + 1}`));
      await page.evaluate(() => (window as any).hydrateNow());
    }
    await expect.poll(() => page.evaluate(() => Object.keys(document.querySelector('[data-vitrine-item]')!).some((k) => k.startsWith('__reactFiber')))).toBe(true);
    expect((await events(page, 'react-grid'))[0].kept).toContain(reason);
    await drive(page, 'react-grid');
    expect(log.errors).toEqual([]);
  });
}

test('a plain list the page reorders after Vitrine did keeps the page’s order from then on, reported, with one warning', async ({ page }) => {
  const log = consoleOf(page);
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  await page.evaluate(() => {
    (window as any).rankEvents = [];
    window.vitrine.on('rank', (e) => (window as any).rankEvents.push(e));
    // The page sorts its list by number, as a "sort by" control would.
    const ul = document.querySelector('[data-vitrine-list="grid"]')!;
    [...ul.children].sort((a, b) => Number((a as HTMLElement).dataset.vitrineItem!.slice(5)) - Number((b as HTMLElement).dataset.vitrineItem!.slice(5))).forEach((li) => ul.append(li));
  });
  const sorted = ['item-4', 'item-10', 'item-11', 'item-12', 'item-31', 'item-44', 'item-50'];
  await expect.poll(async () => (await events(page, 'grid')).at(-1)?.order).toEqual(sorted);
  expect((await events(page, 'grid')).at(-1)?.kept).toBe('the page reordered it');
  // A click that would move a live list: the page's order stands, and the rank event says so.
  await page.evaluate(() => window.vitrine.track({ type: 'click', item: 'item-30' }));
  await expect.poll(async () => (await events(page, 'grid')).length).toBeGreaterThan(1);
  expect(await domOrder(page, 'grid')).toEqual(sorted);
  expect((await events(page, 'grid')).at(-1)?.order).toEqual(sorted);
  expect(log.warnings.filter((w) => w.includes('list "grid" keeps the page\'s order: the page reordered it'))).toHaveLength(1);
});

test('a plain list the page filters or extends is ranked again, and its rank events list what is on screen', async ({ page }) => {
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  await page.evaluate(() => {
    (window as any).rankEvents = [];
    window.vitrine.on('rank', (e) => (window as any).rankEvents.push(e));
  });
  for (const change of ['filter', 'extend'] as const) {
    const n = (await events(page, 'grid')).length;
    await page.evaluate((change) => {
      const ul = document.querySelector('[data-vitrine-list="grid"]')!;
      if (change === 'filter') ul.querySelector('[data-vitrine-item="item-10"]')!.remove();
      // Back at the end: the item the visitor's history puts first (see script-mode.spec.ts), and another.
      else ul.insertAdjacentHTML('beforeend', '<li data-vitrine-item="item-30"><button>30</button></li><li data-vitrine-item="item-10"><button>10</button></li>');
    }, change);
    await expect.poll(async () => (await events(page, 'grid')).length).toBeGreaterThan(n);
    const last = (await events(page, 'grid')).at(-1)!;
    const dom = await domOrder(page, 'grid');
    expect(last.kept).toBeUndefined();
    expect(last.order).toEqual(dom);
    // Ranked, not merely reported: the model's scores, in the order now on screen.
    expect(last.ranked.map((r) => (r as unknown as { id: string }).id)).toEqual(dom);
    expect(last.ranked.some((r) => r.score !== 0)).toBe(true);
    expect(dom).toHaveLength(change === 'filter' ? 6 : 8);
    if (change === 'extend') expect(dom[0], 'the item added last leads, as the history wants').toBe('item-10');
  }
});
