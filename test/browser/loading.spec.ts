import type { Page } from '@playwright/test';
import { test, expect, asIfCached } from './fixtures.js';

// Two-stage loading: dist/vitrine.min.js tracks, stores and reorders; dist/vitrine-engine.js (TensorFlow.js
// and the engine), the .wasm and the model are fetched only when the page has a marked list.
const secondStage = (path: string) => /\/dist\/(vitrine-engine\.js|.*\.wasm)$|\/(planted-model|model)\//.test(path);

function requests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => seen.push(new URL(r.url()).pathname));
  return seen;
}

test('a page with no marked list records events and never fetches TensorFlow.js or the model; a list added later does', async ({ page }) => {
  const seen = requests(page);
  await page.goto('/test/pages/article.html');
  await page.getByRole('button', { name: 'Add the gift card' }).click();
  await page.waitForTimeout(2500); // past the idle callback's 2 s deadline
  await page.reload(); // the event is in IndexedDB, not only in the page's memory
  await expect.poll(async () => (await page.evaluate(() => window.vitrine.profile())).events.map((e) => `${e.type}:${e.item}`)).toContain('add_to_cart:1');
  await page.waitForTimeout(500);
  expect(seen.filter(secondStage)).toEqual([]);
  expect(seen).toContain('/dist/vitrine.min.js');

  // An SPA puts a marked list on screen: now the second stage loads, and the list is ranked.
  await page.evaluate(() => {
    const ul = document.createElement('ul');
    ul.dataset.vitrineList = 'added';
    for (const id of ['item-50', 'item-10', 'item-19']) ul.insertAdjacentHTML('beforeend', `<li data-vitrine-item="${id}">${id}</li>`);
    document.body.prepend(ul);
  });
  await expect(page.locator('[data-vitrine-list="added"][data-vitrine-ranked]')).toBeAttached({ timeout: 20_000 }); // the engine, WASM and model load only now
  expect(seen).toContain('/dist/vitrine-engine.js');
  expect(await page.evaluate(async () => (await window.vitrine.ready)?.ready)).toBe(true);
  expect(seen.filter((p) => p.endsWith('.wasm'))).toEqual([]); // three items: no backend needed
});

test('a list below the fold is ranked while the page is idle, before the visitor scrolls to it, and never marked late', async ({ page }) => {
  const seen = requests(page);
  await page.goto('/test/pages/below-fold.html');
  const footer = page.locator('[data-vitrine-list="footer"]');
  await expect(footer).toHaveAttribute('data-vitrine-ranked', '');
  expect(seen).toContain('/dist/vitrine-engine.js');
  const order = () => footer.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
  expect((await order())[0]).toBe('item-10'); // item-19's planted successor leads
  await footer.scrollIntoViewIfNeeded();
  await page.waitForTimeout(100); // longer than the 1 ms hold budget, which starts on screen
  await expect(footer).not.toHaveAttribute('data-vitrine-late', '');
  expect(await footer.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
});

test('a marked list on screen is held until ranked, however late the second stage arrives within the budget', async ({ page }) => {
  // The engine arrives 600 ms late; the list waits for it (hold budget 5 s), then shows in the ranked order.
  await asIfCached(page);
  await page.route('**/dist/vitrine-engine.js', async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await page.goto('/test/pages/lists.html');
  const grid = page.locator('[data-vitrine-list="grid"]');
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('hidden');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '');
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  await expect(grid).not.toHaveAttribute('data-vitrine-late', '');
});

test('when the second stage cannot be fetched, the page keeps its order and tracking goes on', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await asIfCached(page);
  await page.route('**/dist/vitrine-engine.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/test/pages/lists.html');
  const grid = page.locator('[data-vitrine-list="grid"]');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '');
  expect(await grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem))).toEqual(['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12']);
  const v = await page.evaluate(async () => {
    const v = (await window.vitrine.ready)!;
    await v.track({ type: 'click', item: 'item-4' });
    return { ready: v.ready, error: v.error, events: (await v.profile()).events.length };
  });
  expect(v).toMatchObject({ ready: false, error: { code: 'model-fetch', message: expect.stringContaining('ranking code could not be loaded') } });
  expect(v.events).toBeGreaterThanOrEqual(3);
  expect(warnings.some((w) => w.includes('vitrine: keeping the page\'s order'))).toBe(true);
});

