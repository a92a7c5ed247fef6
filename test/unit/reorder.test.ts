import { expect, test } from 'vitest';
import { longestIncreasing } from '../../src/lib/dom/reorder.js';

test.each([
  [[], 0],
  [[0], 1],
  [[0, 1, 2, 3], 4],
  [[3, 2, 1, 0], 1],
  [[2, 0, 1, 3], 3],
  [[1, 5, 2, 3, 0, 4], 4],
])('a longest increasing run of %j has length %i and is increasing', (a, length) => {
  const keep = [...longestIncreasing(a)].sort((x, y) => x - y);
  expect(keep).toHaveLength(length);
  for (let i = 1; i < keep.length; i++) expect(a[keep[i]]).toBeGreaterThan(a[keep[i - 1]]);
});
