import type { Page, Route } from '@playwright/test';
import { test, expect, asIfCached } from './fixtures.js';

// Fault injection: whatever goes wrong, the page keeps working and its own order, says so once in the
// console, throws nothing, and loses no event; the instance reports what happened.
const MODEL = '/test/fixtures/planted-model/';
const PAGE_ORDER = ['item-50', 'item-31', 'item-10', 'item-4', 'item-11', 'item-44', 'item-12'];

async function outcome(page: Page, options: Record<string, unknown> = {}) {
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && m.text().startsWith('vitrine:') && warnings.push(m.text()));
  await page.goto('/test/pages/blank.html');
  const r = await page.evaluate(
    async ({ model, ids, options }) => {
      const v = await window.vitrine.createVitrine({ model, backend: 'wasm', timeoutMs: 2000, ...options });
      await v.track({ type: 'click', item: 'item-18' });
      const order = (await v.rank(ids)).map((x) => x.id);
      // With 'auto', a backend starts once a candidate set needs one (past plainScoringUpTo): this rank's.
      for (let t = 0; options.backend === 'auto' && v.ready && !v.backend && t < 200; t++) await new Promise((r) => setTimeout(r, 50));
      return { ready: v.ready, error: v.error, backend: v.backend, reason: v.backendReason, order, events: (await v.profile()).events.length };
    },
    { model: MODEL, ids: PAGE_ORDER, options },
  );
  return { ...r, warnings };
}

const faults: [string, string, (route: Route) => Promise<void>, RegExp][] = [
  ['a 404 manifest', 'manifest.json', (r) => r.fulfill({ status: 404, body: 'not found' }), /^model-fetch: GET .*manifest\.json answered 404$/],
  ['a 500 weights file', 'weights.bin', (r) => r.fulfill({ status: 500, body: 'oops' }), /^model-fetch: GET .*weights\.bin answered 500$/],
  ['a response slower than the budget', 'weights.bin', async (r) => (await new Promise((x) => setTimeout(x, 3000)), r.continue().catch(() => {})), /^model-fetch: model files did not arrive within 2000 ms/],
  ['a truncated weights file', 'weights.bin', async (r) => { const res = await r.fetch(); await r.fulfill({ response: res, body: (await res.body()).subarray(0, 1000) }); }, /^model-integrity: weights\.bin is 1000 bytes, manifest\.json says \d+$/],
  ['a file with a wrong hash', 'items.json', async (r) => { const res = await r.fetch(); await r.fulfill({ response: res, body: (await res.text()).replace('item-1"', 'item-X"') }); }, /^model-integrity: items\.json has sha256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}$/],
  ['an unknown format version', 'manifest.json', async (r) => { const res = await r.fetch(); const m = await res.json(); await r.fulfill({ response: res, json: { ...m, formatVersion: 9 } }); }, /^model-invalid: manifest\.json: formatVersion is 9; this build of Vitrine reads versions 1 and 2$/],
  ['a vocabulary that does not match the weights', 'manifest.json', async (r) => { const res = await r.fetch(); const m = await res.json(); await r.fulfill({ response: res, json: { ...m, itemCount: m.itemCount + 1 } }); }, /^model-invalid: manifest\.json: item_embeddings has shape \[60, 16\], expected \[itemCount, dim\] = \[61, 16\]$/],
  ['a manifest asking for absurd sizes', 'manifest.json', async (r) => { const res = await r.fetch(); const m = await res.json(); await r.fulfill({ response: res, json: { ...m, itemCount: 1e9 } }); }, /^model-invalid: manifest\.json: itemCount is 1000000000, expected an integer in 1\.\.5000000$/],
];

for (const [name, file, fault, expected] of faults) {
  test(`model fault: ${name}`, async ({ page }) => {
    await asIfCached(page);
    await page.route(`**/planted-model/${file}`, fault);
    const r = await outcome(page);
    expect(r.ready).toBe(false);
    expect(`${r.error?.code}: ${r.error?.message}`).toMatch(expected);
    expect(r.order).toEqual(PAGE_ORDER);
    expect(r.events).toBe(1);
    expect(r.warnings).toHaveLength(1);
  });
}

test('runtime fault: no WebGL at all, auto picks WASM and says why', async ({ page }) => {
  await page.addInitScript(() => {
    for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as any[]) {
      const get = proto.getContext;
      proto.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
        return /webgl/.test(type) ? null : get.call(this, type, ...rest);
      };
    }
  });
  const r = await outcome(page, { backend: 'auto', plainScoringUpTo: 0 });
  expect(r.backend).toBe('wasm');
  expect(r.reason).toBe('WebGL2 unavailable: using wasm');
  expect(r.order[0]).not.toBe('item-50'); // ranked: item-18 leads to item-19 ... the page's order is gone
  expect(r.warnings).toEqual([]); // nothing failed: auto never tried WebGL
  const asked = await outcome(page, { backend: 'webgl' });
  expect(asked.backend).toBe('wasm'); // webgl asked for, unavailable: the next in line
  expect(asked.reason).toBe("'webgl' requested; webgl failed to start: using wasm");
  expect(asked.warnings).toEqual(["vitrine: 'webgl' requested; webgl failed to start: using wasm"]);
});

