import { test, expect } from './fixtures.js';
import { BACKEND_FROM } from '../../src/lib/crossover.js';
import { TINY_PAGE, TINY_RANKED_AFTER_A } from '../fixtures/tiny-model.js';

const MODEL = '/test/fixtures/tiny-model/';

test.beforeEach(async ({ page }) => {
  await page.goto('/test/pages/blank.html');
});

test('the plain script tag defines the global vitrine', async ({ page }) => {
  const api = await page.evaluate(() => ({ type: typeof window.vitrine?.createVitrine, version: window.vitrine?.version }));
  expect(api).toEqual({ type: 'function', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
});

for (const backend of ['webgl', 'wasm', 'cpu'] as const) {
  test(`the ${backend} backend starts from the bundle and ranks the tiny model correctly`, async ({ page }) => {
    const result = await page.evaluate(
      async ({ model, backend, ids }) => {
        const v = await window.vitrine.createVitrine({ model, backend, scoring: { page: 0 } });
        const ranked = await v.rank(ids, { history: ['a'] });
        const noHistory = await v.rank(ids);
        return { ready: v.ready, backend: v.backend, reason: v.backendReason, ranked, noHistory: noHistory.map((r) => r.id) };
      },
      { model: MODEL, backend, ids: TINY_PAGE },
    );
    expect(result.ready).toBe(true);
    expect(result.backend).toBe(backend);
    expect(result.reason).toBe(`'${backend}' requested: using ${backend}`);
    expect(result.ranked.map((r) => r.id)).toEqual(TINY_RANKED_AFTER_A);
    // Scores worked out by hand (see test/fixtures/tiny-model.ts); WebGL computes in float32 or float16.
    const expected = { a: 1, b: 0.9, e: 0.5, d: 0, c: 0, f: -1 };
    for (const r of result.ranked) expect(r.score).toBeCloseTo(expected[r.id as keyof typeof expected], 3);
    expect(result.noHistory).toEqual(TINY_PAGE);
  });
}

test('the WASM backend really runs WebAssembly, found beside the script', async ({ page }) => {
  const wasmRequests: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmRequests.push(new URL(r.url()).pathname));
  const backend = await page.evaluate(async (model) => (await window.vitrine.createVitrine({ model, backend: 'wasm' })).backend, MODEL);
  expect(backend).toBe('wasm');
  expect(wasmRequests.length).toBe(1);
  expect(wasmRequests[0]).toMatch(/^\/dist\/tfjs-backend-wasm(-simd)?\.wasm$/);
});

test('auto starts no backend while every candidate set is below where one pays: no WebGL probe, no .wasm', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url()));
  await page.addInitScript(() => {
    const get = HTMLCanvasElement.prototype.getContext;
    (window as any).contexts = 0;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args: Parameters<typeof get>) {
      (window as any).contexts++;
      return get.apply(this, args);
    } as typeof get;
  });
  await page.goto('/test/pages/blank.html');
  const v = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model });
    const order = (await v.rank(['item-50', 'item-4', 'item-19'], { history: ['item-18'] })).map((r) => r.id);
    await v.recommend({ k: 3 });
    await new Promise((r) => setTimeout(r, 500));
    return { ready: v.ready, backend: v.backend, reason: v.backendReason, order, contexts: (window as any).contexts };
  }, MODEL);
  expect(v).toMatchObject({ ready: true, backend: undefined, contexts: 0 });
  // Where the measured crossovers (src/lib/crossover.ts) say the fastest backend starts to pay.
  const catalog = Math.min(...Object.values(BACKEND_FROM).map((c) => c.catalog));
  expect(v.reason).toBe(`no tfjs backend started: plain loops score every candidate set up to where a backend pays (a recommend over ${catalog} rows)`);
  expect(v.order).toHaveLength(3);
  expect(wasm).toEqual([]);
});

test('auto starts a backend once a candidate set needs one, treating SwiftShader as no GPU, and says so', async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  const v = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model, plainScoringUpTo: 2 });
    const before = v.backend;
    await v.rank(['item-50', 'item-4']); // two: plain loops, nothing started
    await new Promise((r) => setTimeout(r, 300));
    const afterTwo = v.backend;
    await v.rank(['item-50', 'item-4', 'item-19']); // three: the backend starts (this rank in plain loops)
    for (let t = 0; !v.backend && t < 200; t++) await new Promise((r) => setTimeout(r, 50));
    return { before, afterTwo, backend: v.backend, reason: v.backendReason };
  }, MODEL);
  expect(v).toMatchObject({ before: undefined, afterTwo: undefined, backend: 'wasm' });
  expect(v.reason).toMatch(/^software WebGL renderer \(.*SwiftShader.*\), slower than WASM: using wasm$/);
});

test('a missing model keeps the page order and reports why, without throwing', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const v = await page.evaluate(async (ids) => {
    const v = await window.vitrine.createVitrine({ model: '/no/such/model/', backend: 'cpu' });
    return { ready: v.ready, error: v.error, ranked: (await v.rank(ids, { history: ['a'] })).map((r) => r.id) };
  }, TINY_PAGE);
  expect(v.ready).toBe(false);
  expect(v.error).toEqual({ code: 'model-fetch', message: expect.stringMatching(/manifest\.json answered 404/) });
  expect(v.ranked).toEqual(TINY_PAGE);
  expect(warnings.filter((w) => w.startsWith('vitrine:'))).toEqual([expect.stringMatching(/keeping the page's order/)]);
});

test('bad options throw a TypeError naming the value', async ({ page }) => {
  const message = await page.evaluate(() =>
    window.vitrine.createVitrine({ model: '/m/', backend: 'gpu' } as never).then(
      () => 'resolved',
      (e: Error) => `${e.name}: ${e.message}`,
    ),
  );
  expect(message).toBe(`TypeError: vitrine: options.backend must be one of 'auto', 'webgl', 'wasm', 'cpu', got "gpu"`);
});

test('many ranks leave the tensor count unchanged', async ({ page }) => {
  const counts = await page.evaluate(async ({ model, ids }) => {
    // Every candidate set on the backend (the plain loops hold no tensor).
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm', plainScoringUpTo: 0 });
    const tensors = () => v.memory().numTensors;
    for (let i = 0; i < 50; i++) await v.rank(ids, { history: ['a'] });
    const before = tensors();
    for (let i = 0; i < 500; i++) await v.rank(ids, { history: i % 2 ? ['a', 'c'] : [] });
    return { before, after: tensors() };
  }, { model: MODEL, ids: TINY_PAGE });
  expect(counts.before).toBeGreaterThan(0);
  expect(counts.after).toBe(counts.before);
});
