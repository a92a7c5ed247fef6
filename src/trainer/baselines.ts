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
 * For each item, its neighbours and their cosine co-occurrence co(a, b) / sqrt(count(a) · count(b)), best
 * first, packed: item a's are `ids` and `weights` from `offsets[a]` to `offsets[a + 1]`. Three arrays
 * whatever the catalog (two typed arrays per item would cost more in their headers than their neighbours).
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

/**
 * Calls `visit(a, b)` once per sequence for each pair of distinct items that occur in it within `window`
 * positions of each other (a session is short enough that the window covers it; a user's long history is
 * not one context).
 */
function forEachPair(set: EncodedSet, itemCount: number, window: number, visit: (a: number, b: number) => void): void {
  const seen = new Set<number>();
  for (const seq of set.seqs) {
    seen.clear();
    for (let i = 0; i < seq.length; i++) {
      for (let j = Math.max(0, i - window); j < i; j++) {
        const a = seq[i];
        const b = seq[j];
        if (a === b) continue;
        const key = a < b ? a * itemCount + b : b * itemCount + a;
        if (seen.has(key)) continue;
        seen.add(key);
        visit(a, b);
      }
    }
  }
}

/**
 * Each item's cosine co-occurrence neighbours, at most `top` (all by default), best first (ties: the more
 * popular, then the lower row). Co-occurrence counts the sequences holding both items within `window`
 * positions. Never an items × items matrix, nor an object per pair: the pairs of a range of items are
 * written as numbers into one typed array of at most `maxPairs`, sorted and counted, and the next range
 * follows, so memory is bounded whatever the catalog and the log.
 */
export function itemNeighbours(set: EncodedSet, itemCount: number, pop: Float32Array, top = Infinity, { window = 50, maxPairs = 1 << 25 } = {}): Neighbours {
  const n = itemCount;
  const perItem = new Float64Array(n);
  forEachPair(set, n, window, (a, b) => (perItem[a]++, perItem[b]++));
  // Room for at most `top` neighbours of each item, and no more than it has pairs.
  const offsets = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) offsets[a + 1] = offsets[a] + Math.min(top, perItem[a]);
  let ids = new Int32Array(offsets[n]);
  let weights = new Float32Array(offsets[n]);
  let kept = 0;
  for (let lo = 0; lo < n; ) {
    let hi = lo;
    let size = 0;
    while (hi < n && (hi === lo || size + perItem[hi] <= maxPairs)) size += perItem[hi++];
    // Keys (a − lo)·n + b for the pairs whose first item is in [lo, hi): sorted, equal keys are one pair's sequences.
    const keys = new Float64Array(size);
    let k = 0;
    forEachPair(set, n, window, (a, b) => {
      if (a >= lo && a < hi) keys[k++] = (a - lo) * n + b;
      if (b >= lo && b < hi) keys[k++] = (b - lo) * n + a;
    });
    keys.sort();
    let at = 0;
    for (let a = lo; a < hi; a++) {
      const end = (a - lo + 1) * n;
      const list: { b: number; w: number }[] = [];
      while (at < keys.length && keys[at] < end) {
        const key = keys[at];
        let count = 0;
        while (at < keys.length && keys[at] === key) (count++, at++);
        const b = key - (a - lo) * n;
        list.push({ b, w: count / Math.sqrt((pop[a] || 1) * (pop[b] || 1)) });
      }
      list.sort((x, y) => y.w - x.w || pop[y.b] - pop[x.b] || x.b - y.b);
      offsets[a] = kept;
      for (let j = 0; j < Math.min(top, list.length); j++, kept++) (ids[kept] = list[j].b), (weights[kept] = list[j].w);
    }
    lo = hi;
  }
  offsets[n] = kept;
  // The room an item's repeated pairs left unused (its pairs counted once per sequence, not per neighbour).
  if (kept < ids.length) [ids, weights] = [ids.slice(0, kept), weights.slice(0, kept)];
  return { offsets, ids, weights };
}

/** The first `top` neighbours of each item (they are kept best first). */
export function topNeighbours(nb: Neighbours, top: number): Neighbours {
  const n = nb.offsets.length - 1;
  const offsets = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) offsets[a + 1] = offsets[a] + Math.min(top, nb.offsets[a + 1] - nb.offsets[a]);
  const ids = new Int32Array(offsets[n]);
  const weights = new Float32Array(offsets[n]);
  for (let a = 0; a < n; a++) {
    const { ids: x, weights: w } = neighboursOf(nb, a);
    ids.set(x.subarray(0, top), offsets[a]);
    weights.set(w.subarray(0, top), offsets[a]);
  }
  return { offsets, ids, weights };
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
