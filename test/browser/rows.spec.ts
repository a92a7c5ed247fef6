import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from '@playwright/test';
import { test, expect, asIfCached } from './fixtures.js';

// A version 2 model (the demo's): a page fetches the core and the rows of the items it shows, never
// anything chosen by the visitor's history.
const MODEL = '/demo/model/';
const dir = join(import.meta.dirname, '../../demo/model');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const vocabulary = JSON.parse(readFileSync(join(dir, manifest.items), 'utf8')) as { ids: string[]; categories: string[][] };
const ids = vocabulary.ids;
const page1 = ids.slice(0, 48);
const page2 = ids.slice(48, 96);
// The popular file's ids (src/cli/write-model.ts writes it: u32 count, u32 row bytes, then per item u32
// slot, its row, u16 id length, the id).
const popularIds = (() => {
  const b = readFileSync(join(dir, manifest.popular));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const [count, R] = [v.getUint32(0, true), v.getUint32(4, true)];
  const out: string[] = [];
  for (let k = 0, p = 8; k < count; k++, p += 6 + R + v.getUint16(p + 4 + R, true)) out.push(b.subarray(p + 6 + R, p + 6 + R + v.getUint16(p + 4 + R, true)).toString());
  return out;
})();
const popular = new Set(popularIds);
const of = (genre: string) => page1.filter((id) => vocabulary.categories[ids.indexOf(id)].includes(genre)).slice(0, 3);

/** The model requests of a context: path and Range header, in a canonical order. */
function recorder(context: BrowserContext) {
  const seen: Request[] = [];
  context.on('request', (r) => r.url().includes(MODEL) && seen.push(r));
  return {
    take: async () => {
      const out = await Promise.all(seen.splice(0).map(async (r) => `${new URL(r.url()).pathname} ${(await r.allHeaders()).range ?? ''}`));
      return out.sort();
    },
  };
}

/** How many buckets the page's Cache Storage keeps (run in the page). */
async function keptBuckets() {
  let n = 0;
  for (const k of await caches.keys()) if (k.startsWith('vitrine-rows-')) n += (await (await caches.open(k)).keys()).length;
  return n;
}

/** One page view: the page's items ranked (as a list on the page would be), clicks, then recommend. */
async function visit(page: Page, shown: string[], clicks: string[], backend = 'wasm') {
  return page.evaluate(
    async ({ model, shown, clicks, backend }) => {
      const v = await window.vitrine.createVitrine({ model, backend: backend as 'wasm', autoTrack: false, scoring: { page: 0 } });
      await v.rank(shown);
      for (const item of clicks) await v.track({ type: 'click', item });
      const order = (await v.rank(shown)).map((r) => r.id);
      const recommended = (await v.recommend({ k: 10 })).map((r) => r.id);
      const error = v.error?.message;
      await v.dispose();
      return { order, recommended, error };
    },
    { model: MODEL, shown, clicks, backend },
  );
}

