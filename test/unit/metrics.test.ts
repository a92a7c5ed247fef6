import { expect, test } from 'vitest';
import { MetricsAt, rankOf } from '../../src/trainer/metrics.js';

test('metrics from ranks, by hand', () => {
  const m = new MetricsAt(10);
  [1, 2, 10, 11].forEach((r) => m.add(r));
  const r = m.result();
  expect(r.hitrate).toBe(3 / 4);
  expect(r.recall).toBe(3 / 4);
  expect(r.mrr).toBeCloseTo((1 + 1 / 2 + 1 / 10) / 4, 12);
  expect(r.ndcg).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(11)) / 4, 12);
  expect(r.precision).toBeCloseTo(3 / 4 / 10, 12);
  expect(r.f1).toBeCloseTo((2 * 0.075 * 0.75) / (0.075 + 0.75), 12);
});

test('no cases gives zeros, not NaN', () => {
  expect(new MetricsAt(20).result()).toEqual({ hitrate: 0, mrr: 0, ndcg: 0, precision: 0, recall: 0, f1: 0 });
});

test('rankOf breaks ties by popularity, then by row', () => {
  const scores = Float32Array.from([0.5, 0.9, 0.5, 0.5, 0.1]);
  const pop = Float32Array.from([1, 0, 3, 1, 9]);
  expect(rankOf(scores, 1, pop)).toBe(1);
  expect(rankOf(scores, 2, pop)).toBe(2); // ties with 0 and 3, more popular
  expect(rankOf(scores, 0, pop)).toBe(3); // ties with 3 on popularity, lower row
  expect(rankOf(scores, 3, pop)).toBe(4);
  expect(rankOf(scores, 4, pop)).toBe(5);
});

test('topK is the head of the full order, ties to the more popular item and then the lower row', async () => {
  const { topK, rankOf } = await import('../../src/trainer/metrics.js');
  const scores = Float32Array.from([0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3]);
  const pop = Float32Array.from([1, 2, 3, 1, 2, 3, 9]);
  const top = Array.from(topK(scores, 4, pop));
  expect(top).toEqual([1, 4, 2, 5]);
  // The same order rankOf gives each item.
  top.forEach((j, i) => expect(rankOf(scores, j, pop)).toBe(i + 1));
  expect(Array.from(topK(scores, 20, pop))).toHaveLength(7);
});

test('popularity percentiles: the share of the catalog strictly less popular', async () => {
  const { popularityPercentiles } = await import('../../src/trainer/metrics.js');
  expect(Array.from(popularityPercentiles(Float32Array.from([5, 1, 5, 3])))).toEqual([0.5, 0, 0.5, 0.25]);
});

test('intent share: cases whose last three items share a category, and that category\'s share of the top', async () => {
  const { IntentMeter } = await import('../../src/trainer/metrics.js');
  // Items 0-9: category 0 for items 0-4, category 1 for 5-9; item 4 holds both.
  const cats = Array.from({ length: 10 }, (_, j) => Int32Array.from(j === 4 ? [0, 1] : [j < 5 ? 0 : 1]));
  const meter = new IntentMeter(cats);
  expect(meter.shared(Int32Array.from([0, 1]))).toEqual([]); // too short
  expect(meter.shared(Int32Array.from([5, 0, 1, 4]))).toEqual([0]);
  expect(meter.shared(Int32Array.from([0, 6, 1]))).toEqual([]); // no common category
  const top20 = Int32Array.from([0, 1, 5, 6, 7, 8, 9, 2, 3, 4]); // a top "20" of ten items: 0, 1, 2, 3, 4 in category 0
  meter.add(Int32Array.from([0, 1, 2]), top20);
  meter.add(Int32Array.from([0, 6, 1]), top20); // no intent: not counted
  expect(meter.result()).toEqual({ cases: 1, at10: 0.5, at20: 0.5, catalog: 0.5 });
});

test('a user’s history splits into sessions at 30-minute gaps, and evaluation reports returning visitors apart', async () => {
  const { sessionStart } = await import('../../src/trainer/data.js');
  const { evaluate } = await import('../../src/trainer/evaluate.js');
  const { popScorer } = await import('../../src/trainer/baselines.js');
  const MIN = 60;
  // Events at 0, 10 min, 2 h, 2 h 5 min, 3 days: sessions [0, 1], [2, 3], [4].
  const times = Float64Array.from([0, 10 * MIN, 120 * MIN, 125 * MIN, 3 * 1440 * MIN]);
  expect([1, 2, 3, 4].map((i) => sessionStart(times, i))).toEqual([0, 2, 2, 4]);
  // Case 1 sees only its own session's events (a first session); cases 2 to 4 have history before theirs.
  const set = { seqs: [Int32Array.from([0, 1, 2, 3, 0])], types: [new Uint8Array(5).fill(1)], start: [1], times: [times] };
  const e = await evaluate(popScorer(Float32Array.from([4, 3, 2, 1])), set, Float32Array.from([4, 3, 2, 1]));
  expect(e.visitors!.first.cases).toBe(1);
  expect(e.visitors!.returning.cases).toBe(3);
  // POP ranks item 1 2nd (first session: MRR 1/2), items 2, 3, 0 3rd, 4th, 1st.
  expect(e.visitors!.first.at20.mrr).toBeCloseTo(1 / 2, 9);
  expect(e.visitors!.returning.at20.mrr).toBeCloseTo((1 / 3 + 1 / 4 + 1) / 3, 9);
});

test('recommend on a device holding a pool: recall of the exact top 20, and the next item found in it', async () => {
  const { evaluate } = await import('../../src/trainer/evaluate.js');
  // 30 items scored 30, 29, …, 1 for every case: the exact top 20 is items 0..19.
  const scorer = { name: 'fixed', forEachCase: (set: any, visit: any) => set.seqs.forEach((seq: Int32Array, s: number) => { for (let i = set.start[s]; i < seq.length; i++) visit(s, i, Float32Array.from({ length: 30 }, (_, j) => 30 - j)); }) };
  const popularity = new Float32Array(30);
  // One case: history [25, 26], next item 3. The pool holds items 0..4: with the history, 7 candidates, 5 of them in the exact top 20.
  const set = { seqs: [Int32Array.from([25, 26, 3])], types: [new Uint8Array(3).fill(1)], start: [2] };
  const e = await evaluate(scorer, set, popularity, undefined, undefined, Int32Array.from([0, 1, 2, 3, 4]));
  expect(e.recommend).toEqual({ pool: 5, recall: 5 / 20, hitrate: 1 });
  const missed = await evaluate(scorer, set, popularity, undefined, undefined, Int32Array.from([0, 1]));
  expect(missed.recommend).toEqual({ pool: 2, recall: 2 / 20, hitrate: 0 });
});
