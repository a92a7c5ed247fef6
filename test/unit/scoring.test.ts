import { expect, test } from 'vitest';
import {
  addTerms,
  categoryShares,
  historyVotes,
  currentSession,
  diversify,
  keepPinned,
  normalise,
  pagePrior,
  profileWeights,
  readHistory,
  sessionInput,
  sessionVotes,
  shareOf,
  type ScoringWeights,
} from '../../src/scoring/index.js';

const MIN = 60_000;
const DAY = 86_400_000;

test('normalise reads bare ids as clicks now', () => {
  expect(normalise(['a', { id: 'b', type: 'view', time: 5 }], 100)).toEqual([
    { id: 'a', type: 'click', time: 100 },
    { id: 'b', type: 'view', time: 5 },
  ]);
});

test('the current session ends at a 30-minute gap and leaves out negative feedback', () => {
  const now = 1000 * MIN;
  const events = normalise(
    [
      { id: 'old', time: now - 120 * MIN },
      { id: 'a', time: now - 20 * MIN },
      { id: 'x', type: 'dismiss', time: now - 15 * MIN },
      { id: 'b', time: now - 5 * MIN },
    ],
    now,
  );
  expect(currentSession(events, now, 30 * MIN).map((e) => e.id)).toEqual(['a', 'b']);
  expect(currentSession(events, now + 40 * MIN, 30 * MIN)).toEqual([]); // the session is over
  // A clock moved backwards is not a gap.
  expect(currentSession(normalise([{ id: 'a', time: now }, { id: 'b', time: now - 5 * DAY }], now), now, 30 * MIN).map((e) => e.id)).toEqual(['a', 'b']);
});

test('long-term weights grow with the event type, halve every 14 days, and go negative on dislike', () => {
  const now = 100 * DAY;
  const w = profileWeights(
    normalise(
      [
        { id: 'a', type: 'view', time: now },
        { id: 'a', type: 'purchase', time: now - 14 * DAY },
        { id: 'b', type: 'add_to_cart', time: now },
        { id: 'c', type: 'dislike', time: now },
      ],
      now,
    ),
    now,
  );
  expect(w.get('a')).toBeCloseTo(0.1 + 3 / 2, 6);
  expect(w.get('b')).toBe(2);
  expect(w.get('c')).toBe(-2);
});

test('neighbourhood votes decay with recency, repeat rewards what the session holds, and name the voter', () => {
  // Row 0's neighbours: 1 (0.5), 2 (0.2); row 1's: 2 (0.4); N = 2, -1 pads.
  const table = { ids: Int32Array.from([1, 2, 2, -1, -1, -1]), weights: Float32Array.from([0.5, 0.2, 0.4, 0, 0, 0]), top: 2 };
  const votes = sessionVotes(table, [0, 1], { last: 2, decay: 0.5, repeat: 1 });
  // 2: from 1 (weight 1) 0.4 + from 0 (weight 0.5) 0.1; 1: from 0: 0.25, repeat 1; 0: repeat 0.5.
  expect(votes.get(2)!.value).toBeCloseTo(0.5, 6);
  expect(votes.get(1)!.value).toBeCloseTo(1.25, 6);
  expect(votes.get(0)!.value).toBeCloseTo(0.5, 6);
  expect([2, 1, 0].map((r) => votes.get(r)!.by)).toEqual([1, 1, 0]);
  expect([2, 1, 0].map((r) => votes.get(r)!.kind)).toEqual([1, 2, 2]);
  expect(sessionVotes(table, [], { last: 2, decay: 0.5, repeat: 1 }).size).toBe(0);
  // The repeat bonus's own decay: 1 counts each occurrence alike, however far back.
  const counted = sessionVotes(undefined, [0, 1, 0, 1, 1], { last: 0, decay: 0.5, repeat: 1, repeatDecay: 1 });
  expect([counted.get(0)!.value, counted.get(1)!.value]).toEqual([2, 3]);
  const tied = sessionVotes(undefined, [0, 1, 0, 1, 1], { last: 0, decay: 0.5, repeat: 1 });
  expect(tied.get(0)!.value).toBeCloseTo(0.5 ** 2 + 0.5 ** 4, 9);
});

