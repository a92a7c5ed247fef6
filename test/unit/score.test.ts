import { expect, test } from 'vitest';
import { orderByScore, queryOf, rowsOf, scoreRows } from './reference-score.js';
import { TINY_DIM, TINY_EMBEDDINGS, TINY_IDS, TINY_PAGE, TINY_RANKED_AFTER_A } from '../fixtures/tiny-model.js';

const index = new Map(TINY_IDS.map((id, i) => [id, i]));

test('rowsOf maps unknown ids to the given row', () => {
  expect(Array.from(rowsOf(['b', 'zz', 'a'], index, -1))).toEqual([1, -1, 0]);
});

test('queryOf adds the known history rows and skips unknown ones', () => {
  expect(Array.from(queryOf(TINY_EMBEDDINGS, TINY_DIM, Int32Array.from([0, 2, -1])))).toEqual([1, 1, 0, 0]);
  expect(Array.from(queryOf(TINY_EMBEDDINGS, TINY_DIM, Int32Array.from([-1])))).toEqual([0, 0, 0, 0]);
});

test('scores are dot products, by hand', () => {
  const q = Float32Array.from([0.5, 0.5, 0, 0]);
  const scores = scoreRows(TINY_EMBEDDINGS, TINY_DIM, Int32Array.from([0, 1, 3, 4, 5, -1]), q);
  expect(Array.from(scores)).toEqual([0.5, 0.5, 0, 0.5, -0.5, 0]);
});

test('orderByScore is best first and keeps the page order on ties', () => {
  const rows = rowsOf(TINY_PAGE, index, -1);
  const q = queryOf(TINY_EMBEDDINGS, TINY_DIM, Int32Array.from([0]));
  const ranked = orderByScore(TINY_PAGE, scoreRows(TINY_EMBEDDINGS, TINY_DIM, rows, q));
  expect(ranked.map((r) => r.id)).toEqual(TINY_RANKED_AFTER_A);
  expect(orderByScore(['x', 'y', 'z'], [0, 0, 0]).map((r) => r.id)).toEqual(['x', 'y', 'z']);
});
