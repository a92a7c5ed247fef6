import { addNeighbourhood, type NeighbourhoodWeights, type Neighbours } from './baselines.js';
import type { EncodedSet } from './data.js';
import type { Scorer } from './evaluate.js';
import { foldIn } from './profile-space.js';
import { MetricsAt, rankOf } from './metrics.js';

/** How the parts of a score are mixed; tuned on validation and exported in the manifest. */
export interface BlendWeights extends NeighbourhoodWeights {
  /** Weight of the session model's log-probability (0: the neighbourhood alone). */
  lstm: number;
  /** Weight of the long-term profile's similarity u · E (0: none). */
  long?: number;
  /** Weight of the affinity to the categories of what the visitor chose (0: none). */
  category?: number;
}

/** Each item's category numbers, and how many categories there are. */
export interface Categories {
  of: Int32Array[];
  count: number;
}

/** Numbers the categories of each item (items.json order). */
export function categoryIndex(categories: readonly (readonly string[])[]): Categories {
  const ids = new Map<string, number>();
  const of = categories.map((cs) => Int32Array.from(cs, (c) => ids.get(c) ?? (ids.set(c, ids.size), ids.size - 1)));
  return { of, count: ids.size };
}

/**
 * Adds weight × the share of the visitor's choices that fall in each item's categories (the mean over an
 * item's categories): the content-based part of the hybrid, which carries over to items the sequence
 * models know little about.
 */
export function addCategoryAffinity(cats: Categories, prefix: Int32Array, weight: number, out: Float32Array): void {
  const share = new Float32Array(cats.count);
  let total = 0;
  for (const item of prefix) for (const c of cats.of[item]) (share[c]++, total++);
  if (total === 0) return;
  for (let j = 0; j < out.length; j++) {
    const cs = cats.of[j];
    if (cs.length === 0) continue;
    let s = 0;
    for (const c of cs) s += share[c];
    out[j] += (weight * s) / total / cs.length;
  }
}

/** What the long-term profile needs: the item embeddings E (n×d) and the fold-in map F (d×d, u = yF). */
export interface LongTerm {
  E: Float32Array;
  M: Float32Array;
  d: number;
}

/** Adds weight · (E u) with u = (Eᵀ r) F, every prefix item weighing 1: the long-term profile's scores. */
export function addLongTerm(lt: LongTerm, prefix: Int32Array, weight: number, out: Float32Array): void {
  const { E, M, d } = lt;
  const u = foldIn(M, E, d, prefix);
  for (let a = 0; a < d; a++) u[a] *= weight;
  for (let j = 0; j < out.length; j++) {
    let s = 0;
    for (let a = 0; a < d; a++) s += E[j * d + a] * u[a];
    out[j] += s;
  }
}

/** The blended score: the session model's log-probability, the session neighbourhood's votes and the long-term profile. */
export function blendScorer(name: string, lstm: Scorer, nb: Neighbours, pop: Float32Array, w: BlendWeights, lt?: LongTerm, cats?: Categories): Scorer {
  const out = new Float32Array(pop.length);
  return {
    name,
    forEachCase: (set, visit) =>
      lstm.forEachCase(set, (s, i, scores) => {
        for (let j = 0; j < out.length; j++) out[j] = w.lstm * scores[j];
        const prefix = set.seqs[s].subarray(0, i);
        addNeighbourhood(nb, prefix, w, out);
        if (lt && w.long) addLongTerm(lt, prefix, w.long, out);
        if (cats && w.category) addCategoryAffinity(cats, prefix, w.category, out);
        visit(s, i, out);
      }),
  };
}

const LONG_GRID = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
const CATEGORY_GRID = [0, 0.05, 0.1, 0.2, 0.5, 1, 2];

const GRID = {
  lstm: [0, 0.02, 0.05, 0.1, 0.2, 0.4, 1],
  last: [1, 2, 3, 5],
  decay: [0.3, 0.5, 0.7, 0.9],
  repeat: [0, 0.25, 0.5, 1, 2],
};

/**
 * Grid search of the blend on (up to `maxCases`) validation cases, maximising HitRate@20 + MRR@20: first
 * the session model against the neighbourhood, then the long-term profile's weight on top. The session
 * model's scores are computed once and kept; each candidate only re-adds the cheap parts.
 */
export async function tuneBlend(
  lstm: Scorer,
  set: EncodedSet,
  nb: Neighbours,
  pop: Float32Array,
  lt?: LongTerm,
  cats?: Categories,
  maxCases = 1500,
): Promise<{ weights: BlendWeights; objective: number; tried: number }> {
  const cases: { prefix: Int32Array; target: number; scores: Float32Array }[] = [];
  let total = 0;
  set.seqs.forEach((seq, s) => (total += Math.max(0, seq.length - Math.max(1, set.start[s]))));
  const every = Math.max(1, Math.ceil(total / maxCases));
  let k = 0;
  await lstm.forEachCase(set, (s, i, scores) => {
    if (k++ % every === 0) cases.push({ prefix: set.seqs[s].subarray(0, i), target: set.seqs[s][i], scores: scores.slice() });
  });
  const out = new Float32Array(pop.length);
  let best = { weights: { lstm: 0, last: 1, decay: 0.5, repeat: 0 }, objective: -1 };
  let tried = 0;
  for (const last of GRID.last)
    for (const decay of GRID.decay)
      for (const repeat of GRID.repeat)
        for (const w of GRID.lstm) {
          const weights = { lstm: w, last, decay, repeat };
          const at20 = new MetricsAt(20);
          for (const c of cases) {
            for (let j = 0; j < out.length; j++) out[j] = w * c.scores[j];
            addNeighbourhood(nb, c.prefix, weights, out);
            at20.add(rankOf(out, c.target, pop));
          }
          const m = at20.result();
          tried++;
          if (m.hitrate + m.mrr > best.objective) best = { weights, objective: m.hitrate + m.mrr };
        }
  // Then the long-term profile's weight, then the category affinity's, each on top of what came before.
  const extras: { key: 'long' | 'category'; grid: number[]; add?: (prefix: Int32Array, out: Float32Array) => void }[] = [
    { key: 'long', grid: LONG_GRID, add: lt && ((prefix, v) => addLongTerm(lt, prefix, 1, v)) },
    { key: 'category', grid: CATEGORY_GRID, add: cats && ((prefix, v) => addCategoryAffinity(cats, prefix, 1, v)) },
  ];
  const weights: BlendWeights = { ...best.weights, long: 0, category: 0 };
  let objective = best.objective;
  const fixed = cases.map(() => new Float32Array(pop.length)); // the chosen extras so far, per case
  for (const extra of extras) {
    if (!extra.add) continue;
    const vectors = cases.map((c) => {
      const v = new Float32Array(pop.length);
      extra.add!(c.prefix, v);
      return v;
    });
    let chosen = 0;
    for (const x of extra.grid.slice(1)) {
      const at20 = new MetricsAt(20);
      cases.forEach((c, k) => {
        for (let j = 0; j < out.length; j++) out[j] = weights.lstm * c.scores[j] + fixed[k][j] + x * vectors[k][j];
        addNeighbourhood(nb, c.prefix, weights, out);
        at20.add(rankOf(out, c.target, pop));
      });
      const m = at20.result();
      tried++;
      if (m.hitrate + m.mrr > objective) [chosen, objective] = [x, m.hitrate + m.mrr];
    }
    weights[extra.key] = chosen;
    cases.forEach((_, k) => fixed[k].forEach((_, j) => (fixed[k][j] += chosen * vectors[k][j])));
  }
  return { weights, objective, tried };
}
