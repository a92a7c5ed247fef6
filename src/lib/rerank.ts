import type { Ranked } from '../types/index.js';

// The CPU side of a rank: the session's neighbourhood votes, the page's own order, pinned slots and
// diversity. Pure functions over plain arrays.

/** Exported top-N neighbours: row a's neighbours are ids[a·N .. a·N+N) (-1 pads), with their weights. */
export interface NeighbourTable {
  ids: Int32Array;
  weights: Float32Array;
  top: number;
}

export interface NeighbourhoodWeights {
  last: number;
  decay: number;
  repeat: number;
}

/**
 * Votes of the session's items for each candidate, exactly as the trainer scored them: the last `last`
 * items vote with their neighbours' weights, decaying by `decay` per step back; items already in the
 * session get `repeat`, decaying the same way. Also returns, per candidate, the session item that gave
 * the most (for reasons).
 */
export function neighbourhoodVotes(
  table: NeighbourTable | undefined,
  session: readonly number[],
  candidates: Int32Array,
  w: NeighbourhoodWeights,
): { votes: Float32Array; by: Int32Array; kind: Uint8Array } {
  const votes = new Float32Array(candidates.length);
  const by = new Int32Array(candidates.length).fill(-1);
  const kind = new Uint8Array(candidates.length); // 1: together, 2: seen
  if (session.length === 0) return { votes, by, kind };
  const at = new Map<number, number[]>();
  candidates.forEach((row, i) => {
    const list = at.get(row);
    if (list) list.push(i);
    else at.set(row, [i]);
  });
  const best = new Float32Array(candidates.length);
  const add = (row: number, v: number, from: number, k: number) => {
    for (const i of at.get(row) ?? []) {
      votes[i] += v;
      if (v > best[i]) {
        best[i] = v;
        by[i] = from;
        kind[i] = k;
      }
    }
  };
  if (table) {
    let weight = 1;
    for (let k = session.length - 1, used = 0; k >= 0 && used < w.last; k--, used++, weight *= w.decay) {
      const a = session[k];
      for (let j = 0; j < table.top; j++) {
        const b = table.ids[a * table.top + j];
        if (b < 0) break;
        add(b, weight * table.weights[a * table.top + j], a, 1);
      }
    }
  }
  let weight = 1;
  for (let k = session.length - 1; k >= 0 && weight > 1e-4; k--, weight *= w.decay) add(session[k], w.repeat * weight, session[k], 2);
  return { votes, by, kind };
}

/** The page's order as a prior: 0 for the first item, falling slowly (−log₂(1 + position)). */
export function pagePrior(count: number, weight: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => -weight * Math.log2(1 + i));
}

/**
 * Greedy maximal marginal relevance over categories: each pick is the best score minus `strength` times
 * the spread of scores for every earlier pick sharing a category. 0 keeps the order.
 */
export function diversify(ranked: Ranked[], categories: (id: string) => readonly string[] | undefined, strength: number): Ranked[] {
  if (strength <= 0 || ranked.length < 3) return ranked;
  const scores = ranked.map((r) => r.score);
  const spread = Math.max(...scores) - Math.min(...scores) || 1;
  const seen = new Map<string, number>();
  const left = ranked.slice();
  const out: Ranked[] = [];
  while (left.length) {
    let bestAt = 0;
    let bestValue = -Infinity;
    left.forEach((r, i) => {
      const overlap = (categories(r.id) ?? []).reduce((m, c) => Math.max(m, seen.get(c) ?? 0), 0);
      const value = r.score - strength * spread * overlap;
      if (value > bestValue) [bestAt, bestValue] = [i, value];
    });
    const [pick] = left.splice(bestAt, 1);
    for (const c of categories(pick.id) ?? []) seen.set(c, (seen.get(c) ?? 0) + 1);
    out.push(pick);
  }
  return out;
}

/** Puts pinned items back at the positions they had on the page; the others fill the remaining slots. */
export function keepPinned(page: readonly string[], ranked: Ranked[], pinned: ReadonlySet<string>): Ranked[] {
  if (pinned.size === 0) return ranked;
  const fixed = new Map<number, Ranked>();
  const byId = new Map(ranked.map((r) => [r.id, r]));
  page.forEach((id, i) => {
    const r = byId.get(id);
    if (pinned.has(id) && r && !fixed.has(i)) fixed.set(i, r);
  });
  const free = ranked.filter((r) => !pinned.has(r.id));
  const out: Ranked[] = [];
  for (let i = 0; out.length < ranked.length; i++) out.push(fixed.get(i) ?? free.shift()!);
  return out;
}

