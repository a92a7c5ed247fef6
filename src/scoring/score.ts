import type { Signals } from './history.js';
import { longTermInput, type EventWeights } from './history.js';
import { categoryShares, historyVotes, pagePrior, sessionVotes, shareOf, type NeighbourhoodWeights, type NeighbourTable, type Vote } from './terms.js';

/** How the parts of a score are mixed (docs/model-format.md, Scoring); `view`, `add_to_cart` and `purchase` weigh those events in the long-term profile. */
export interface ScoringWeights extends NeighbourhoodWeights, EventWeights {
  /** Session model log-probability. */
  lstm: number;
  /** Long-term profile: u · E. */
  long: number;
  /** Long-term profile: the whole history's neighbourhood votes (historyVotes). 0 when absent. */
  history?: number;
  /** Added to each item the visitor already chose (negative: show new things; positive: bring them back). 0 when absent. */
  seen?: number;
  /** The page's own order: −page · log₂(1 + position). */
  page: number;
  /** Affinity to the categories of what the visitor chose (the content-based part). */
  category: number;
  /** Days over which a long-term event loses half its weight (HALF_LIFE_DAYS unless the model says). */
  halfLife?: number;
  /** How far dislikes and dismissals push the items of their categories down (DISLIKED_CATEGORY_PENALTY when absent). */
  dislike?: number;
}

/** The dislike weight of a model that does not set one (trained on a log without negative feedback). */
export const DISLIKED_CATEGORY_PENALTY = 0.3;

/** What the CPU terms need of a model: rows and categories of item keys, and the neighbour table. */
export interface ItemSpace<K> {
  rowOf(id: K): number | undefined;
  /** The key of a model row (the inverse of rowOf). */
  idOf(row: number): K;
  categoriesOf(id: K): ArrayLike<unknown> | undefined;
  neighbours?: NeighbourTable;
}

/** Where an item sits among the candidates: one position, several (a list may repeat an id), or none. */
export type Positions<K> = (id: K) => number | readonly number[] | undefined;

/** Each id's positions in a list, in order. */
export function positionsOf<K>(ids: readonly K[]): Map<K, number[]> {
  const at = new Map<K, number[]>();
  ids.forEach((id, i) => at.get(id)?.push(i) ?? at.set(id, [i]));
  return at;
}

/**
 * Adds every term computed on the CPU to `scores`, which holds each candidate's device part (the session
 * model's weighted log-probability and the long-term profile's u · E) or zeros:
 * - the session's neighbourhood votes and the repeat bonus (sessionVotes), and `history` × the whole
 *   history's votes (historyVotes);
 * - `seen` for each item the visitor chose;
 * - each item's own negative feedback (dislike, dismiss, bounce);
 * - `category` × the share of the visitor's positive long-term weight in the candidate's categories;
 * - minus `dislike` × the share of dislikes and dismissals in its categories;
 * - the page's order, `page` × −log₂(1 + position) (0 ranks a catalog).
 * Returns the votes by row, for reasons. The browser's rank and the trainer's evaluation both call this.
 */
export function addTerms<K>(
  scores: Float32Array,
  candidates: ArrayLike<K>,
  at: Positions<K>,
  signals: Signals<K>,
  space: ItemSpace<K>,
  w: ScoringWeights,
  page: number,
): Map<number, Vote> {
  const add = (id: K, v: number) => {
    const p = at(id);
    if (p === undefined) return;
    if (typeof p === 'number') scores[p] += v;
    else for (const i of p) scores[i] += v;
  };
  const session: number[] = [];
  for (const e of signals.session) {
    const row = space.rowOf(e.id);
    if (row !== undefined) session.push(row);
  }
  const votes = sessionVotes(space.neighbours, session, w);
  if (w.history) {
    // What the visitor chose votes; a view (what the page showed) does not.
    const r = longTermInput(new Map([...signals.weights].filter(([id]) => signals.chosen.has(id))), space.rowOf);
    historyVotes(space.neighbours, r.rows, r.values, w.history, votes);
  }
  for (const [row, vote] of votes) add(space.idOf(row), vote.value);
  if (w.seen) for (const id of signals.chosen) add(id, w.seen);
  for (const [id, v] of signals.negative) if (v < 0) add(id, v);
  const liked = w.category ? categoryShares(signals.weights, space.categoriesOf) : undefined;
  const penalty = w.dislike ?? DISLIKED_CATEGORY_PENALTY;
  const disliked = penalty && signals.against.length ? categoryShares(signals.against.map((id) => [id, 1] as const), space.categoriesOf) : undefined;
  if (liked || disliked || page) {
    for (let i = 0; i < candidates.length; i++) {
      let s = page ? pagePrior(i, page) : 0;
      if (liked || disliked) {
        const cs = space.categoriesOf(candidates[i]);
        if (liked) s += w.category * shareOf(liked, cs);
        if (disliked) s -= penalty * shareOf(disliked, cs);
      }
      scores[i] += s;
    }
  }
  return votes;
}
