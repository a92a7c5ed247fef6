import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures.js';
import type { HistoryEvent, Ranked } from '../../src/types/index.js';
import { normalise, type ScoringWeights } from '../../src/scoring/index.js';
import { categoryIndex, rankHistory } from '../../src/trainer/blend.js';
import { EVENT_TYPES } from '../../src/trainer/data.js';
import { exportModel, loadModel, modelParts } from '../../src/trainer/model-io.js';
import { seededRandom } from '../../src/trainer/random.js';
import { SessionModel } from '../../src/trainer/session-model.js';
import { startTraining } from '../../src/trainer/tf.js';

// The property behind "the browser computes what the trainer evaluated": random models (random weights,
// neighbours, categories, prototypes, scoring weights, trained event types), random histories (every
// event type, several sessions days apart, negatives, ids the model does not know) and random page lists
// are ranked in Node by the trainer's path (src/trainer/blend.ts rankHistory: the scoring core around the
// trainer's session model and arrays, on the model as the browser's decoder reads it) and in Chromium by
// the engine, on each backend. Same scores within float tolerance, and the same order wherever Node's
// scores are apart by more than that.

const MODELS = 8;
const HISTORIES = 25;
const MIN = 60_000;
const DAY = 86_400_000;
const TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'like', 'dislike', 'dismiss'] as const;
const DIR = join(import.meta.dirname, '../../test-results/random-models');

interface Case {
  url: string;
  /** Every item of the model: a page the visitor saw before, so that the browser holds the history's rows. */
  ids: string[];
  pages: string[][];
  /** Times as offsets from the moment of ranking: the page and Node each add their own clock. */
  histories: { id: string; type: (typeof TYPES)[number]; ago: number }[][];
}

async function randomModel(k: number, dir: string): Promise<Case> {
  const r = seededRandom(1000 + k);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const uniform = (count: number, scale: number) => Float32Array.from({ length: count }, () => (r() * 2 - 1) * scale);
  const n = 40 + Math.floor(r() * 40);
  const [d, h] = [8, 6];
  const ids = Array.from({ length: n }, (_, i) => `m${k}-item-${i}`);
  const categories = ids.map(() => ['A', 'B', 'C', 'D', 'E'].filter(() => r() < 0.3));
  // Up to 6 neighbours an item, packed (ids and weights of item a from offsets[a] to offsets[a + 1]).
  const lists = ids.map((_, a) => [...new Set(Array.from({ length: Math.floor(r() * 7) }, () => Math.floor(r() * n)).filter((b) => b !== a))]);
  const offsets = Int32Array.from([0, ...lists.map((_, a) => lists.slice(0, a + 1).reduce((sum, l) => sum + l.length, 0))]);
  const neighbours = { offsets, ids: Int32Array.from(lists.flat()), weights: Float32Array.from(lists.flatMap((l) => l.map((_, j) => 1 / (j + 1 + r())))) };
  const trainedTypes = EVENT_TYPES.filter((t) => t === 'click' || r() < 0.5);
  const scoring = { lstm: r(), last: 1 + Math.floor(r() * 5), decay: 0.3 + 0.6 * r(), repeat: 2 * r(), long: r(), history: 2 * r(), seen: 4 * r() - 2, page: 0.3 * r(), category: 2 * r(), halfLife: 1 + 30 * r(), ...(k % 2 ? { repeatDecay: r() } : {}), ...(k % 3 ? { dislike: 3 * r() } : {}), ...(k % 2 ? {} : { view: r(), add_to_cart: 4 * r(), purchase: 6 * r() }) };
  await exportModel(
    dir,
    {
      ids,
      categories,
      popularity: Float32Array.from(ids, () => Math.floor(r() * 100)),
      session: {
        dim: d,
        hidden: h,
        itemCount: n,
        item_embeddings: uniform(n * d, 0.5),
        type_embeddings: uniform(EVENT_TYPES.length * d, 0.5),
        lstm_kernel: uniform((d + h) * 4 * h, 0.5),
        lstm_bias: uniform(4 * h, 0.2),
        projection: uniform(h * d, 0.5),
        item_bias: uniform(n, 0.5),
      },
      trainedTypes,
      neighbours,
      blend: scoring,
      foldIn: uniform(d * d, 0.3),
      prototypes: uniform(4 * d, 0.5),
    },
    { window: 4 + Math.floor(r() * 8) },
  );
  // Sessions: blocks of events a few minutes apart, the blocks hours or days apart; the last one is
  // either going on (its last event minutes ago) or over. Nowhere near the 30-minute gap.
  const histories = Array.from({ length: HISTORIES }, () => {
    const events: Case['histories'][number] = [];
    const blocks = Math.floor(r() * 4);
    let ago = pick([3 * MIN, 2 * 3600_000, 3 * DAY]);
    for (let b = 0; b < blocks; b++) {
      for (let e = Math.floor(1 + r() * 5); e > 0; e--) {
        events.push({ id: r() < 0.9 ? pick(ids) : `unknown-${Math.floor(r() * 5)}`, type: pick(TYPES), ago });
        ago += Math.floor(1 + r() * 4) * MIN;
      }
      ago += pick([2 * 3600_000, 2 * DAY, 20 * DAY]);
    }
    return events.reverse();
  });
  // One session growing past the model's window an event at a time, ranked in turn: the LSTM's state
  // extends, then slides (every step again, from the events' kept input gates).
  const long = Array.from({ length: 14 }, () => ({ id: pick(ids), type: pick(TYPES) }));
  for (let j = 1; j <= long.length; j++) histories.push(long.slice(0, j).map((e, i) => ({ ...e, ago: (j - i) * MIN })));
  const pages = histories.map(() => ids.filter(() => r() < 0.4).sort(() => r() - 0.5));
  return { url: `/test-results/random-models/${k}/manifest.json`, ids, pages, histories };
}