test('the whole history votes with its neighbours, each item by its share of the positive long-term weight', () => {
  // Row 0's neighbours: 1 (0.5), 2 (0.2); row 1's: 2 (0.4); row 2's: none.
  const table = { ids: Int32Array.from([1, 2, 2, -1, -1, -1]), weights: Float32Array.from([0.5, 0.2, 0.4, 0, 0, 0]), top: 2 };
  const votes = new Map();
  // Rows 0 and 1 weigh 3 and 1 (shares 0.75, 0.25); row 2's negative weight neither votes nor counts.
  historyVotes(table, [0, 1, 2], [3, 1, -2], 2, votes);
  expect(votes.get(1).value).toBeCloseTo(2 * 0.75 * 0.5, 6);
  expect(votes.get(2).value).toBeCloseTo(2 * (0.75 * 0.2 + 0.25 * 0.4), 6);
  expect(votes.get(2).by).toBe(0);
  expect(votes.has(0)).toBe(false);
  historyVotes(table, [0], [1], 0, votes);
  expect(votes.size).toBe(2);
});

test('the long-term terms: what the visitor chose votes through its neighbours, and `seen` moves it; a view does neither', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const rows = new Map(ids.map((id, i) => [id, i]));
  // a's neighbours: c (1); b's: d (1).
  const neighbours = { ids: Int32Array.from([2, 3, -1, -1]), weights: Float32Array.from([1, 1, 0, 0]), top: 1 };
  const space = { rowOf: (id: string) => rows.get(id), idOf: (row: number) => ids[row], categoriesOf: () => undefined, neighbours };
  // a clicked 20 days ago (outside the session), b viewed now.
  const history = readHistory(normalise([{ id: 'a', type: 'click', time: -20 * DAY }, { id: 'b', type: 'view', time: 0 }], 0), 0, { gapMs: 30 * MIN });
  expect([...history.chosen]).toEqual(['a']);
  const scores = (w: Partial<ScoringWeights>) => {
    const out = new Float32Array(4);
    addTerms(out, ids, (id) => rows.get(id), history, space, { ...W, category: 0, last: 0, ...w }, 0);
    return Array.from(out, (x) => +x.toFixed(4));
  };
  // b was only viewed: it neither votes nor counts in the shares.
  expect(scores({ history: 1 })).toEqual([0, 0, 1, 0]);
  expect(scores({ seen: -3 })).toEqual([-3, 0, 0, 0]);
  expect(scores({})).toEqual([0, 0, 0, 0]);
});

test('the page prior falls slowly with position', () => {
  [0, -1, -Math.log2(3), -2].forEach((v, i) => expect(pagePrior(i, 1)).toBeCloseTo(v, 6));
});

