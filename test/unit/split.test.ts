import { expect, test } from 'vitest';
import { parseLog } from '../../src/trainer/parse.js';
import { splitByTime } from '../../src/trainer/split.js';
import { caseSignals } from '../../src/trainer/blend.js';

test('negative feedback follows each user into every set, as model rows, its place kept where test events are dropped', () => {
  // u1 clicks A..J at times 1..10; J (its last) no one else chose, so the cut-off test set drops it. u1
  // dislikes B after 3 clicks, X (an item nobody chose: the model cannot score it) and, last, A.
  const rows = ['visitor,sku,when,what'];
  'ABCDEFGHIJ'.split('').forEach((item, k) => rows.push(`u1,${item},${k + 1},click`));
  rows.push('u1,B,3.5,dislike', 'u1,X,4.5,dismiss', 'u1,A,11,dislike');
  'ABCDEFGHIKL'.split('').forEach((item, k) => rows.push(`u2,${item},${k + 1},click`));
  const log = parseLog(rows.join('\n'), 'log.csv', { format: 'csv', columns: { user: 'visitor', item: 'sku', time: 'when', type: 'what' } });
  const split = splitByTime(log);
  const row = (id: string) => split.vocab.get(id)!;
  expect(split.vocab.get('X')).toBeUndefined();
  const expected = { items: [row('B'), row('A')], times: [3.5, 11], at: [3, 10] };
  for (const set of [split.train, split.valid, split.full]) expect(set.negatives).toEqual([expected, undefined]);
  // The test set kept u1's I and dropped J (unseen in training): the last dislike comes after 9 kept events.
  expect(Array.from(split.test.seqs[0], (r) => split.vocab.ids[r]).join('')).toBe('ABCDEFGHI');
  expect(split.test.negatives).toEqual([{ ...expected, at: [3, 9] }, undefined]);
  // Case 8 (predicting I) reads the dislike of B, not the later one of A.
  const parts = { n: split.vocab.size, neighbours: { ids: new Int32Array(0), weights: new Float32Array(0), top: 0 }, session: { eventTypes: ['click'], window: 20 } };
  expect(caseSignals(parts, split.test, 0, 8).against).toEqual([row('B')]);
});

test("each set's sequences are views of one buffer per field, with the events of the log in order", () => {
  // 20 sessions, one a line (line order is time): the last 2 are test, the 2 before them validation.
  const lines = Array.from({ length: 20 }, (_, k) => ['a b c', 'b c', 'c d e f', 'a e', 'f a b'][k % 5]);
  const split = splitByTime(parseLog(lines.join('\n'), 'log.txt', { format: 'sessions' }));
  const ids = (seq: Int32Array) => Array.from(seq, (r) => split.vocab.ids[r]).join(' ');
  expect([...split.train.seqs, ...split.valid.seqs, ...split.test.seqs].map(ids)).toEqual(lines);
  for (const set of [split.train, split.valid, split.test]) {
    for (const field of [set.seqs, set.types]) expect(new Set(field.map((x) => x.buffer)).size).toBe(1);
  }
  expect(split.train.seqs.slice(0, 4).map((s) => s.byteOffset)).toEqual([0, 12, 20, 36]);
  // Train + validation: the same arrays.
  expect(split.full.seqs).toEqual([...split.train.seqs, ...split.valid.seqs]);
  expect(split.full.seqs[16]).toBe(split.valid.seqs[0]);
});
