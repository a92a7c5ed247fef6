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
    got.out.forEach((ranked, h) => {
      // WebGL may compute in float16 on some GPUs: scores within 1e-2, the order where scores differ by more.
      ranked.forEach((r, i) => expect(r.score).toBeCloseTo(expected[h][i].score, backend === 'webgl' ? 2 : 4));
      const gaps = expected[h].every((r, i, a) => i === 0 || a[i - 1].score - r.score > 0.02);
      if (gaps || backend !== 'webgl') expect(ranked.map((r) => r.id)).toEqual(expected[h].map((r) => r.id));
    });
  });
}
