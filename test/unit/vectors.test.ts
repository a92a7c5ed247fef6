import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { foldIn, inputGates, lstmStepFrom, mostSimilar, scoreRows, topRows, vecMat } from '../../src/scoring/vectors.js';
import { seededRandom } from '../../src/trainer/random.js';

// The plain loops the browser scores small candidate sets with, against tfjs's own ops (the backend path)
// and against the obvious computation.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const floats = (random: () => number, n: number, scale = 1) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);

test('lstmStepFrom(inputGates(x)) is tf.basicLSTMCell (forget bias 1), step after step', () => {
  const random = seededRandom(3);
  const [d, h] = [8, 6];
  const K = floats(random, (d + h) * 4 * h, 0.5);
  const b = floats(random, 4 * h, 0.5);
  const c = new Float32Array(h);
  const hs = new Float32Array(h);
  let [tc, th] = [tf.zeros([1, h]) as tf.Tensor2D, tf.zeros([1, h]) as tf.Tensor2D];
  for (let step = 0; step < 5; step++) {
    const x = floats(random, d);
    const w = { K, b, hidden: h };
    lstmStepFrom(w, inputGates(w, x), d, c, hs);
    const next = tf.basicLSTMCell(tf.scalar(1), tf.tensor2d(K, [d + h, 4 * h]), tf.tensor1d(b), tf.tensor2d(x, [1, d]), tc, th);
    [tc, th] = next as [tf.Tensor2D, tf.Tensor2D];
    Array.from(tc.dataSync()).forEach((v, i) => expect(c[i]).toBeCloseTo(v, 5));
    Array.from(th.dataSync()).forEach((v, i) => expect(hs[i]).toBeCloseTo(v, 5));
  }
});

test('vecMat, scoreRows and foldIn are the products they name', () => {
  const random = seededRandom(5);
  const [n, d] = [30, 7];
  const E = floats(random, n * d);
  const q = floats(random, d);
  const bias = floats(random, n);
  const M = floats(random, d * d);
  const dot = (r: number) => q.reduce((s, v, a) => s + v * E[r * d + a], 0);
  const rows = [4, 0, 29, 4];
  Array.from(scoreRows(E, d, rows, q, bias, 0.5)).forEach((s, i) => expect(s).toBeCloseTo(dot(rows[i]) + 0.5 * bias[rows[i]], 5));
  Array.from(scoreRows(E, d, rows, q)).forEach((s, i) => expect(s).toBeCloseTo(dot(rows[i]), 5));
  const y = Array.from({ length: d }, (_, a) => 2 * E[3 * d + a] - E[9 * d + a]);
  expect(Array.from(foldIn(undefined, E, d, [3, 9], [2, -1]))).toEqual(y.map((v) => expect.closeTo(v, 5)));
  const u = Array.from(foldIn(M, E, d, [3, 9], [2, -1]));
  const yM = Array.from(vecMat(y, M, d));
  u.forEach((v, a) => expect(v).toBeCloseTo(yM[a], 5));
  yM.forEach((v, a) => expect(v).toBeCloseTo(y.reduce((s, yb, b) => s + yb * M[b * d + a], 0), 5));
});

test('topRows is the k best rows by score, best first, ties to the lower row, for any k', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 1000 }), fc.boolean(), (n, k, seed, ties) => {
      const random = seededRandom(seed);
      const d = 3;
      // With ties: values from a handful, so that many rows score alike.
      const E = ties ? Float32Array.from({ length: n * d }, () => Math.floor(random() * 3)) : floats(random, n * d);
      const q = ties ? Float32Array.of(1, 1, 0) : floats(random, d);
      const bias = floats(random, n);
      const w = ties ? 0 : 0.3;
      const scores = scoreRows(E, d, Array.from({ length: n }, (_, r) => r), q, bias, w);
      const expected = Array.from({ length: n }, (_, r) => r)
        .sort((a, b) => scores[b] - scores[a] || a - b)
        .slice(0, k);
      expect(topRows(E, d, n, q, k, bias, w)).toEqual(expected);
    }),
    { numRuns: 300 },
  );
});

test('mostSimilar picks, for each row, the most similar of the others (the first of equals)', () => {
  const random = seededRandom(9);
  const [n, d] = [20, 5];
  const E = floats(random, n * d);
  const others = [3, 7, 11];
  const dot = (a: number, b: number) => Array.from({ length: d }, (_, k) => E[a * d + k] * E[b * d + k]).reduce((s, v) => s + v, 0);
  const rows = [0, 3, 19, 7];
  const got = Array.from(mostSimilar(E, d, rows, others));
  rows.forEach((r, i) => {
    const best = others.map((o) => dot(r, o));
    expect(got[i]).toBe(best.indexOf(Math.max(...best)));
  });
  // Equal rows: the first of them.
  expect(Array.from(mostSimilar(new Float32Array(4), 2, [0], [1, 0]))).toEqual([0]);
});