test('the npm build imports its engine chunk only when the model loads', async ({ page }) => {
  await page.goto('/demo/spa/');
  await expect(page.locator('#status')).toContainText('ranking in plain loops');
  // A static import is fetched with the app's module graph, before any of the app's code runs; the lazy
  // chunk only once the app runs and asks for the model.
  const t = await page.evaluate(() => ({
    appStarted: performance.getEntriesByName('spa:start')[0]?.startTime,
    chunk: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith('/demo/spa/build/vitrine-engine.js'))?.startTime,
  }));
  expect(t.appStarted).toBeGreaterThan(0);
  expect(t.chunk).toBeGreaterThan(t.appStarted!);
});

test('the first order needs no tfjs backend: it is computed in plain loops, the .wasm is asked for after it, and the backend is reported once started', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as any;
    w.ranks = [];
    addEventListener('DOMContentLoaded', () =>
      w.vitrine.on('rank', (e: { list: string; backend?: string; ranked: { score: number }[] }) =>
        w.ranks.push({ list: e.list, backend: e.backend ?? null, at: performance.now(), personalised: e.ranked.some((r) => r.score !== 0) }),
      ),
    );
  });
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  const r = await page.evaluate(async () => {
    const v = (await window.vitrine.ready)!; // settles once the backend started too
    const wasm = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'));
    return { backend: v.backend, ranks: (window as any).ranks, wasm: wasm.map((e) => e.startTime) };
  });
  const first = r.ranks.find((e: { list: string }) => e.list === 'grid');
  expect(first).toMatchObject({ backend: null, personalised: true });
  expect(r.backend).toBe('wasm');
  expect(r.wasm).toHaveLength(1);
  expect(r.wasm[0]).toBeGreaterThan(first.at);
});

test("a first visit holds nothing back: its lists paint at once in the page's order, move once the visitor acts, and the next page holds and ranks them", async ({ page }) => {
  // lists.html without the events it queues on the stub: a device with no history.
  await asIfCached(page);
  await page.route('**/test/pages/lists.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()).replace(/ *vitrine\('track'.*\n/g, '') });
  });
  const grid = page.locator('[data-vitrine-list="grid"]');
  const order = () => grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
  const original = ['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12'];
  const seen = requests(page);
  await page.goto('/test/pages/lists.html');
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible'); // from the first paint
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  expect(await order()).toEqual(original);
  expect(seen).toContain('/dist/vitrine-engine.js'); // loaded while the page was idle
  // The visitor acts: the live list follows, and the device now has a history (an item a second on screen
  // may have flagged it already: a view is an event of the profile too).
  await page.locator('[data-vitrine-item="item-10"] button').click();
  await expect.poll(order).not.toEqual(original);
  expect(await page.evaluate(() => localStorage.getItem('vitrine:history'))).toBe('1');
  // The next page holds its lists until they are ranked (the engine delayed, so the hold can be seen).
  await page.route('**/dist/vitrine-engine.js', async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await page.reload();
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('hidden');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  expect(await order()).not.toEqual(original);
  // Erasing the profile clears the flag: the next visit is a first visit again.
  await page.evaluate(() => window.vitrine.forget());
  expect(await page.evaluate(() => localStorage.getItem('vitrine:history'))).toBeNull();
  // And the next event on this page flags it again.
  await page.evaluate(() => window.vitrine.track({ type: 'click', item: 'item-10' }));
  expect(await page.evaluate(() => localStorage.getItem('vitrine:history'))).toBe('1');
});

test.describe('a returning visitor whose browser has not cached the script', () => {
  test.use({ returning: false });
  test("sees the page's order at once, as on a first visit, and Vitrine's from the first action; the next page, its script from the cache, holds the lists until ranked", async ({ page }) => {
    // Each list's visibility when the HTML has been parsed (after the script, before any ranking).
    await page.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () => {
        (window as unknown as { shown: string }).shown = getComputedStyle(document.querySelector('[data-vitrine-list="grid"]')!).visibility;
      }),
    );
    const script = () =>
      page.evaluate(() => {
        const e = performance.getEntriesByName(new URL('/dist/vitrine.min.js', location.href).href, 'resource')[0] as PerformanceResourceTiming;
        return { transferred: e.transferSize, body: e.encodedBodySize, shown: (window as unknown as { shown: string }).shown };
      });
    const grid = page.locator('[data-vitrine-list="grid"]');
    const order = () => grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
    const original = ['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12'];
    // lists.html queues two events on the stub: a history, but the script comes over the network.
    await page.goto('/test/pages/lists.html');
    const first = await script();
    expect(first.transferred).toBeGreaterThan(first.body);
    expect(first.shown).toBe('visible');
    await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
    expect(await order()).toEqual(original);
    await page.locator('[data-vitrine-item="item-10"] button').click();
    await expect.poll(order).not.toEqual(original);
    // The next page: the script revalidated (the test server's no-cache; resource timing counts its headers
    // as 300 bytes and no body), the lists held until ranked.
    await page.reload();
    const next = await script();
    expect(next.transferred).toBeLessThanOrEqual(300);
    expect(next.shown).toBe('hidden');
    await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
    expect(await order()).not.toEqual(original);
    await expect(grid).not.toHaveAttribute('data-vitrine-late', '');
  });
});

