import { addNeighbourhood, type NeighbourhoodWeights, type Neighbours } from './baselines.js';
import { sampleCases, type EncodedSet } from './data.js';
import type { Scorer } from './evaluate.js';
import { foldIn } from './profile-space.js';
import { MetricsAt } from './metrics.js';

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
  /**
   * E u for a vector u, on a device (the trainer's tfjs): the one product over the catalog. Without it,
   * plain loops compute it.
   */
  product?: (u: Float32Array) => Float32Array;
}

/** Adds weight · (E u) with u = (Eᵀ r) F, every prefix item weighing 1: the long-term profile's scores. */
export function addLongTerm(lt: LongTerm, prefix: Int32Array, weight: number, out: Float32Array): void {
  const { E, M, d } = lt;
  const u = foldIn(M, E, d, prefix);
  for (let a = 0; a < d; a++) u[a] *= weight;
  if (lt.product) {
    const scores = lt.product(u);
    for (let j = 0; j < out.length; j++) out[j] += scores[j];
    return;
  }
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

/** Validation cases the blend is tuned on, at most: 6,000, fewer for catalogs past 333,000 items (never under 1,000). */
export const tuneCases = (items: number) => Math.min(6000, Math.max(1000, Math.floor(2e9 / items)));
/** The objective looks at the top 20 only. */
const K = 20;

/**
 * The items outside a case's candidates whose scores could still put them in the top K: the K best by
 * `score` (ties: more popular, then lower row), best first.
 */
interface Outside {
  items: Int32Array;
  scores: Float64Array;
}

/** One validation case as the tuner keeps it: the items whose score the grid moves, and the rest's top K. */
interface TuneCase {
  prefix: Int32Array;
  target: number;
  /** The target first, then the prefix's items and the neighbours of its last GRID.last items: all the neighbourhood touches. */
  candidates: Int32Array;
  /** Session-model scores of the candidates. */
  lstm: Float32Array;
  /** The neighbourhood's votes for the candidates under the weighting being tried. */
  votes: Float64Array;
  /** The fixed dense terms chosen so far (long-term, category), at the candidates. */
  fixed: Float64Array;
  /** Per grid value of the current stage: the top K outside the candidates. */
  outside: Outside[];
  /** The current stage's dense term at the candidates. */
  extra?: Float32Array;
}

/**
 * Grid search of the blend on (up to `maxCases`) validation cases, maximising HitRate@20 + MRR@20: first
 * the session model against the neighbourhood, then the long-term profile's weight, then the category
 * affinity's, each on top of what came before.
 *
 * Exact and independent of the catalog's size per weighting: a weighting moves only the items the
 * neighbourhood touches (the candidates, a few hundred); every other item scores its dense terms alone, so
 * of those only the top 20 under each grid value can rank above the target. Each stage reads the session
 * model's scores once, keeps that much per case, and then tries every weighting in O(candidates).
 */
export async function tuneBlend(
  lstm: Scorer,
  set: EncodedSet,
  nb: Neighbours,
  pop: Float32Array,
  lt?: LongTerm,
  cats?: Categories,
  maxCases = tuneCases(pop.length),
): Promise<{ weights: BlendWeights; objective: number; tried: number }> {
  const n = pop.length;
  const sample = sampleCases(set, maxCases);
  const lastMost = Math.max(...GRID.last);
  const beats = (sj: number, j: number, s: number, t: number) => sj > s || (sj === s && (pop[j] > pop[t] || (pop[j] === pop[t] && j < t)));

  /** The K best items outside the candidates (marked in `mark` with `stamp`) by `score`. */
  const topOutside = (score: (j: number) => number, mark: Int32Array, stamp: number): Outside => {
    const items = new Int32Array(K).fill(-1);
    const scores = new Float64Array(K).fill(-Infinity);
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (mark[j] === stamp) continue;
      const sj = score(j);
      if (size === K && !beats(sj, j, scores[K - 1], items[K - 1])) continue;
      let at = Math.min(size, K - 1);
      while (at > 0 && beats(sj, j, scores[at - 1], items[at - 1])) {
        items[at] = items[at - 1];
        scores[at] = scores[at - 1];
        at--;
      }
      items[at] = j;
      scores[at] = sj;
      if (size < K) size++;
    }
    return { items: items.subarray(0, size), scores: scores.subarray(0, size) };
  };

  // Each stage reads the session model's scores once: `prepare` sees a case, its scores and a top-K finder,
  // and returns each grid value's top K outside the candidates (and may keep the stage's term at them). The
  // scorer visits the cases in the same order every time; case k is the same case in every stage.
  const mark = new Int32Array(n).fill(-1);
  const cases: TuneCase[] = [];
  const readStage = async (prepare: (c: TuneCase, scores: Float32Array, top: (score: (j: number) => number) => Outside) => Outside[]) => {
    let k = 0;
    await lstm.forEachCase(sample, (s, i, scores) => {
      let c = cases[k];
      if (!c) {
        const prefix = sample.seqs[s].subarray(0, i);
        const target = sample.seqs[s][i];
        const list: number[] = [];
        const add = (j: number) => {
          if (mark[j] !== k) (mark[j] = k), list.push(j);
        };
        add(target);
        prefix.forEach(add);
        for (let p = prefix.length - 1; p >= Math.max(0, prefix.length - lastMost); p--) nb.ids[prefix[p]].forEach(add);
        const candidates = Int32Array.from(list);
        c = cases[k] = { prefix, target, candidates, lstm: Float32Array.from(candidates, (j) => scores[j]), votes: new Float64Array(candidates.length), fixed: new Float64Array(candidates.length), outside: [] };
      } else {
        if (c.target !== sample.seqs[s][i] || c.prefix.length !== i) throw new Error('tuneBlend: the session model visited the cases in another order');
        c.candidates.forEach((j) => (mark[j] = k));
      }
      const stamp = k;
      c.outside = prepare(c, scores, (score) => topOutside(score, mark, stamp));
      k++;
    });
  };

  /** HitRate@20 + MRR@20 over the cases: candidate p of case c scores `score(c, p)` (the target is p = 0), the rest `outside[g]`. */
  const objective = (g: number, score: (c: TuneCase, p: number) => number) => {
    const at20 = new MetricsAt(K);
    for (const c of cases) {
      const st = score(c, 0);
      let above = 0;
      for (let p = 1; p < c.candidates.length && above < K; p++) if (beats(score(c, p), c.candidates[p], st, c.target)) above++;
      const o = c.outside[g];
      for (let m = 0; m < o.items.length && above < K && beats(o.scores[m], o.items[m], st, c.target); m++) above++;
      at20.add(above + 1);
    }
    const m = at20.result();
    return m.hitrate + m.mrr;
  };

  // Stage 1: the session model's weight against the neighbourhood's three.
  // w · score orders the other items alike for every w > 0 (one top K, scaled); w = 0 leaves popularity.
  await readStage((_, scores, top) => {
    const byScore = top((j) => scores[j]);
    const byPopularity = top(() => 0);
    return GRID.lstm.map((w) => (w === 0 ? byPopularity : { items: byScore.items, scores: byScore.scores.map((x) => w * x) }));
  });
  const scratch = new Float32Array(n);
  const neighbourhood = (w: NeighbourhoodWeights) =>
    cases.forEach((c) => {
      addNeighbourhood(nb, c.prefix, w, scratch);
      c.candidates.forEach((j, p) => ((c.votes[p] = scratch[j]), (scratch[j] = 0)));
    });
  let best = { weights: { lstm: 0, last: 1, decay: 0.5, repeat: 0 }, objective: -1 };
  let tried = 0;
  for (const last of GRID.last)
    for (const decay of GRID.decay)
      for (const repeat of GRID.repeat) {
        neighbourhood({ last, decay, repeat });
        GRID.lstm.forEach((w, g) => {
          const value = objective(g, (c, p) => w * c.lstm[p] + c.votes[p]);
          tried++;
          if (value > best.objective) best = { weights: { lstm: w, last, decay, repeat }, objective: value };
        });
      }
  const weights: BlendWeights = { ...best.weights, long: 0, category: 0 };
  let objectiveValue = best.objective;
  neighbourhood(weights);

  // Then each dense extra's weight on top (long-term profile, category affinity): a stage each.
  const extras: { key: 'long' | 'category'; grid: number[]; add?: (prefix: Int32Array, weight: number, out: Float32Array) => void }[] = [
    { key: 'long', grid: LONG_GRID, add: lt && ((prefix, w, out) => addLongTerm(lt, prefix, w, out)) },
    { key: 'category', grid: CATEGORY_GRID, add: cats && ((prefix, w, out) => addCategoryAffinity(cats, prefix, w, out)) },
  ];
  const chosen: { add: (prefix: Int32Array, weight: number, out: Float32Array) => void; weight: number }[] = [];
  const fixed = new Float32Array(n);
  const v = new Float32Array(n);
  for (const { key, grid, add } of extras) {
    if (!add) continue;
    const values = grid.slice(1);
    await readStage((c, scores, top) => {
      fixed.fill(0);
      for (const e of chosen) e.add(c.prefix, e.weight, fixed);
      v.fill(0);
      add(c.prefix, 1, v);
      c.extra = Float32Array.from(c.candidates, (j) => v[j]);
      return values.map((x) => top((j) => weights.lstm * scores[j] + fixed[j] + x * v[j]));
    });
    let pick = 0;
    values.forEach((x, g) => {
      const value = objective(g, (c, p) => weights.lstm * c.lstm[p] + c.votes[p] + c.fixed[p] + x * c.extra![p]);
      tried++;
      if (value > objectiveValue) [pick, objectiveValue] = [x, value];
    });
    weights[key] = pick;
    if (pick) {
      chosen.push({ add, weight: pick });
      for (const c of cases) c.extra!.forEach((e, p) => (c.fixed[p] += pick * e));
    }
  }
  return { weights, objective: objectiveValue, tried };
}
