// The score terms computed on the CPU, the same in the browser and in the trainer's evaluation. Sparse
// terms (neighbourhood votes, an item's own negative feedback) touch a few hundred items; dense ones
// (category affinity, the page's order) look at every candidate.

/** Exported top-N neighbours: row a's neighbours are ids[a·N .. a·N+N) (-1 pads), with their weights. */
export interface NeighbourTable {
  ids: Int32Array;
  weights: Float32Array;
  top: number;
}

export interface NeighbourhoodWeights {
  /** How many of the session's last items vote with their neighbours. */
  last: number;
  /** Each step back in the session multiplies a vote by this. */
  decay: number;
  /** Bonus for items the session already holds, summed over their occurrences. */
  repeat: number;
  /** Each step back multiplies the repeat bonus by this (0..1; `decay` when absent, 1 counts every occurrence alike). */
  repeatDecay?: number;
}

/** One item's votes: their sum, and the session item that gave the most (for reasons). */
export interface Vote {
  value: number;
  /** The session row that gave the largest single vote. */
  by: number;
  /** 1: a neighbour of `by` ("together"); 2: `by` itself, already in the session ("seen"). */
  kind: 1 | 2;
  best: number;
}

/**
 * Votes of the session's items (model rows, oldest first), by row: the last `last` items vote with their
 * neighbours' weights, decaying by `decay` per step back; items already in the session get `repeat` for
 * each occurrence, decaying by `repeatDecay` per step back (by `decay` when it is absent).
 */
export function sessionVotes(table: NeighbourTable | undefined, session: ArrayLike<number>, w: NeighbourhoodWeights): Map<number, Vote> {
  const votes = new Map<number, Vote>();
  const add = (row: number, v: number, from: number, kind: 1 | 2) => addVote(votes, row, v, from, kind);
  if (table) {
    let weight = 1;
    for (let k = session.length - 1, used = 0; k >= 0 && used < w.last; k--, used++, weight *= w.decay) {
      const a = session[k];
      for (let j = 0; j < table.top; j++) {
        const b = table.ids[a * table.top + j];
        if (!(b >= 0)) break; // -1 pads (and a row past the table, which has none)
        add(b, weight * table.weights[a * table.top + j], a, 1);
      }
    }
  }
  if (w.repeat !== 0) {
    const decay = w.repeatDecay ?? w.decay;
    let weight = 1;
    for (let k = session.length - 1; k >= 0 && weight > 1e-4; k--, weight *= decay) add(session[k], w.repeat * weight, session[k], 2);
  }
  return votes;
}

/** Adds one vote for `row`, given by `from`. */
function addVote(votes: Map<number, Vote>, row: number, v: number, from: number, kind: 1 | 2): void {
  const vote = votes.get(row);
  if (!vote) votes.set(row, { value: v, by: from, kind, best: v });
  else {
    vote.value += v;
    if (v > vote.best) Object.assign(vote, { by: from, kind, best: v });
  }
}

/**
 * The whole history's votes (the long-term profile's neighbourhood), added to `votes`: each item of a
 * positive long-term weight (model rows and weights) votes for its neighbours with `weight` × its share of
 * the history's positive weight × the neighbour's weight.
 */
export function historyVotes(table: NeighbourTable | undefined, rows: ArrayLike<number>, values: ArrayLike<number>, weight: number, votes: Map<number, Vote>): void {
  if (!table || weight === 0) return;
  let total = 0;
  for (let k = 0; k < values.length; k++) if (values[k] > 0) total += values[k];
  for (let k = 0; k < rows.length; k++) {
    if (!(values[k] > 0)) continue;
    const a = rows[k];
    const share = (weight * values[k]) / total;
    for (let j = 0; j < table.top; j++) {
      const b = table.ids[a * table.top + j];
      if (!(b >= 0)) break;
      addVote(votes, b, share * table.weights[a * table.top + j], a, 1);
    }
  }
}

/**
 * Each category's share of a weighting of items: the sum of the positive weights of its items over the
 * total, an item with several categories counting in each. Undefined when nothing weighs.
 */
export function categoryShares<K, C>(weights: Iterable<readonly [K, number]>, categoriesOf: (id: K) => ArrayLike<C> | undefined): Map<C, number> | undefined {
  const shares = new Map<C, number>();
  let total = 0;
  for (const [id, w] of weights) {
    if (w <= 0) continue;
    const cs = categoriesOf(id);
    if (!cs) continue;
    for (let k = 0; k < cs.length; k++) {
      shares.set(cs[k], (shares.get(cs[k]) ?? 0) + w);
      total += w;
    }
  }
  if (total === 0) return undefined;
  for (const [c, s] of shares) shares.set(c, s / total);
  return shares;
}

/** The mean, over an item's categories, of their shares (0 without categories). */
export function shareOf<C>(shares: ReadonlyMap<C, number>, cs: ArrayLike<C> | undefined): number {
  if (!cs?.length) return 0;
  let s = 0;
  for (let k = 0; k < cs.length; k++) s += shares.get(cs[k]) ?? 0;
  return s / cs.length;
}

/** The page's order as a prior: 0 for the first item, falling slowly (−weight · log₂(1 + position)). */
export function pagePrior(position: number, weight: number): number {
  return -weight * Math.log2(1 + position);
}
