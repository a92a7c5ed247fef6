import type { EncodedSet } from './data.js';
import { prefixScorer, type Scorer } from './evaluate.js';

/** Interaction counts per item: the popularity prior and every evaluation's tie-break. */
export function popularity(set: EncodedSet, itemCount: number): Float32Array {
  const counts = new Float32Array(itemCount);
  for (const seq of set.seqs) for (const item of seq) counts[item]++;
  return counts;
}

/** Items that occur together: for each item, its neighbours and in how many sequences they co-occur. */
export interface Cooccurrence {
  neighbours: Int32Array[];
  counts: Float32Array[];
}

/**
 * Counts, for each pair of items, the sequences in which both occur within `window` positions of each
 * other (a session is short enough that the window covers it; a user's long history is not one context).
 */
export function cooccurrence(set: EncodedSet, itemCount: number, window = 50): Cooccurrence {
  const maps: Map<number, number>[] = Array.from({ length: itemCount }, () => new Map());
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
        maps[a].set(b, (maps[a].get(b) ?? 0) + 1);
        maps[b].set(a, (maps[b].get(a) ?? 0) + 1);
      }
    }
  }
  return {
    neighbours: maps.map((m) => Int32Array.from(m.keys())),
    counts: maps.map((m) => Float32Array.from(m.values())),
  };
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

/** For each item, its neighbours and their cosine co-occurrence co(a, b) / sqrt(count(a) · count(b)). */
export interface Neighbours {
  ids: Int32Array[];
  weights: Float32Array[];
}

/** Cosine neighbours, best first, at most `top` per item (all of them by default). */
export function cosineNeighbours(co: Cooccurrence, pop: Float32Array, top = Infinity): Neighbours {
  const ids: Int32Array[] = [];
  const weights: Float32Array[] = [];
  co.neighbours.forEach((nb, a) => {
    const list = Array.from(nb, (b, k) => ({ b, w: co.counts[a][k] / Math.sqrt((pop[a] || 1) * (pop[b] || 1)) }));
    list.sort((x, y) => y.w - x.w || pop[y.b] - pop[x.b] || x.b - y.b);
    const kept = list.slice(0, top);
    ids.push(Int32Array.from(kept, (x) => x.b));
    weights.push(Float32Array.from(kept, (x) => x.w));
  });
  return { ids, weights };
}

function addVotes(nb: Neighbours, a: number, weight: number, out: Float32Array): void {
  const ids = nb.ids[a];
  const w = nb.weights[a];
  for (let k = 0; k < ids.length; k++) out[ids[k]] += weight * w[k];
}

/** item-kNN: neighbours of the last item by cosine co-occurrence, the item itself excluded. */
export function itemKnnScorer(nb: Neighbours, itemCount: number): Scorer {
  return prefixScorer('itemknn', itemCount, (prefix, _, out) => {
    const last = prefix[prefix.length - 1];
    addVotes(nb, last, 1, out);
    out[last] = -Infinity;
  });
}

/** Weights of the session-neighbourhood scorer, tuned on validation. */
export interface NeighbourhoodWeights {
  /** How many of the last items vote with their neighbours. */
  last: number;
  /** Each step back in the sequence multiplies an item's vote by this. */
  decay: number;
  /** Bonus for items already in the sequence, scaled by recency in the same way. */
  repeat: number;
}

/**
 * The session-neighbourhood hybrid: co-occurrence with the last few items (recency-weighted) plus the
 * items the sequence already holds. No learned model, and on public session benchmarks a strong one.
 */
export function addNeighbourhood(nb: Neighbours, prefix: Int32Array, w: NeighbourhoodWeights, out: Float32Array): void {
  let weight = 1;
  for (let k = prefix.length - 1, used = 0; k >= 0 && used < w.last; k--, used++, weight *= w.decay) {
    addVotes(nb, prefix[k], weight, out);
  }
  weight = 1;
  for (let k = prefix.length - 1; k >= 0 && weight > 1e-4; k--, weight *= w.decay) out[prefix[k]] += w.repeat * weight;
}

export function neighbourhoodScorer(nb: Neighbours, itemCount: number, w: NeighbourhoodWeights): Scorer {
  return prefixScorer('neighbourhood', itemCount, (prefix, _, out) => addNeighbourhood(nb, prefix, w, out));
}