test('two visitors with different histories make the same model requests; a returning visitor fetches no row for its history', async ({ browser }) => {
  const runs = [];
  for (const genre of ['Sci-Fi', 'Children']) {
    const context = await browser.newContext();
    const requests = recorder(context);
    const page = await context.newPage();
    await page.goto('/test/pages/blank.html');
    const first = await visit(page, page1, of(genre));
    const onPage1 = await requests.take();
    // The next page: the history's items are not on it; their rows come from the profile's store.
    const second = await visit(page, page2, []);
    const onPage2 = await requests.take();
    // Fetched buckets are put in Cache Storage when the page is idle: wait for them before the reload (a
    // reload that comes first loses the write, and that visitor fetches the bucket again, as it should).
    const fetched = new Set([...onPage1, ...onPage2].filter((x) => x.includes('bytes='))).size;
    await expect.poll(() => page.evaluate(keptBuckets)).toBeGreaterThanOrEqual(fetched);
    // A returning visitor on the second page (a new page load): the same, from the store, with no request for the history.
    await page.reload();
    const again = await visit(page, page2, []);
    const onReturn = await requests.take();
    runs.push({ genre, first, second, again, onPage1, onPage2, onReturn });
    await context.close();
  }
  const [a, b] = runs;
  for (const r of runs) {
    expect(r.first.error).toBeUndefined();
    expect(of(r.genre)).toHaveLength(3);
    // Personalised: the second page's order follows the history, and a returning visitor sees it again.
    expect(r.second.order).not.toEqual(page2);
    expect(r.again.order).toEqual(r.second.order);
    expect(r.onPage1.some((x) => /\/rows-[0-9a-f]{16}\.bin bytes=\d+-\d+$/.test(x))).toBe(true);
    expect(r.onPage1.some((x) => x.includes('/core-'))).toBe(true);
  }
  expect(a.second.order).not.toEqual(b.second.order);
  // Identical requests, paths and ranges, whatever the history.
  expect(a.onPage1).toEqual(b.onPage1);
  expect(a.onPage2).toEqual(b.onPage2);
  expect(a.onReturn).toEqual(b.onReturn);
  // A range request of the first bucket of each shown item that the popular file does not hold (of its
  // second too, for the few not in their first; items may share a bucket), and nothing for what the visitor did.
  const ranges = (xs: string[]) => xs.filter((x) => x.includes('bytes='));
  const notPopular = page2.filter((id) => !popular.has(id)).length;
  expect(notPopular).toBeGreaterThan(10);
  expect(ranges(a.onPage2).length).toBeGreaterThan(notPopular * 0.8);
  expect(ranges(a.onPage2).length).toBeLessThanOrEqual(notPopular * 1.2);
  expect(a.onPage1.filter((x) => x.includes('/popular-'))).toHaveLength(1);
  expect(new Set(ranges(a.onPage2)).size).toBe(ranges(a.onPage2).length);
  // Back on a page seen before, its buckets come from Cache Storage (kept as a cache keeps them, for the page).
  expect(ranges(a.onReturn)).toEqual([]);
  expect(a.onPage1.some((x) => x.includes('/items-'))).toBe(false);
});

test('a page of popular items costs one row request, the popular file, and no range', async ({ browser }) => {
  const context = await browser.newContext();
  const requests = recorder(context);
  const page = await context.newPage();
  await page.goto('/test/pages/blank.html');
  const shown = popularIds.slice(0, 48);
  const { order, error } = await visit(page, shown, []);
  expect(error).toBeUndefined();
  expect(new Set(order)).toEqual(new Set(shown));
  const made = await requests.take();
  expect(made.filter((x) => x.includes('bytes='))).toEqual([]);
  expect(made.filter((x) => x.includes('/popular-'))).toHaveLength(1);
  await context.close();
});

test('forget() deletes the kept rows with the profile', async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  await visit(page, page1, of('Sci-Fi'));
  const counts = await page.evaluate(async (model) => {
    const count = async () => {
      const names = (await caches.keys()).filter((k) => k.startsWith('vitrine-rows-')).length;
      const request = indexedDB.open('vitrine');
      const db: IDBDatabase = await new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
      const kept = db.objectStoreNames.contains('meta')
        ? await new Promise<number>((resolve) => {
            const keys = db.transaction('meta').objectStore('meta').getAllKeys();
            keys.onsuccess = () => resolve(keys.result.filter((k) => String(k).startsWith('kept:')).length);
          })
        : 0;
      db.close();
      return { names, kept };
    };
    const before = await count();
    const v = await window.vitrine.createVitrine({ model, autoTrack: false });
    await v.forget();
    v.dispose();
    return { before, after: await count() };
  }, MODEL);
  expect(counts).toEqual({ before: { names: 1, kept: 3 }, after: { names: 0, kept: 0 } }); // a row per item clicked
});