test('pinned items keep their page slots; the rest fill around them in ranked order', () => {
  const page = ['a', 'b', 'c', 'd'];
  const ranked = [{ id: 'd', score: 4 }, { id: 'c', score: 3 }, { id: 'b', score: 2 }, { id: 'a', score: 1 }];
  expect(keepPinned(page, ranked, new Set(['b'])).map((r) => r.id)).toEqual(['d', 'b', 'c', 'a']);
  expect(keepPinned(page, ranked, new Set(['a', 'd'])).map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
});

test('diversity stops one category taking the top', () => {
  const cats: Record<string, string[]> = { a1: ['A'], a2: ['A'], a3: ['A'], b1: ['B'] };
  const ranked = [{ id: 'a1', score: 1 }, { id: 'a2', score: 0.9 }, { id: 'a3', score: 0.8 }, { id: 'b1', score: 0.5 }];
  expect(diversify(ranked, (id) => cats[id], 0).map((r) => r.id)).toEqual(['a1', 'a2', 'a3', 'b1']);
  // Each earlier pick of a category costs its items strength × the score spread (0.5 here).
  expect(diversify(ranked, (id) => cats[id], 0.6).map((r) => r.id)).toEqual(['a1', 'a2', 'b1', 'a3']);
  expect(diversify(ranked, (id) => cats[id], 1).map((r) => r.id)).toEqual(['a1', 'b1', 'a2', 'a3']);
});

const W: ScoringWeights = { lstm: 0, long: 0, last: 3, decay: 0.5, repeat: 0, page: 0, category: 2 };

test('category affinity: the share of the visitor’s weight in each candidate’s categories', () => {
  const cats: Record<string, string[]> = { a: ['SciFi'], b: ['SciFi', 'Action'], c: ['Drama'], d: [] };
  const shares = categoryShares(profileWeights(normalise(['a', 'b'], 0), 0), (id) => cats[id])!;
  // Interests: SciFi 2, Action 1 (total 3). a: 2/3; b: ((2+1)/3)/2; c, d: 0.
  expect(['a', 'b', 'c', 'd'].map((id) => +shareOf(shares, cats[id]).toFixed(5))).toEqual([+(2 / 3).toFixed(5), 0.5, 0, 0]);
  const scores = new Float32Array(4);
  const ids = ['a', 'b', 'c', 'd'];
  const space = { rowOf: () => undefined, idOf: () => '', categoriesOf: (id: string) => cats[id] };
  addTerms(scores, ids, (id) => ids.indexOf(id), readHistory(normalise(['a', 'b'], 0), 0, { gapMs: 1 }), space, W, 0);
  expect(Array.from(scores).map((x) => +x.toFixed(5))).toEqual([+(4 / 3).toFixed(5), 1, 0, 0]);
});

test('a dislike or dismissal pushes down the items of its categories, and the item itself', () => {
  const cats: Record<string, string[]> = { bad: ['Horror'], h2: ['Horror'], mix: ['Horror', 'Comedy'], c: ['Comedy'] };
  const ids = ['h2', 'mix', 'c', 'unknown', 'bad'];
  const scores = new Float32Array(ids.length);
  const space = { rowOf: () => undefined, idOf: () => '', categoriesOf: (id: string) => cats[id] };
  const history = readHistory(normalise([{ id: 'bad', type: 'dismiss' }, { id: 'c', type: 'click' }], 0), 0, { gapMs: 1 });
  addTerms(scores, ids, (id) => ids.indexOf(id), history, space, { ...W, category: 0 }, 0);
  expect(Array.from(scores).map((x) => +x.toFixed(4))).toEqual([-0.3, -0.15, 0, 0, -2.3]);
});

test('the session model reads untrained event types as clicks, likes as clicks, and views only when trained', () => {
  const types = { eventTypes: ['view', 'click', 'add_to_cart', 'purchase'], window: 20 };
  const events = normalise([{ id: 'a', type: 'view' }, { id: 'b', type: 'add_to_cart' }, { id: 'c', type: 'like' }, 'd'], 0);
  const rowOf = (id: string) => 'abcd'.indexOf(id);
  // A model trained on a log of clicks only: its add_to_cart row never learned anything.
  expect(sessionInput(currentSession(events, 0, 1), rowOf, { ...types, trainedTypes: ['click'] })).toEqual({ rows: [1, 2, 3], types: [1, 1, 1] });
  // A log with views and carts: both are read with their own rows.
  const all = { ...types, trainedTypes: ['view', 'click', 'add_to_cart'] };
  expect(sessionInput(currentSession(events, 0, 1, true), rowOf, all)).toEqual({ rows: [0, 1, 2, 3], types: [0, 2, 1, 1] });
  // An older model that does not say which types it trained: every row is taken as trained.
  expect(sessionInput(currentSession(events, 0, 1), rowOf, types).types).toEqual([2, 1, 1]);
});