test("a first visit fetches the engine and the model only once the page has painted, though the demo's home asks for recommendations at once", async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number };
    w.__lcp = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (w.__lcp = Math.max(w.__lcp, e.startTime)))).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  await page.goto('/demo/#/');
  await expect(page.locator('[data-vitrine-list="home-grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  const t = await page.evaluate(() => ({
    lcp: (window as unknown as { __lcp: number }).__lcp,
    load: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
    ours: performance
      .getEntriesByType('resource')
      .filter((e) => /\/dist\/vitrine-engine\.js$|\/demo\/model\//.test(e.name))
      .map((e) => e.startTime),
  }));
  expect(t.lcp).toBeGreaterThan(0);
  expect(t.ours.length).toBeGreaterThanOrEqual(3); // the engine, the manifest, the core
  // A second after the page's largest paint (and its load event) at the earliest.
  expect(Math.min(...t.ours)).toBeGreaterThanOrEqual(Math.max(t.lcp, t.load) + 1000);
});

test("a first visit's first input (a click) loads the engine at once, before the page has finished loading", async ({ page }) => {
  // lists.html with no history, and an image that holds the page's load event back for 30 s.
  await page.route('**/test/pages/lists.html', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/ *vitrine\('track'.*\n/g, '').replace('<h1>Shop</h1>', '<h1>Shop</h1><img src="/slow.png" alt="">');
    await route.fulfill({ response, body });
  });
  await page.route('**/slow.png', () => undefined); // never answered while the test runs
  const seen = requests(page);
  await page.goto('/test/pages/lists.html', { waitUntil: 'domcontentloaded' });
  const grid = page.locator('[data-vitrine-list="grid"]');
  const order = () => grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
  const original = await order();
  await page.waitForTimeout(2500); // past the idle callback's 2 s deadline: still nothing fetched
  expect(seen.filter(secondStage)).toEqual([]);
  expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
  await page.locator('[data-vitrine-item="item-10"] button').click();
  await expect.poll(() => seen.filter(secondStage)).toContain('/dist/vitrine-engine.js');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  expect(await order()).toEqual(original); // the first order is the page's; the next action moves it
  await page.locator('[data-vitrine-item="item-4"] button').click();
  await expect.poll(order).not.toEqual(original);
  expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
});

test('on a first visit, an event before the model loads neither hides nor moves the lists already shown', async ({ page }) => {
  await page.route('**/test/pages/lists.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()).replace(/ *vitrine\('track'.*\n/g, '') });
  });
  // The engine arrives late: the event comes first.
  await page.route('**/dist/vitrine-engine.js', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  const grid = page.locator('[data-vitrine-list="grid"]');
  const order = () => grid.evaluate((el) => [...el.children].map((li) => (li as HTMLElement).dataset.vitrineItem));
  await page.goto('/test/pages/lists.html');
  const original = await order();
  await page.evaluate(() => window.vitrine.track({ type: 'view', item: 'item-10' }));
  await page.waitForTimeout(100);
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  expect(await order()).toEqual(original);
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  // A list the page adds from now on is held until ranked, and ranked.
  await page.evaluate(() => {
    const ul = document.createElement('ul');
    ul.dataset.vitrineList = 'later';
    for (const id of ['item-50', 'item-10', 'item-19']) ul.insertAdjacentHTML('beforeend', `<li data-vitrine-item="${id}">${id}</li>`);
    document.body.prepend(ul);
  });
  await expect(page.locator('[data-vitrine-list="later"][data-vitrine-ranked]')).toBeAttached();
});

test("the script's own evaluation is short: it opens no IndexedDB (the profile opens in a later task) and its bundle's function is parenthesised (V8 compiles it while the script streams in)", async ({ page, request }) => {
  const source = await (await request.get('/dist/vitrine.min.js')).text();
  expect(source.startsWith('var vitrine=(function(')).toBe(true);
  // Each IndexedDB call, with the script being evaluated when it was made (none: a task of its own).
  await page.addInitScript(() => {
    const w = window as unknown as { __opened: (string | null)[] };
    w.__opened = [];
    const during = () => w.__opened.push((document.currentScript as HTMLScriptElement | null)?.src ?? null);
    const [open, databases] = [indexedDB.open.bind(indexedDB), indexedDB.databases.bind(indexedDB)];
    indexedDB.open = (...a: Parameters<IDBFactory['open']>) => (during(), open(...a));
    indexedDB.databases = () => (during(), databases());
  });
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  const opened = await page.evaluate(() => (window as unknown as { __opened: (string | null)[] }).__opened);
  expect(opened.length).toBeGreaterThan(0);
  expect(opened).toEqual(opened.map(() => null));
});

