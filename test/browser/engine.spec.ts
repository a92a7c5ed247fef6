import { test, expect } from './fixtures.js';

// The engine in Chromium with a model written by `vitrine train` on a log where item-k is mostly followed
// by the next item of its group of ten (test/fixtures/planted.ts): item-3 → item-4, item-19 → item-10.
const MODEL = '/test/fixtures/planted-model/';

test.beforeEach(async ({ page }) => {
  await page.goto('/test/pages/blank.html');
});

test('the LSTM state kept between events scores as a fresh read of the whole session (one step per event: engine.test.ts counts them)', async ({ page }) => {
  const { stepped, fresh } = await page.evaluate(async (model) => {
    const ids = Array.from({ length: 60 }, (_, i) => `item-${i}`);
    const a = await window.vitrine.createVitrine({ model, backend: 'wasm' });
    await a.rank(ids, { history: ['item-20'] });
    await a.rank(ids, { history: ['item-20', 'item-21'] });
    const stepped = await a.rank(ids, { history: ['item-20', 'item-21', 'item-22'] });
    const b = await window.vitrine.createVitrine({ model, backend: 'wasm' });
    const fresh = await b.rank(ids, { history: ['item-20', 'item-21', 'item-22'] });
    return { stepped, fresh };
  }, MODEL);
  expect(stepped[0].id).toBe('item-23');
  stepped.forEach((r, i) => {
    expect(r.id).toBe(fresh[i].id);
    expect(r.score).toBeCloseTo(fresh[i].score, 5);
  });
});

test('recommend finds the planted successor over the whole catalog, with its reason', async ({ page }) => {
  const r = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm' });
    return {
      top: await v.recommend({ k: 5, history: ['item-18', 'item-19'], explain: true }),
      excluded: await v.recommend({ k: 3, history: ['item-18', 'item-19'], exclude: ['item-10'] }),
      cold: await v.recommend({ k: 3 }),
      none: await v.recommend({ k: 0 }),
    };
  }, MODEL);
  expect(r.top).toHaveLength(5);
  expect(r.top[0]).toMatchObject({ id: 'item-10', reason: { item: 'item-19', kind: 'together' } });
  expect(r.excluded.map((x) => x.id)).not.toContain('item-10');
  expect(r.excluded).toHaveLength(3);
  expect(r.cold).toHaveLength(3); // cold start: the most popular items
  expect(r.none).toEqual([]);
});

test('rank keeps pinned slots, drops excluded ids, places unknown ids, explains and diversifies', async ({ page }) => {
  const r = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm' });
    const page = ['item-50', 'item-4', 'new-sku', 'item-31', 'item-5', 'item-33'];
    const history = ['item-2', 'item-3'];
    return {
      plain: await v.rank(page, { history, explain: true }),
      pinned: await v.rank(page, { history, pinned: ['item-50'], exclude: ['item-31'] }),
      cold: await v.rank(page),
      diverse: await v.rank(['item-4', 'item-5', 'item-6', 'item-33'], {
        history,
        diversity: 1,
        categories: { 'item-4': ['g0'], 'item-5': ['g0'], 'item-6': ['g0'], 'item-33': ['g3'] },
      }),
    };
  }, MODEL);
  expect(r.plain[0]).toMatchObject({ id: 'item-4', reason: { item: 'item-3', kind: 'together' } });
  expect(r.plain.map((x) => x.id)).toContain('new-sku');
  expect(r.pinned[0].id).toBe('item-50');
  expect(r.pinned.map((x) => x.id)).not.toContain('item-31');
  expect(r.pinned).toHaveLength(5);
  expect(r.cold.map((x) => x.id)).toEqual(['item-50', 'item-4', 'new-sku', 'item-31', 'item-5', 'item-33']);
  expect(r.diverse.slice(0, 2).map((x) => x.id)).toEqual(['item-4', 'item-33']);
});

for (const backend of ['wasm', 'webgl', 'cpu'] as const) {
  test(`on ${backend}, plain loops and the backend rank, explain and recommend alike`, async ({ page }) => {
    const r = await page.evaluate(
      async ({ model, backend }) => {
        const ids = [...Array.from({ length: 60 }, (_, i) => `item-${i}`), 'new-sku'];
        const histories = [[], ['item-20'], ['item-2', 'item-3', { id: 'item-33', type: 'dislike' as const }, { id: 'item-7', type: 'add_to_cart' as const }]];
        const run = async (plainScoringUpTo: number) => {
          const v = await window.vitrine.createVitrine({ model, backend, plainScoringUpTo });
          const out = [];
          for (const history of histories) out.push(await v.rank(ids, { history, explain: true }), await v.recommend({ k: 10, history, explain: true }));
          const tensors = v.memory().numTensors;
          v.dispose();
          return { backend: v.backend, out, tensors };
        };
        return { plain: await run(Infinity), device: await run(0) };
      },
      { model: MODEL, backend },
    );
    expect([r.plain.backend, r.device.backend]).toEqual([backend, backend]);
    // The plain path holds no tensor at all; the backend's, its table and the query.
    expect(r.plain.tensors).toBe(0);
    expect(r.device.tensors).toBeGreaterThan(0);
    r.plain.out.forEach((list, k) => {
      expect(list.map((x) => x.id)).toEqual(r.device.out[k].map((x) => x.id));
      expect(list.map((x) => x.reason)).toEqual(r.device.out[k].map((x) => x.reason));
      list.forEach((x, i) => expect(x.score).toBeCloseTo(r.device.out[k][i].score, 4));
    });
  });
}

