import type { NeighbourTable } from '../scoring/index.js';
import type { EncodedSet } from './data.js';
import { prefixScorer, type Scorer } from './evaluate.js';

/** Interaction counts per item: the popularity prior and every evaluation's tie-break. */
export function popularity(set: EncodedSet, itemCount: number): Float32Array {
  const counts = new Float32Array(itemCount);
  for (const seq of set.seqs) for (const item of seq) counts[item]++;
  return counts;
}

/** POP: the most interacted-with items. */
export function popScorer(pop: Float32Array): Scorer {
  return prefixScorer('pop', pop.length, (_, __, out) => out.set(pop));
}

/** S-POP: the sequence's own items by how often they occur in it, then global popularity (the tie-break). */
export function spopScorer(itemCount: number): Scorer {
  return prefixScorer('spop', itemCount, (prefix, _, out) => {
    for (const item of prefix) out[item]++;
  });
}

/**
 * For each item, its neighbours and their cosine co-occurrence weights (see `itemNeighbours`), best first,
 * packed: item a's are `ids` and `weights` from `offsets[a]` to `offsets[a + 1]`. Three arrays whatever the
 * catalog (two typed arrays per item would cost more in their headers than their neighbours).
 */
export interface Neighbours {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

/** Item a's neighbours and their weights (views, best first). */
export function neighboursOf(nb: Neighbours, a: number): { ids: Int32Array; weights: Float32Array } {
  const [from, to] = [nb.offsets[a], nb.offsets[a + 1]];
  return { ids: nb.ids.subarray(from, to), weights: nb.weights.subarray(from, to) };
}

/** How a pair's sequences weigh: one each (`count`, classic item-kNN), or 1 / the distance between the two in each (`distance`). */
export type Weighting = 'count' | 'distance';

/** One list of neighbours to compute: how many per item, and how a pair's sequences weigh. */
export interface NeighbourSpec {
  top?: number;
  weighting?: Weighting;
}

/** Distances are written into a pair's key as its last base-DISTANCES digit (a window past it counts as DISTANCES − 1). */
const DISTANCES = 64;

/**
 * Calls `visit(a, b, d)` once per sequence for each pair of distinct items that occur in it within `window`
 * positions of each other, d the nearest they come (a session is short enough that the window covers it;
 * a user's long history is not one context).
 */
function forEachPair(set: EncodedSet, itemCount: number, window: number, visit: (a: number, b: number, d: number) => void): void {
  const nearest = new Map<number, number>();
  for (const seq of set.seqs) {
    nearest.clear();
    for (let i = 0; i < seq.length; i++) {
      for (let j = Math.max(0, i - window); j < i; j++) {
        const a = seq[i];
        const b = seq[j];
        if (a === b) continue;
        const key = a < b ? a * itemCount + b : b * itemCount + a;
        const d = nearest.get(key);
        if (d === undefined || i - j < d) nearest.set(key, i - j);
      }
    }
    for (const [key, d] of nearest) visit(Math.floor(key / itemCount), key % itemCount, d);
  }
}

/**
 * Each item's cosine co-occurrence neighbours w(a, b) / sqrt(count(a) · count(b)), at most `top` (all by
 * default), best first (ties: the more popular, then the lower row). w sums the sequences holding both
 * items within `window` positions, each counting 1 (`count`, the default) or 1 / the nearest the two come in
 * it (`distance`: an item clicked right after another says more of it than one ten clicks later).
 */
export function itemNeighbours(set: EncodedSet, itemCount: number, pop: Float32Array, top = Infinity, options: { window?: number; maxPairs?: number; weighting?: Weighting } = {}): Neighbours {
  return neighbourLists(set, itemCount, pop, [{ top, weighting: options.weighting }], options)[0];
}

/**
 * Several lists of neighbours (as `itemNeighbours`) from one pass over the log. Never an items × items
 * matrix, nor an object per pair: the pairs of a range of items are written as numbers into one typed array
 * of at most `maxPairs`, sorted and counted, and the next range follows, so memory is bounded whatever the
 * catalog and the log.
 */
export function neighbourLists(set: EncodedSet, itemCount: number, pop: Float32Array, specs: readonly NeighbourSpec[], { window = 50, maxPairs = 1 << 25 } = {}): Neighbours[] {
  const n = itemCount;
  const perItem = new Float64Array(n);
  forEachPair(set, n, window, (a, b) => (perItem[a]++, perItem[b]++));
  const lists = specs.map(({ top = Infinity, weighting = 'count' }) => {
    // Room for at most `top` neighbours of each item, and no more than it has pairs.
    const offsets = new Int32Array(n + 1);
    for (let a = 0; a < n; a++) offsets[a + 1] = offsets[a] + Math.min(top, perItem[a]);
    return { top, weighting, offsets, ids: new Int32Array(offsets[n]), weights: new Float32Array(offsets[n]), kept: 0 };
  });
  for (let lo = 0; lo < n; ) {
    let hi = lo;
    let size = 0;
    // A key must stay an exact integer: (hi − lo) · n · DISTANCES below 2^53.
    while (hi < n && (hi === lo || (size + perItem[hi] <= maxPairs && (hi - lo + 1) * n * DISTANCES <= Number.MAX_SAFE_INTEGER))) size += perItem[hi++];
    // Keys ((a − lo)·n + b)·DISTANCES + d for the pairs whose first item is in [lo, hi): sorted, a pair's sequences are adjacent.
    const keys = new Float64Array(size);
    let k = 0;
    forEachPair(set, n, window, (a, b, d) => {
      d = Math.min(d, DISTANCES - 1);
      if (a >= lo && a < hi) keys[k++] = ((a - lo) * n + b) * DISTANCES + d;
      if (b >= lo && b < hi) keys[k++] = ((b - lo) * n + a) * DISTANCES + d;
    });
    keys.sort();
    let at = 0;
    const pairs: { b: number; count: number; near: number; w: number }[] = [];
    for (let a = lo; a < hi; a++) {
      const end = (a - lo + 1) * n * DISTANCES;
      pairs.length = 0;
      while (at < keys.length && keys[at] < end) {
        const pair = Math.floor(keys[at] / DISTANCES);
        let count = 0;
        let near = 0;
        for (; at < keys.length && Math.floor(keys[at] / DISTANCES) === pair; at++) (count++, (near += 1 / (keys[at] % DISTANCES)));
        pairs.push({ b: pair - (a - lo) * n, count, near, w: 0 });
      }
      for (const list of lists) {
        for (const p of pairs) p.w = (list.weighting === 'count' ? p.count : p.near) / Math.sqrt((pop[a] || 1) * (pop[p.b] || 1));
        pairs.sort((x, y) => y.w - x.w || pop[y.b] - pop[x.b] || x.b - y.b);
        list.offsets[a] = list.kept;
        for (let j = 0; j < Math.min(list.top, pairs.length); j++, list.kept++) (list.ids[list.kept] = pairs[j].b), (list.weights[list.kept] = pairs[j].w);
      }
    }
    lo = hi;
  }
  return lists.map(({ offsets, ids, weights, kept }) => {
    offsets[n] = kept;
    // The room an item's repeated pairs left unused (its pairs counted once per sequence, not per neighbour).
    return kept < ids.length ? { offsets, ids: ids.slice(0, kept), weights: weights.slice(0, kept) } : { offsets, ids, weights };
  });
}

/** The lists of an n×N table (ids padded with -1, as exported), packed. */
export function neighboursFromTable(table: NeighbourTable): Neighbours {
  const { ids, weights, top } = table;
  const n = top ? ids.length / top : 0;
  const offsets = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) {
    let len = 0;
    while (len < top && ids[a * top + len] >= 0) len++;
    offsets[a + 1] = offsets[a] + len;
  }
  const packed = { offsets, ids: new Int32Array(offsets[n]), weights: new Float32Array(offsets[n]) };
  for (let a = 0; a < n; a++) {
    const len = offsets[a + 1] - offsets[a];
    packed.ids.set(ids.subarray(a * top, a * top + len), offsets[a]);
    packed.weights.set(weights.subarray(a * top, a * top + len), offsets[a]);
  }
  return packed;
}

function addVotes(nb: Neighbours, a: number, weight: number, out: Float32Array): void {
  for (let k = nb.offsets[a]; k < nb.offsets[a + 1]; k++) out[nb.ids[k]] += weight * nb.weights[k];
}

/** item-kNN: neighbours of the last item by cosine co-occurrence, the item itself excluded. */
export function itemKnnScorer(nb: Neighbours, itemCount: number): Scorer {
  return prefixScorer('itemknn', itemCount, (prefix, _, out) => {
    const last = prefix[prefix.length - 1];
    addVotes(nb, last, 1, out);
    out[last] = -Infinity;
  });
}
