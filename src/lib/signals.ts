import type { EventType, HistoryEvent } from '../types/index.js';

// What the history says, as plain numbers: which events form the current session (the LSTM reads them)
// and how much each past event weighs in the long-term profile. Pure: testable in Node.

/**
 * Long-term weight of each event type: view < click < add to cart < purchase; negatives push away. A view
 * records what the page put on screen more than what the visitor wanted, so it weighs little. A bounce (a
 * click the visitor came straight back from) is a mild negative.
 */
export const EVENT_WEIGHTS: Readonly<Record<EventType | 'bounce', number>> = {
  bounce: -1,
  view: 0.1,
  click: 1,
  add_to_cart: 2,
  purchase: 3,
  like: 2,
  dislike: -2,
  dismiss: -2,
};

/** A long-term event loses half its weight every this many days. */
export const HALF_LIFE_DAYS = 14;

const DAY = 86_400_000;

export interface NormalEvent {
  id: string;
  type: EventType | 'bounce';
  time: number;
}

/** Fills defaults: a bare id is a click now. */
export function normalise(history: readonly (string | HistoryEvent)[], now: number): NormalEvent[] {
  return history.map((e) => (typeof e === 'string' ? { id: e, type: 'click', time: now } : { id: e.id, type: e.type ?? 'click', time: e.time ?? now }));
}

/**
 * The current session: the trailing events with no gap longer than `gapMs` between them, the last one
 * within `gapMs` of now. The session model reads what the visitor chose (clicks, add to cart, purchases,
 * likes): not negative feedback, and not views, which record what the page put on screen (they count in
 * the long-term profile). A clock that went backwards (a later event with an earlier time) is not a gap.
 */
export function currentSession(events: readonly NormalEvent[], now: number, gapMs: number): NormalEvent[] {
  const positive = events.filter((e) => EVENT_WEIGHTS[e.type] > 0 && e.type !== 'view');
  if (positive.length === 0 || now - Math.max(...positive.map((e) => e.time)) > gapMs) return [];
  let start = positive.length - 1;
  while (start > 0 && positive[start].time - positive[start - 1].time <= gapMs) start--;
  return positive.slice(start);
}

/** Interests by category: the positive long-term weight of each category's items, strongest first. */
export function interestsByCategory(weights: ReadonlyMap<string, number>, categoriesOf: (id: string) => readonly string[] | undefined) {
  const sums = new Map<string, number>();
  for (const [id, w] of weights) {
    if (w <= 0) continue;
    for (const c of categoriesOf(id) ?? []) sums.set(c, (sums.get(c) ?? 0) + w);
  }
  return [...sums].map(([category, weight]) => ({ category, weight: Math.round(weight * 1000) / 1000 })).sort((a, b) => b.weight - a.weight);
}

/** Long-term weights per item: type weight × age decay, summed over the item's events. */
export function profileWeights(events: readonly NormalEvent[], now: number): Map<string, number> {
  const weights = new Map<string, number>();
  for (const e of events) {
    const age = Math.max(0, now - e.time) / DAY;
    const w = EVENT_WEIGHTS[e.type] * 0.5 ** (age / HALF_LIFE_DAYS);
    weights.set(e.id, (weights.get(e.id) ?? 0) + w);
  }
  return weights;
}

/**
 * Adds factor × the mean, over each candidate's categories, of that category's share of `interest`: the
 * arithmetic behind both the category affinity and the push away from disliked categories.
 */
function addCategoryShares(
  scores: Float32Array,
  ids: readonly string[],
  interest: ReadonlyMap<string, number>,
  total: number,
  categoriesOf: (id: string) => readonly string[] | undefined,
  factor: number,
): void {
  if (total === 0) return;
  ids.forEach((id, i) => {
    const cs = categoriesOf(id);
    if (!cs?.length) return;
    let s = 0;
    for (const c of cs) s += interest.get(c) ?? 0;
    scores[i] += (factor * s) / total / cs.length;
  });
}

/**
 * Adds weight × the share of the visitor's positive long-term weight (`weights`, from profileWeights) that
 * falls in each candidate's categories: the content-based part of the score, the arithmetic the trainer
 * tunes.
 */
export function addCategoryAffinity(
  scores: Float32Array,
  ids: readonly string[],
  weights: ReadonlyMap<string, number>,
  categoriesOf: (id: string) => readonly string[] | undefined,
  weight: number,
): void {
  const interest = new Map<string, number>();
  let total = 0;
  for (const [id, w] of weights) {
    if (w <= 0) continue;
    for (const c of categoriesOf(id) ?? []) {
      interest.set(c, (interest.get(c) ?? 0) + w);
      total += w;
    }
  }
  addCategoryShares(scores, ids, interest, total, categoriesOf, weight);
}

/** How far an explicit "dislike" or "not interested" pushes the items of its categories down. */
export const DISLIKED_CATEGORY_PENALTY = 0.3;

/**
 * Pushes down items that share categories with what the visitor disliked or dismissed: each item loses
 * the penalty × the share of those negative signals in its categories (the mean over its categories).
 * The item itself is pushed away by the long-term profile and by its own negative weight.
 */
export function pushAwayDislikedCategories(
  scores: Float32Array,
  ids: readonly string[],
  events: readonly NormalEvent[],
  categoriesOf: (id: string) => readonly string[] | undefined,
  penalty = DISLIKED_CATEGORY_PENALTY,
): void {
  const against = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.type !== 'dislike' && e.type !== 'dismiss') continue;
    for (const c of categoriesOf(e.id) ?? []) {
      against.set(c, (against.get(c) ?? 0) + 1);
      total++;
    }
  }
  addCategoryShares(scores, ids, against, total, categoriesOf, -penalty);
}
