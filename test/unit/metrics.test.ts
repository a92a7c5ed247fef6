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