test('runtime fault: the WASM binary fails to load, CPU takes over', async ({ page }) => {
  await asIfCached(page);
  await page.route('**/*.wasm', (r) => r.fulfill({ status: 404, body: '' }));
  const all: string[] = [];
  page.on('console', (m) => m.type() !== 'error' && all.push(m.text()));
  const r = await outcome(page, { backend: 'wasm' });
  expect(r.ready).toBe(true);
  expect(r.backend).toBe('cpu');
  // The warning names the file that failed.
  const failed = /^'wasm' requested; wasm \(GET http:\/\/localhost:\d+\/dist\/tfjs-backend-wasm-simd\.wasm answered 404\) failed to start: using cpu$/;
  expect(r.reason).toMatch(failed);
  expect(r.warnings).toEqual([`vitrine: ${r.reason}`]);
  expect(all).toEqual(r.warnings); // tfjs's and emscripten's own lines held back
  expect(r.order).not.toEqual(PAGE_ORDER);
});

test('hostile page: 10,000 items, duplicate, empty and missing ids, nested lists, ids carrying markup', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/test/pages/blank.html');
  const r = await page.evaluate(async (model) => {
    (window as any).pwned = 0;
    const evil = '"><img src=x onerror="window.pwned++"><script>window.pwned++</script>';
    const list = document.createElement('ul');
    list.dataset.vitrineList = 'big';
    const add = (id: string | undefined, parent: HTMLElement = list) => {
      const li = document.createElement('li');
      if (id !== undefined) li.dataset.vitrineItem = id;
      li.textContent = id ?? 'no id';
      parent.append(li);
      return li;
    };
    for (let i = 0; i < 10_000; i++) add(`sku-${i}`);
    add('item-10');
    add('item-10'); // duplicate
    add(''); // empty id
    add(undefined); // no id
    add(evil);
    const nested = document.createElement('ul');
    nested.dataset.vitrineList = 'inner';
    add('item-11', nested);
    add('item-12', nested);
    list.firstElementChild!.append(nested);
    document.body.append(list);
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm' });
    const ids = [...list.querySelectorAll(':scope > [data-vitrine-item]')].map((e) => (e as HTMLElement).dataset.vitrineItem!);
    const t = performance.now();
    const ranked = await v.rank(ids, { history: ['item-19', evil] });
    const ms = performance.now() - t;
    const recommended = await v.recommend({ k: 3, history: [evil] });
    await v.track({ type: 'click', item: evil });
    return { count: ranked.length, first: ranked[0].id, duplicates: ranked.filter((x) => x.id === 'item-10').length, ms, pwned: (window as any).pwned, recommended: recommended.length, stored: (await v.profile()).events.map((e) => e.item) };
  }, MODEL);
  expect(r.count).toBe(10_004); // every marked item with an id attribute, the empty one included
  expect(r.first).toBe('item-10');
  expect(r.duplicates).toBe(2);
  expect(r.pwned).toBe(0);
  expect(r.stored).toHaveLength(1);
  expect(r.stored[0]).toContain('<script>'); // kept as data, never parsed
  expect(errors).toEqual([]);
});

test('hostile page: a list removed while it is being ranked breaks nothing', async ({ page }) => {
  await page.goto('/test/pages/lists.html');
  await page.evaluate(() => {
    document.querySelector('[data-vitrine-list="short"]')!.remove();
  });
  await expect(page.locator('[data-vitrine-list="grid"][data-vitrine-ranked]')).toBeAttached();
  await page.evaluate(async () => {
    const grid = document.querySelector('[data-vitrine-list="grid"]')!;
    const pending = window.vitrine.track({ type: 'click', item: 'item-30' });
    grid.remove(); // gone before its live rerank lands
    await pending;
  });
  expect(await page.evaluate(async () => (await window.vitrine.profile()).events.some((e) => e.item === 'item-30'))).toBe(true);
});

test('on a plain-http page (no Web Crypto) model files are still checked against their hashes', async ({ page, baseURL }) => {
  // vitrine.test is this test server under a name that is no secure context (see playwright.config.ts).
  const insecure = baseURL!.replace('localhost', 'vitrine.test');
  await asIfCached(page);
  await page.route('**/planted-model/items.json', async (r) => {
    const res = await r.fetch({ url: r.request().url().replace('vitrine.test', 'localhost') }); // Node cannot resolve the name
    await r.fulfill({ response: res, body: (await res.text()).replace('item-1"', 'item-X"') });
  });
  await page.goto(`${insecure}/test/pages/blank.html`);
  const r = await page.evaluate(async (model) => {
    const context = { secure: isSecureContext, subtle: Boolean(globalThis.crypto?.subtle) };
    const good = await window.vitrine.createVitrine({ model: '/test/fixtures/tiny-model/', backend: 'cpu' });
    const tampered = await window.vitrine.createVitrine({ model, backend: 'cpu', storageName: 'other' });
    return { context, good: { ready: good.ready, error: good.error }, tampered: tampered.error };
  }, MODEL);
  expect(r.context).toEqual({ secure: false, subtle: false });
  expect(r.good).toEqual({ ready: true, error: undefined });
  expect(`${r.tampered?.code}: ${r.tampered?.message}`).toMatch(/^model-integrity: items\.json has sha256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}$/);
});
