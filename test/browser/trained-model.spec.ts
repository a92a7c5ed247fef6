import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures.js';
import { PLANTED_HISTORIES, PLANTED_PAGE } from '../fixtures/planted-cases.js';

// A model written by `vitrine train` (float16 weights) ranks in Chromium, on every backend, as Node
// computed it (test/unit/train.test.ts writes and checks planted-expected.json).
const expected: { id: string; score: number }[][] = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/planted-expected.json'), 'utf8'));

for (const backend of ['webgl', 'wasm', 'cpu'] as const) {
  test(`a trained model ranks on ${backend} as in Node`, async ({ page }) => {
    await page.goto('/test/pages/blank.html');
    const got = await page.evaluate(
      async ({ backend, ids, histories }) => {
        const v = await window.vitrine.createVitrine({ model: '/test/fixtures/planted-model/', backend, scoring: { long: 0, page: 0 } });
        if (!v.ready) throw new Error(v.error?.message);
        const out = [];
        for (const history of histories) out.push(await v.rank(ids, { history }));
        return { backend: v.backend, out };
      },
      { backend, ids: PLANTED_PAGE, histories: PLANTED_HISTORIES },
    );
    expect(got.backend).toBe(backend);
    let checked = 0;
    got.out.forEach((ranked, h) => {
      // WebGL may compute in float16 on some GPUs: scores within 1e-2 of Node's, id by id, and every pair
      // of items whose scores in Node differ by more than 0.02 in Node's order.
      const want = new Map(expected[h].map((r) => [r.id, r.score]));
      const at = new Map(ranked.map((r, i) => [r.id, i]));
      // Up to a constant: the engine leaves out the session model's softmax normaliser, the same for every item.
      const shift = ranked.reduce((s, r) => s + r.score - want.get(r.id)!, 0) / ranked.length;
      ranked.forEach((r) => expect(r.score - shift, r.id).toBeCloseTo(want.get(r.id)!, backend === 'webgl' ? 2 : 4));
      if (backend !== 'webgl') expect(ranked.map((r) => r.id)).toEqual(expected[h].map((r) => r.id));
      for (const a of expected[h]) {
        for (const b of expected[h]) {
          if (a.score - b.score <= 0.02) continue;
          expect(at.get(a.id)!, `${a.id} before ${b.id} after ${PLANTED_HISTORIES[h]}`).toBeLessThan(at.get(b.id)!);
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(50); // the order check has pairs to compare, on every backend
  });
}
