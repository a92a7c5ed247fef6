import { expect, test } from 'vitest';
import { sessionVotes } from '../../src/scoring/index.js';
import { neighbourTable } from '../../src/trainer/blend.js';
import { itemKnnScorer, itemNeighbours, neighbourLists, neighboursFromTable, neighboursOf, popScorer, popularity, spopScorer } from '../../src/trainer/baselines.js';
import { seededRandom } from '../../src/trainer/random.js';
import { trainBpr, bprScorer } from '../../src/trainer/bpr.js';
import type { EncodedSet } from '../../src/trainer/data.js';
import { evaluate } from '../../src/trainer/evaluate.js';

const set = (seqs: number[][]): EncodedSet => ({
  seqs: seqs.map((s) => Int32Array.from(s)),
  types: seqs.map((s) => new Uint8Array(s.length)),
  start: seqs.map(() => 1),
});

// Items 0..3. Sessions: [0,1], [0,1,2], [1,2], [3]. Counts: 0:2, 1:3, 2:2, 3:1.
const train = set([[0, 1], [0, 1, 2], [1, 2], [3]]);
const pop = popularity(train, 4);

test('popularity counts interactions', () => {
  expect(Array.from(pop)).toEqual([2, 3, 2, 1]);
});

test('co-occurrence counts sessions holding both, and cosine divides by sqrt of the counts', () => {
  const nb = itemNeighbours(train, 4, pop);
  // co(1,0) = 2 sessions, co(1,2) = 2: cos = 2/sqrt(3·2) for both; ties go to the more popular, then lower id.
  expect(Array.from(neighboursOf(nb, 1).ids)).toEqual([0, 2]);
  expect(neighboursOf(nb, 1).weights[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
  expect(Array.from(neighboursOf(nb, 3).ids)).toEqual([]);
  expect(Array.from(neighboursOf(itemNeighbours(train, 4, pop, 1), 1).ids)).toEqual([0]);
  const first = itemNeighbours(train, 4, pop, 1);
  expect(Array.from(first.offsets)).toEqual([0, 1, 2, 3, 3]);
  expect(Array.from(neighboursOf(first, 2).weights)).toEqual([neighboursOf(nb, 2).weights[0]]);
  // The exported n×N table, padded with -1, reads back as the same lists.
  const back = neighboursFromTable(neighbourTable(nb, 3));
  expect([back.offsets, back.ids, back.weights]).toEqual([nb.offsets, nb.ids, nb.weights]);
});

test("distance weighting: a pair's sequence weighs 1 / the nearest the two come in it", () => {
  // Items 0..3: 0 and 1 meet at distance 1 in the first sequence, and at 3 then 1 in the second (the nearest
  // counts); 0 and 2 at 2 twice.
  const log = set([[0, 1], [0, 3, 3, 1, 0], [0, 3, 2], [2, 3, 0]]);
  const counts = popularity(log, 4);
  const nb = itemNeighbours(log, 4, counts, Infinity, { weighting: 'distance' });
  const cos = (w: number, a: number, b: number) => Math.fround(w / Math.sqrt(counts[a] * counts[b]));
  const weightOf = (a: number, b: number) => neighboursOf(nb, a).weights[Array.from(neighboursOf(nb, a).ids).indexOf(b)];
  expect(weightOf(0, 1)).toBe(cos(1 + 1, 0, 1));
  expect(weightOf(1, 0)).toBe(cos(1 + 1, 0, 1));
  expect(weightOf(0, 2)).toBe(cos(1 / 2 + 1 / 2, 0, 2));
  // Counted, the same pairs weigh their sequences.
  const counted = itemNeighbours(log, 4, counts);
  expect(neighboursOf(counted, 0).weights[Array.from(neighboursOf(counted, 0).ids).indexOf(1)]).toBe(cos(2, 0, 1));
});

test('neighbours counted a range of items at a time are those of one Map per item, whatever the range, each list as asked', () => {
  const random = seededRandom(5);
  const n = 300;
  const seqs = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() ** 2 * n)));
  const log = set(seqs);
  const counts = popularity(log, n);
  // The reference: every pair of distinct items within 50 positions, once per sequence at the nearest they come, in Maps.
  const maps = Array.from({ length: n }, () => new Map<number, { count: number; near: number }>());
  for (const s of seqs) {
    const nearest = new Map<string, number>();
    s.forEach((a, i) => s.forEach((b, j) => {
      if (j >= i || i - j > 50 || a === b) return;
      const key = `${Math.min(a, b)},${Math.max(a, b)}`;
      nearest.set(key, Math.min(nearest.get(key) ?? Infinity, i - j));
    }));
    for (const [key, d] of nearest) {
      const [a, b] = key.split(',').map(Number);
      for (const [x, y] of [[a, b], [b, a]]) {
        const w = maps[x].get(y) ?? { count: 0, near: 0 };
        maps[x].set(y, { count: w.count + 1, near: w.near + 1 / d });
      }
    }
  }
  const expected = (weighting: 'count' | 'distance') =>
    maps.map((m, a) =>
      [...m].map(([b, c]) => ({ b, w: (weighting === 'count' ? c.count : c.near) / Math.sqrt((counts[a] || 1) * (counts[b] || 1)) })).sort((x, y) => y.w - x.w || counts[y.b] - counts[x.b] || x.b - y.b),
    );
  const specs = [{ top: 8, weighting: 'count' as const }, { top: 5, weighting: 'distance' as const }];
  for (const maxPairs of [1 << 25, 500, 1]) {
    const lists = neighbourLists(log, n, counts, specs, { maxPairs });
    specs.forEach(({ top, weighting }, l) => {
      const nb = lists[l];
      const want = expected(weighting);
      expect(nb.offsets.length).toBe(n + 1);
      for (let a = 0; a < n; a++) {
        expect(Array.from(neighboursOf(nb, a).ids)).toEqual(want[a].slice(0, top).map((x) => x.b));
        expect(Array.from(neighboursOf(nb, a).weights)).toEqual(want[a].slice(0, top).map((x) => Math.fround(x.w)));
      }
      // Packed with no room to spare.
      expect(nb.ids.length).toBe(want.reduce((sum, e) => sum + Math.min(top, e.length), 0));
    });
  }
  // The two weightings order some items' neighbours differently.
  expect(expected('count').some((e, a) => e[0]?.b !== expected('distance')[a][0]?.b)).toBe(true);
});