test("the rows of the visitor's items are kept one record each, each written once, and only theirs", async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  const [a, b, c] = of('Sci-Fi');
  const [d] = of('Children');
  const steps = await page.evaluate(
    async ({ model, page1, a, b, c, d }) => {
      let puts = 0;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
        if (String(key).startsWith('kept:')) puts++;
        return put.call(this, value, key);
      };
      const kept = async () => {
        const request = indexedDB.open('vitrine');
        const db: IDBDatabase = await new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
        const keys = await new Promise<IDBValidKey[]>((resolve) => {
          const r = db.transaction('meta').objectStore('meta').getAllKeys();
          r.onsuccess = () => resolve(r.result);
        });
        db.close();
        return keys.map(String).filter((k) => k.startsWith('kept:')).map((k) => k.slice(k.lastIndexOf(':') + 1)).sort();
      };
      const v = await window.vitrine.createVitrine({ model, autoTrack: false });
      const out: { puts: number; kept: string[] }[] = [];
      // Clicks, then a rank of the page; the rows are written after it (not awaited): wait for the store to hold `want`.
      const step = async (clicks: string[], want: string[], history?: string[]) => {
        for (const item of clicks) await v.track({ type: 'click', item });
        await v.rank(page1, history && { history });
        let now: string[] = [];
        for (let i = 0; i < 100 && (now = await kept()).join() !== [...want].sort().join(); i++) await new Promise((r) => setTimeout(r, 50));
        out.push({ puts, kept: now });
        puts = 0;
      };
      await step([a, b, c], [a, b, c]);
      await step([a], [a, b, c]); // an item already kept: nothing written
      await step([d], [a, b, c, d]); // one new item: one row written
      await step([], [a], [a]); // a history without b, c, d: their rows go
      v.dispose();
      return out;
    },
    { model: MODEL, page1, a, b, c, d },
  );
  expect(steps).toEqual([
    { puts: 3, kept: [a, b, c].sort() },
    { puts: 0, kept: [a, b, c].sort() },
    { puts: 1, kept: [a, b, c, d].sort() },
    { puts: 0, kept: [a] },
  ]);
});

for (const host of ['ignores Range (200, whole file)', 'refuses Range (416)'] as const) {
  test(`a host that ${host} serves the same order`, async ({ page, context }) => {
    await page.goto('/test/pages/blank.html');
    const expected = await visit(page, page1, of('Sci-Fi'));

    const other = await context.browser()!.newContext();
    const p = await other.newPage();
    let ranged = 0;
    await asIfCached(p);
    await p.route(`**${MODEL}rows-*.bin`, async (route) => {
      const range = route.request().headers().range;
      if (!range) return route.continue();
      ranged++;
      if (host.startsWith('refuses')) return route.fulfill({ status: 416, body: '' });
      // Fetched without the Range header: the whole file, as a host that ignores it answers.
      const headers = { ...route.request().headers() };
      delete headers.range;
      return route.fulfill({ response: await route.fetch({ headers }) });
    });
    await p.goto('/test/pages/blank.html');
    const got = await visit(p, page1, of('Sci-Fi'));
    expect(ranged).toBeGreaterThan(0);
    expect(got.error).toBeUndefined();
    expect(got.order).toEqual(expected.order);
    await other.close();
  });
}

test('a row host that never answers leaves the page order, after the timeout, and breaks nothing', async ({ page }) => {
  await asIfCached(page);
  await page.route(`**${MODEL}rows-*.bin`, () => {}); // never answered
  await page.goto('/test/pages/blank.html');
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const got = await page.evaluate(
    async ({ model, ids }) => {
      const v = await window.vitrine.createVitrine({ model, backend: 'wasm', autoTrack: false, timeoutMs: 1500 });
      const started = performance.now();
      const order = (await v.rank(ids)).map((r) => r.id);
      return { order, ready: v.ready, ms: performance.now() - started };
    },
    { model: MODEL, ids: page1 },
  );
  expect(got.ready).toBe(true);
  expect(got.order).toEqual(page1);
  expect(warnings.some((w) => /item rows unavailable/.test(w))).toBe(true);
});
