import { expect, test } from 'vitest';
import { sessionVotes } from '../../src/scoring/index.js';
import { neighbourTable } from '../../src/trainer/blend.js';
import { itemKnnScorer, itemNeighbours, neighboursFromTable, neighboursOf, popScorer, popularity, spopScorer, topNeighbours } from '../../src/trainer/baselines.js';
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
  const first = topNeighbours(nb, 1);
  expect(Array.from(first.offsets)).toEqual([0, 1, 2, 3, 3]);
  expect(Array.from(neighboursOf(first, 1).ids)).toEqual([0]);
  expect(Array.from(neighboursOf(first, 2).weights)).toEqual([neighboursOf(nb, 2).weights[0]]);
  // The exported n×N table, padded with -1, reads back as the same lists.
  const back = neighboursFromTable(neighbourTable(nb, 3));
  expect([back.offsets, back.ids, back.weights]).toEqual([nb.offsets, nb.ids, nb.weights]);
});

test('neighbours counted a range of items at a time are those of one Map per item, whatever the range', () => {
  const random = seededRandom(5);
  const n = 300;
  const seqs = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() ** 2 * n)));
  const log = set(seqs);
  const counts = popularity(log, n);
  // The reference: every pair of distinct items within 50 positions, once per sequence, in Maps.
  const maps = Array.from({ length: n }, () => new Map<number, number>());
  for (const s of seqs) {
    const seen = new Set<string>();
    s.forEach((a, i) => s.slice(Math.max(0, i - 50), i).forEach((b) => {
      const key = `${Math.min(a, b)},${Math.max(a, b)}`;
      if (a === b || seen.has(key)) return;
      seen.add(key);
      maps[a].set(b, (maps[a].get(b) ?? 0) + 1);
      maps[b].set(a, (maps[b].get(a) ?? 0) + 1);
    }));
  }
  const expected = maps.map((m, a) =>
    [...m].map(([b, c]) => ({ b, w: c / Math.sqrt((counts[a] || 1) * (counts[b] || 1)) })).sort((x, y) => y.w - x.w || counts[y.b] - counts[x.b] || x.b - y.b),
  );
  for (const maxPairs of [1 << 25, 500, 1]) {
    const nb = itemNeighbours(log, n, counts, 8, { maxPairs });
    expect(nb.offsets.length).toBe(n + 1);
    for (let a = 0; a < n; a++) {
      expect(Array.from(neighboursOf(nb, a).ids)).toEqual(expected[a].slice(0, 8).map((x) => x.b));
      expect(Array.from(neighboursOf(nb, a).weights)).toEqual(expected[a].slice(0, 8).map((x) => Math.fround(x.w)));
    }
    // Packed with no room to spare.
    expect(nb.ids.length).toBe(expected.reduce((sum, e) => sum + Math.min(8, e.length), 0));
  }
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