test('the neighbourhood adds recency-weighted votes and a repeat bonus', () => {
  const nb = itemNeighbours(train, 4, pop);
  const votes = sessionVotes(neighbourTable(nb, 4), [0, 2], { last: 2, decay: 0.5, repeat: 1 });
  const out = [0, 1, 2, 3].map((row) => votes.get(row)?.value ?? 0);
  // last item 2 votes with weight 1: 1 gets 2/sqrt(6), 0 gets 1/sqrt(4)=0.5; item 0 votes with 0.5: 1 gets 0.5·2/sqrt(6), 2 gets 0.5·0.5.
  // repeat: 2 gets 1, 0 gets 0.5.
  expect(out[1]).toBeCloseTo(1.5 * (2 / Math.sqrt(6)), 6);
  expect(out[2]).toBeCloseTo(0.25 + 1, 6);
  expect(out[0]).toBeCloseTo(0.5 + 0.5, 6);
});

test('baselines rank a held-out session as worked out by hand', async () => {
  const test = set([[1, 2, 1]]); // cases: predict 2 from [1]; predict 1 from [1, 2]
  const popEval = await evaluate(popScorer(pop), test, pop);
  expect(popEval.cases).toBe(2);
  // POP order: 1 (3), then 0 and 2 tie at 2 and the lower row comes first, then 3. So 2 ranks 3rd, 1 ranks 1st.
  expect(popEval.at20.mrr).toBeCloseTo((1 / 3 + 1) / 2, 6);
  expect(popEval.at10.hitrate).toBe(1);
});

test('S-POP puts the session items first; item-kNN excludes the last item', async () => {
  const out = new Float32Array(4);
  const spop = spopScorer(4);
  let seen: number[] = [];
  spop.forEachCase(set([[2, 3]]), (_, __, scores) => (seen = Array.from(scores)));
  expect(seen).toEqual([0, 0, 1, 0]);
  const knn = itemKnnScorer(itemNeighbours(train, 4, pop), 4);
  knn.forEachCase(set([[1, 0]]), (_, __, scores) => out.set(scores)); // one case: predict 0 from [1]
  expect(out[1]).toBe(-Infinity);
  expect(out[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
  expect(out[2]).toBeCloseTo(2 / Math.sqrt(6), 6);
});

test('BPR-MF learns what co-occurs and is reproducible with a seed', async () => {
  const big = set(Array.from({ length: 200 }, (_, i) => (i % 2 ? [0, 1, 0, 1] : [2, 3, 2, 3])));
  const a = trainBpr(big, 4, { seed: 3, epochs: 30 });
  const b = trainBpr(big, 4, { seed: 3, epochs: 30 });
  expect(a.factors).toEqual(b.factors);
  const e = await evaluate(bprScorer(a), set([[0, 1], [2, 3]]), popularity(big, 4));
  expect(e.at20.mrr).toBeGreaterThan(0.99);
});