test("no code of Vitrine's runs in the tasks that dispatch the page's DOMContentLoaded, load and pageshow: it listens to none of them (a trace counts a task as the script's whose code ran in it)", async ({ page }) => {
  // Every listener added with Vitrine's script on the stack, by event type.
  await page.addInitScript(() => {
    const w = window as unknown as { __added: string[] };
    w.__added = [];
    const add = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, ...rest: [EventListenerOrEventListenerObject | null, (boolean | AddEventListenerOptions)?]) {
      if (/\/dist\/vitrine\.min\.js/.test(new Error().stack ?? '')) w.__added.push(type);
      return add.call(this, type, ...rest);
    };
  });
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  await page.evaluate(() => window.vitrine.track({ type: 'click', item: 'item-3' })); // and after the visitor acts
  const added = await page.evaluate(() => (window as unknown as { __added: string[] }).__added);
  expect(added).toContain('click'); // the check sees Vitrine's listeners
  expect(added.filter((type) => ['DOMContentLoaded', 'load', 'pageshow', 'readystatechange'].includes(type))).toEqual([]);
});

test.describe("localStorage in the script's own evaluation", () => {
  // A first read of localStorage loads the origin's storage: milliseconds on the main thread, in the same task.
  const watch = (page: Page) =>
    page.addInitScript(() => {
      const w = window as unknown as { __read: (string | null)[] };
      w.__read = [];
      const local = Object.getOwnPropertyDescriptor(window, 'localStorage')!;
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          w.__read.push((document.currentScript as HTMLScriptElement | null)?.src ?? null);
          return local.get!.call(window);
        },
      });
    });
  const during = (page: Page) => page.evaluate(() => (window as unknown as { __read: (string | null)[] }).__read.filter((src) => src?.endsWith('/dist/vitrine.min.js')));

  test.describe('a script that came over the network', () => {
    test.use({ returning: false });
    test('is not read: the page starts as a first visit, and the arm is read in a later task', async ({ page }) => {
      await watch(page);
      await page.goto('/test/pages/lists.html');
      await page.evaluate(() => window.vitrine.track({ type: 'click', item: 'item-3' }));
      expect(await page.evaluate(() => window.vitrine.arm)).toBe('personalised');
      expect(await page.evaluate(() => (window as unknown as { __read: unknown[] }).__read.length)).toBeGreaterThan(0); // read later, by Vitrine
      expect(await during(page)).toEqual([]);
    });
  });

  test('a cached script reads it (whether lists wait for their rank is decided before the page paints)', async ({ page }) => {
    await watch(page);
    await page.goto('/test/pages/lists.html');
    await expect(page.locator('[data-vitrine-list="grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
    expect((await during(page)).length).toBeGreaterThan(0);
  });
});

test("a list the page adds is read in a task of Vitrine's own, after the page's task that added it (the observers' callbacks are setTimeout itself)", async ({ page }) => {
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"]')).toHaveAttribute('data-vitrine-ranked', '', { timeout: 20_000 });
  const phases = await page.evaluate(
    () =>
      new Promise<string[]>((done) => {
        const w = window as unknown as { phase: string; calls: string[] };
        w.calls = [];
        w.phase = "the page's task";
        // Vitrine's code reading the change, by the task it runs in.
        for (const name of ['closest', 'matches'] as const) {
          const f = Element.prototype[name] as (...a: unknown[]) => unknown;
          (Element.prototype as unknown as Record<string, unknown>)[name] = function (this: Element, ...a: unknown[]) {
            if (/\/dist\/vitrine\.min\.js/.test(new Error().stack ?? '')) w.calls.push(w.phase);
            return f.apply(this, a);
          };
        }
        const ul = document.createElement('ul');
        ul.dataset.vitrineList = 'added';
        for (const id of ['item-50', 'item-10', 'item-19']) ul.insertAdjacentHTML('beforeend', `<li data-vitrine-item="${id}">${id}</li>`);
        document.body.prepend(ul);
        // After the observers' microtasks (queued by the change, so before these), still in the page's task.
        queueMicrotask(() => queueMicrotask(() => ((w.phase = 'later'), setTimeout(() => done([...new Set(w.calls)]), 200))));
      }),
  );
  expect(phases).toEqual(['later']);
  await expect(page.locator('[data-vitrine-list="added"][data-vitrine-ranked]')).toBeAttached();
});