test('1,000 ranks over changing histories leave the tensor count where it was', async ({ page }) => {
  const counts = await page.evaluate(async (model) => {
    // Every candidate set on the backend (the plain loops hold no tensor).
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm', plainScoringUpTo: 0 });
    const ids = Array.from({ length: 60 }, (_, i) => `item-${i}`);
    await v.rank(ids, { history: ['item-1'] });
    const before = v.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      const history = Array.from({ length: 1 + (i % 7) }, (_, k) => `item-${(i + k) % 60}`);
      if (i % 100 === 0) await v.recommend({ k: 5, history, explain: true });
      else await v.rank(ids, { history, explain: i % 3 === 0, pinned: ['item-7'] });
    }
    await v.rank(ids, { history: ['item-1'] });
    const after = v.memory().numTensors;
    v.dispose();
    return { before, after, disposed: v.memory().numTensors };
  }, MODEL);
  expect(counts.before).toBeGreaterThan(0);
  expect(counts.after).toBe(counts.before);
  expect(counts.disposed).toBe(0);
});

test('a WebGL context lost mid-session falls back to WASM and keeps ranking', async ({ page }) => {
  // Keep every WebGL2 context the page makes, so the test can lose tfjs's.
  await page.addInitScript(() => {
    const contexts: WebGL2RenderingContext[] = [];
    (window as any).__webgl = contexts;
    for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as any[]) {
      const get = proto.getContext;
      proto.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
        const ctx = get.call(this, type, ...rest);
        if (type === 'webgl2' && ctx) contexts.push(ctx);
        return ctx;
      };
    }
  });
  await page.goto('/test/pages/blank.html');
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const r = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model, backend: 'webgl' });
    const ids = ['item-50', 'item-4', 'item-31'];
    const before = { backend: v.backend, order: (await v.rank(ids, { history: ['item-3'] })).map((x) => x.id) };
    const contexts = (window as any).__webgl as WebGL2RenderingContext[];
    const losers = contexts.map((gl) => gl.getExtension('WEBGL_lose_context'));
    losers.forEach((l) => l?.loseContext());
    const after = (await v.rank(ids, { history: ['item-3'] })).map((x) => x.id);
    // The GPU comes back: the page keeps ranking (on WASM, which is known to work).
    losers.forEach((l) => l?.restoreContext());
    await new Promise((r) => setTimeout(r, 100));
    const restored = (await v.rank(ids, { history: ['item-3'] })).map((x) => x.id);
    return { before, after, restored, backend: v.backend, reason: v.backendReason, ready: v.ready };
  }, MODEL);
  expect(r.before).toEqual({ backend: 'webgl', order: ['item-4', 'item-50', 'item-31'] });
  expect(r.backend).toBe('wasm');
  expect(r.reason).toBe('WebGL context lost: using wasm');
  expect(r.after).toEqual(['item-4', 'item-50', 'item-31']);
  expect(r.restored).toEqual(['item-4', 'item-50', 'item-31']);
  expect(r.ready).toBe(true);
  expect(warnings.filter((w) => w.startsWith('vitrine:'))).toEqual(['vitrine: WebGL context lost: using wasm']);
});

test('a second load takes the model from the HTTP cache', async ({ page }) => {
  const { CACHING_ORIGIN } = await import('../../playwright.config.js');
  await page.goto(`${CACHING_ORIGIN}/test/pages/blank.html`);
  const entries = await page.evaluate(async (model) => {
    const files = () =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => e.name.includes('/planted-model/'))
        .map((e) => ({ file: e.name.split('/').pop(), transferred: e.transferSize, size: e.decodedBodySize }));
    (await window.vitrine.createVitrine({ model, backend: 'cpu' })).dispose();
    const first = files();
    performance.clearResourceTimings();
    const v = await window.vitrine.createVitrine({ model, backend: 'cpu' });
    return { first, second: files(), ready: v.ready };
  }, MODEL);
  expect(entries.ready).toBe(true);
  expect(entries.first.map((e) => e.file).sort()).toEqual(['items.json', 'manifest.json', 'weights.bin']);
  expect(entries.first.every((e) => e.transferred > 0)).toBe(true);
  // Served from the cache: nothing transferred, the whole body there.
  for (const e of entries.second) expect(e, e.file).toMatchObject({ transferred: 0, size: expect.any(Number) });
  expect(entries.second.every((e) => e.size > 0)).toBe(true);
});

test('a dismissal pushes the item and its category down', async ({ page }) => {
  const r = await page.evaluate(async (model) => {
    const v = await window.vitrine.createVitrine({ model, backend: 'wasm', scoring: { page: 0 } });
    const ids = ['item-33', 'item-34', 'item-5', 'item-6'];
    const categories = { 'item-5': ['group-0'], 'item-6': ['group-0'], 'item-33': ['group-3'], 'item-34': ['group-3'] };
    const before = await v.rank(ids, { categories, history: [] });
    const after = await v.rank(ids, { categories, history: [{ id: 'item-5', type: 'dismiss' }] });
    const score = (rs: { id: string; score: number }[], id: string) => rs.find((x) => x.id === id)!.score;
    return { item: score(after, 'item-5') - score(before, 'item-5'), sibling: score(after, 'item-6') - score(before, 'item-6'), other: score(after, 'item-33') - score(before, 'item-33') };
  }, MODEL);
  expect(Math.abs(r.other)).toBeLessThan(0.05); // only the long-term profile's slight push
  expect(r.sibling).toBeLessThan(-0.1);
  expect(r.item).toBeLessThan(r.sibling);
});