const toHistory = (events: Case['histories'][number], now: number): HistoryEvent[] => events.map((e) => ({ id: e.id, type: e.type, time: now - e.ago }));

let cases: Case[] = [];
const expected: Ranked[][][] = [];

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  await startTraining();
  await rm(DIR, { recursive: true, force: true });
  await mkdir(DIR, { recursive: true });
  cases = [];
  for (let k = 0; k < MODELS; k++) {
    const c = await randomModel(k, join(DIR, String(k)));
    const { manifest, model } = await loadModel(join(DIR, String(k)));
    const session = SessionModel.fromWeights(model.session!, model.session!.window);
    const parts = modelParts(model, undefined, model.categories && categoryIndex(model.categories));
    const w = manifest.scoring as ScoringWeights;
    const now = Date.now();
    expected[k] = [];
    for (let h = 0; h < c.histories.length; h++) {
      expected[k].push(await rankHistory(parts, model.ids, session, w, normalise(toHistory(c.histories[h], now), now), now, 30 * MIN, c.pages[h]));
    }
    session.dispose();
    cases.push(c);
  }
});

for (const backend of ['wasm', 'cpu', 'webgl'] as const) {
  test(`random models, histories and pages rank on ${backend} as the trainer's path ranks them in Node`, async ({ page }) => {
    await page.goto('/test/pages/blank.html');
    const tolerance = backend === 'webgl' ? 1e-2 : 1e-3;
    let pairs = 0;
    for (let k = 0; k < cases.length; k++) {
      const got = await page.evaluate(
        async ({ backend, c }) => {
          const v = await window.vitrine.createVitrine({ model: c.url, backend });
          if (!v.ready) throw new Error(v.error?.message);
          // The model's rows come page by page: a page showing every item first (ranked with no history).
          await v.rank(c.ids, { history: [] });
          const out = [];
          for (let h = 0; h < c.histories.length; h++) {
            const now = Date.now();
            const history = c.histories[h].map((e) => ({ id: e.id, type: e.type, time: now - e.ago }));
            out.push(await v.rank(c.pages[h], { history }));
          }
          v.dispose();
          return { backend: v.backend, out };
        },
        { backend, c: cases[k] },
      );
      expect(got.backend).toBe(backend);
      // Collected, then asserted once per history: an expect per pair is slow.
      got.out.forEach((ranked, h) => {
        const want = expected[k][h];
        const where = `model ${k}, history ${h}`;
        expect(ranked.map((r) => r.id).sort(), where).toEqual(want.map((r) => r.id).sort());
        const score = new Map(want.map((r) => [r.id, r.score]));
        // Up to a constant: the engine leaves out the session model's softmax normaliser, the same for every item.
        const shift = ranked.reduce((s, r) => s + r.score - score.get(r.id)!, 0) / ranked.length;
        const wrong = ranked.filter((r) => !(Math.abs(r.score - shift - score.get(r.id)!) < tolerance)).map((r) => `${r.id}: ${r.score} in Chromium, ${score.get(r.id)} in Node`);
        const at = new Map(ranked.map((r, i) => [r.id, i]));
        for (const a of want) {
          for (const b of want) {
            if (a.score - b.score <= 2 * tolerance) continue;
            if (at.get(a.id)! > at.get(b.id)!) wrong.push(`${a.id} after ${b.id}`);
            pairs++;
          }
        }
        expect(wrong, where).toEqual([]);
      });
    }
    expect(pairs).toBeGreaterThan(1000); // the orders compared hold real pairs
  });
}
