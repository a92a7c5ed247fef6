import { test, expect, asIfCached } from './fixtures.js';

// Script-tag mode on a plain page (test/pages/lists.html): the planted model, item-k followed by item-k+1
// within groups of ten; the queued calls make the history item-18, item-19, so item-10 should lead.
const order = (page: import('@playwright/test').Page, list: string) =>
  page.locator(`[data-vitrine-list="${list}"] > [data-vitrine-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.vitrineItem));

test('calls queued on the stub replay in order, and the marked lists are ranked from them', async ({ page }) => {
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  const events = await page.evaluate(async () => (await window.vitrine.profile()).events.map((e) => `${e.type}:${e.item}`));
  expect(events.slice(0, 2)).toEqual(['click:item-18', 'add_to_cart:item-19']);
  const grid = await order(page, 'grid');
  expect(grid[0]).toBe('item-10');
  expect(grid[5]).toBe('item-44'); // pinned: its slot kept
  expect(await page.evaluate(async () => (await window.vitrine.ready)?.ready)).toBe(true);
  // data-vitrine-limit="2": the rest hidden.
  expect(await page.locator('[data-vitrine-list="short"] > li:not([hidden])').count()).toBe(2);
});

test('a live rerank moves the fewest nodes and keeps focus and listeners', async ({ page }) => {
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  const r = await page.evaluate(async () => {
    const list = document.querySelector('[data-vitrine-list="grid"]')!;
    const items = [...list.children] as HTMLElement[];
    const clicked: string[] = [];
    items.forEach((li) => li.querySelector('button')!.addEventListener('click', () => clicked.push(li.dataset.vitrineItem!)));
    const focused = items.find((li) => li.dataset.vitrineItem === 'item-31')!.querySelector('button')!;
    focused.focus();
    let moved = 0;
    const mo = new MutationObserver((records) => records.forEach((rec) => (moved += rec.addedNodes.length)));
    mo.observe(list, { childList: true });
    const before = items.map((li) => li.dataset.vitrineItem!);
    const changed = new Promise<void>((resolve) => window.vitrine.on('rank', (e) => e.list === 'grid' && resolve()));
    await window.vitrine.track({ type: 'click', item: 'item-30' }); // the session moves to group 3
    await changed;
    mo.disconnect();
    const after = [...list.children].map((li) => (li as HTMLElement).dataset.vitrineItem!);
    // The fewest moves: everything outside a longest run already in order.
    const pos = after.map((id) => before.indexOf(id));
    const lis = (a: number[]) => {
      const tails: number[] = [];
      for (const x of a) {
        let i = tails.findIndex((t) => t >= x);
        if (i < 0) i = tails.length;
        tails[i] = x;
      }
      return tails.length;
    };
    (list.querySelector('[data-vitrine-item="item-50"] button') as HTMLButtonElement).click();
    return { before, after, moved, minimum: after.length - lis(pos), focusKept: document.activeElement === focused, clicked };
  });
  expect(r.after).not.toEqual(r.before);
  expect(r.after[0]).toBe('item-31'); // the successor of item-30
  expect(r.moved).toBe(r.minimum);
  expect(r.focusKept).toBe(true);
  expect(r.clicked).toEqual(['item-50']);
});

test('lists ranked before first paint cause no layout shift', async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).shift = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e: any) => ((window as any).shift += e.value))).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as any).shift)).toBe(0);
});

test('a model not ready within the hold budget leaves the page order, and later acts on clicks only', async ({ page }) => {
  await asIfCached(page);
  await page.route('**/planted-model/manifest.json', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  // The same page with a hold budget of 1 ms.
  await page.route('**/test/pages/lists.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()).replace('data-hold="5000"', 'data-hold="1"') });
  });
  await page.goto('/test/pages/lists.html');
  const original = ['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12'];
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-late]')).toBeAttached();
  expect(await page.locator('[data-vitrine-list="grid"]').evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  await page.evaluate(() => window.vitrine.ready);
  await page.waitForTimeout(200);
  expect(await order(page, 'grid')).toEqual(original); // loaded late: no reshuffle under the visitor's eyes
  await page.evaluate(() => window.vitrine.track({ type: 'click', item: 'item-30' }));
  await expect.poll(() => order(page, 'grid')).not.toEqual(original); // the visitor acted: now it moves
});

test('the debug view shows the backend and each list’s scores and reasons, as text', async ({ page }) => {
  await page.goto('/test/pages/lists.html?vitrine-debug');
  const panel = page.locator('aside[data-vitrine-debug]');
  await expect(panel).toContainText('vitrine wasm');
  await expect(panel).toContainText('grid · personalised');
  await expect(panel).toContainText('together item-19');
});

test('the script included twice keeps one instance and says so', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto('/test/pages/lists.html');
  await page.addScriptTag({ url: '/dist/vitrine.min.js' });
  expect(warnings).toContain('vitrine: the script is included twice; this copy does nothing');
  const events = await page.evaluate(async () => (await window.vitrine.profile()).events.filter((e) => e.type !== 'view').length);
  expect(events).toBe(2);
});

test('the SPA example ranks with the npm build', async ({ page }) => {
  await page.goto('/demo/spa/');
  await expect(page.locator('#status')).toContainText('ranking in plain loops');
  const first = await page.locator('#list li button').first().textContent();
  await page.locator('#list li button').nth(5).click();
  await expect(page.locator('#list li .genres').first()).toContainText('because of');
  expect(await page.locator('#list li button').first().textContent()).not.toBe(first);
});

test('ids named like Object.prototype members leave the rest of the list personalised', async ({ page }) => {
  const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
  await asIfCached(page);
  await page.route('**/test/pages/lists.html', async (route) => {
    const html = await (await route.fetch()).text();
    // Some carry categories (a "__proto__" key must not replace a lookup's prototype), some do not.
    const extra = hostile.map((id, i) => `<li data-vitrine-item="${id}"${i < 2 ? ` data-vitrine-category="${id}|Drama"` : ''}><button>${id}</button></li>`).join('');
    await route.fulfill({ body: html.replace('<li data-vitrine-item="item-12">', `${extra}<li data-vitrine-item="item-12">`), contentType: 'text/html' });
  });
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  const grid = await order(page, 'grid');
  expect(grid[0]).toBe('item-10'); // personalised, as without them
  expect(grid[5]).toBe('item-44');
  expect([...grid].sort()).toEqual([...hostile, 'item-10', 'item-11', 'item-12', 'item-31', 'item-4', 'item-44', 'item-50'].sort());
  const ranked = await page.evaluate(() => window.vitrine.rank(['item-18', '__proto__', 'item-19', 'constructor'], { history: ['item-18'], categories: JSON.parse('{"__proto__":["x"]}') }));
  expect(ranked[0].id).toBe('item-19');
  expect(warnings.filter((w) => /ranking failed|could not rank/.test(w))).toEqual([]);
});

test('data-vitrine-limit shows as many items in the holdout arm as in the personalised one', async ({ page }) => {
  const visible = (list: string) => page.locator(`[data-vitrine-list="${list}"] > li:not([hidden])`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.vitrineItem));
  await page.goto('/test/pages/lists.html');
  await expect(page.locator('[data-vitrine-list="short"][data-vitrine-ranked]')).toBeAttached();
  const personalised = await visible('short');
  await page.evaluate(() => localStorage.setItem('vitrine:arm', 'holdout'));
  await page.reload();
  await expect(page.locator('[data-vitrine-list="short"][data-vitrine-ranked]')).toBeAttached();
  const holdout = await visible('short');
  expect(personalised).toHaveLength(2);
  expect(holdout).toEqual(['item-30', 'item-10']); // the page's first two
});

test('a failure while reordering the page shows its lists in their own order at once, with no uncaught error', async ({ page }) => {
  // The grid's items cannot be moved (a page script guarding its DOM, say); the hold budget is 5 s.
  await page.addInitScript(() => {
    const guard = (proto: any, name: string) => {
      const original = proto[name];
      if (!original) return;
      proto[name] = function (this: HTMLElement, ...args: unknown[]) {
        if (this.dataset?.vitrineList === 'grid') throw new DOMException('not here', 'HierarchyRequestError');
        return original.apply(this, args);
      };
    };
    guard(Node.prototype, 'insertBefore');
    guard(Element.prototype, 'moveBefore');
  });
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto('/test/pages/lists.html');
  const grid = page.locator('[data-vitrine-list="grid"]');
  await expect(grid).toHaveAttribute('data-vitrine-late', '', { timeout: 4000 });
  expect(await grid.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  expect(await order(page, 'grid')).toEqual(['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12']);
  expect(warnings.some((w) => w.includes("could not rank the page's lists"))).toBe(true);
  // The visitor's clicks still count.
  expect(await page.evaluate(async () => (await window.vitrine.profile()).events.length)).toBeGreaterThanOrEqual(2);
});

test('an engine start that throws outside the engine is a value: lists ranked in the page order, no uncaught error', async ({ page }) => {
  await page.addInitScript(() => {
    const mark = performance.mark.bind(performance);
    performance.mark = ((name: string, options?: PerformanceMarkOptions) => {
      if (name === 'vitrine:load') throw new Error('injected start failure');
      return mark(name, options);
    }) as typeof performance.mark;
  });
  await page.goto('/test/pages/lists.html');
  const grid = page.locator('[data-vitrine-list="grid"]');
  await expect(grid).toHaveAttribute('data-vitrine-ranked', '', { timeout: 4000 });
  expect(await order(page, 'grid')).toEqual(['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12']);
  const v = await page.evaluate(async () => {
    const v = (await window.vitrine.ready)!;
    return { ready: v.ready, error: v.error };
  });
  expect(v).toEqual({ ready: false, error: { code: 'backend', message: 'the engine failed to start (injected start failure)' } });
});

test("the npm build leaves an app's own TensorFlow.js as it was: backend, flags, console, ops", async ({ page }) => {
  await page.goto('/test/pages/shared-tfjs/');
  await page.waitForFunction(() => (window as any).report, undefined, { timeout: 20_000 });
  const r = await page.evaluate(() => (window as any).report);
  expect(r.ready).toBe(true);
  expect(r.backend).toBe('cpu'); // the app's backend, kept
  expect(r.reason).toMatch(/the page's TensorFlow.js already runs on cpu/);
  expect(r.appBackend).toBe('cpu');
  expect(r.changedFlags).toEqual([]);
  expect(r.forcedFlags).toEqual({ WEBGL_USE_SHAPES_UNIFORMS: null, WASM_HAS_MULTITHREAD_SUPPORT: null });
  expect(r.said).toBeGreaterThan(0);
  expect(r.heard).toBe(r.said); // none of the app's warnings held back, whatever words they use
  expect(r.after).toEqual(r.before);
  expect(r.first).toBe('item-19');
});

test("vitrine/shared-tfjs names the .wasm files it could not start the app's WASM backend with", async ({ page }) => {
  await asIfCached(page);
  await page.route('**/*.wasm', (r) => r.fulfill({ status: 404, body: '' }));
  await page.goto('/test/pages/shared-tfjs/?backend=wasm');
  await page.waitForFunction(() => (window as any).report, undefined, { timeout: 20_000 });
  const r = await page.evaluate(() => (window as any).report);
  expect(r.ready).toBe(true);
  expect(r.reason).toMatch(/^'wasm' requested; wasm \(its binary from http:\/\/localhost:\d+\/dist\/tfjs-backend-wasm-simd\.wasm or http:\/\/localhost:\d+\/dist\/tfjs-backend-wasm\.wasm\) failed to start: using cpu$/);
  expect(r.first).toBe('item-19');
});
