import type { Ranked } from '../types/index.js';
import { addTerms, byScore, positionsOf, readHistory, readsViews, sessionInput, sessionVotes, EVENT_WEIGHTS, TUNED_EVENTS, type EventWeights, type ItemSpace, type NormalEvent, type NeighbourhoodWeights, type NeighbourTable, type ScoringWeights, type SessionTypes, type Signals } from '../scoring/index.js';
import { neighboursOf, type Neighbours } from './baselines.js';
import { sampleCases, EVENT_TYPES, SESSION_GAP, type EncodedSet } from './data.js';
import type { Scorer } from './evaluate.js';
import { IntentMeter } from './metrics.js';
import { userVector } from '../scoring/vectors.js';

// The trainer's side of the scoring core (src/scoring): a test case's prefix becomes a history, the core
// reads it and adds its terms, exactly as the browser does; the device part (the session model's
// log-probabilities, the long-term profile's E u) is computed here on plain arrays and the trainer's tfjs.

/** How the parts of a score are mixed; tuned on validation and exported in the manifest. */
export type BlendWeights = Omit<ScoringWeights, 'page' | 'long' | 'category'> & { long?: number; category?: number };

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

/** What the long-term profile needs: the item embeddings E (n×d), the fold-in map F (d×d, u = yF), the user prototypes. */
export interface LongTerm {
  E: Float32Array;
  M: Float32Array;
  d: number;
  /** The user prototypes (k×d) a thin history borrows from, as exported. */
  prototypes?: Float32Array;
  /**
   * E u for a vector u, on a device (the trainer's tfjs): the one product over the catalog. Without it,
   * plain loops compute it.
   */
  product?: (u: Float32Array) => Float32Array;
}

/** The parts of a model the browser ranks with, as the trainer holds them. */
export interface ModelParts {
  /** Items in the catalog. */
  n: number;
  neighbours: NeighbourTable;
  long?: LongTerm;
  categories?: Categories;
  /** The session model's event types (which were trained) and window. */
  session: SessionTypes;
  /** Days over which a long-term event loses half its weight (HALF_LIFE_DAYS by default). */
  halfLife?: number;
  /** The tuned event types' long-term weights (EVENT_WEIGHTS by default). */
  events?: EventWeights;
}

/** Neighbour lists as the exported n×N table (ids padded with -1). */
export function neighbourTable(nb: Neighbours, top: number): NeighbourTable {
  const n = nb.offsets.length - 1;
  const ids = new Int32Array(n * top).fill(-1);
  const weights = new Float32Array(n * top);
  for (let a = 0; a < n; a++) {
    const list = neighboursOf(nb, a);
    ids.set(list.ids.subarray(0, top), a * top);
    weights.set(list.weights.subarray(0, top), a * top);
  }
  return { ids, weights, top };
}

/** Event types of each row of EVENT_TYPES the training log holds: the rows the session model learned. */
export function trainedTypes(set: EncodedSet): string[] {
  const seen = new Set<number>();
  for (const t of set.types) for (const x of t) seen.add(x);
  return EVENT_TYPES.filter((_, i) => seen.has(i));
}

const identity = (row: number) => row;

/** How the browser reads a history for this model. */
const reading = (parts: ModelParts, gapMs: number) => ({ gapMs, views: readsViews(parts.session), halfLife: parts.halfLife, events: parts.events });

/** The parts as a blend reads histories: its half-life and event weights where it sets them (the reader takes only those keys of `w`). */
const readWith = (parts: ModelParts, w: BlendWeights): ModelParts => ({ ...parts, halfLife: w.halfLife ?? parts.halfLife, events: { ...parts.events, ...w } });

/** The item space of the core over model rows: every item is a candidate, at its own row. */
function rowSpace(parts: ModelParts): ItemSpace<number> {
  const cats = parts.categories;
  return { rowOf: identity, idOf: identity, categoriesOf: (row) => cats?.of[row], neighbours: parts.neighbours };
}

/**
 * Case i of sequence s as the browser would hold its history: the prefix's events at their times, read
 * at the target's time (a user's history: the current session apart from the rest); a session log's
 * sequence has no times, and all of its prefix is the current session.
 */
export function caseSignals(parts: ModelParts, set: EncodedSet, s: number, i: number): Signals<number> {
  const [prefix, types, times] = [set.seqs[s], set.types[s], set.times?.[s]];
  const events: NormalEvent<number>[] = Array.from(prefix.subarray(0, i), (id, k) => ({ id, type: EVENT_TYPES[types[k]] ?? 'click', time: times ? times[k] * 1000 : 0 }));
  // The negative feedback given before event i (a dislike: the browser's `dislike`, and `dismiss` reads alike).
  const negatives = set.negatives?.[s];
  if (negatives) negatives.at.forEach((at, k) => at <= i && events.push({ id: negatives.items[k], type: 'dislike', time: times ? negatives.times[k] * 1000 : 0 }));
  return readHistory(events, times ? times[i] * 1000 : 0, reading(parts, SESSION_GAP * 1000));
}

/** Adds weight · (E u) for the history's user vector: the long-term profile's part of the device scores. */
export function addLongTerm<K>(lt: LongTerm, signals: Signals<K>, weight: number, out: Float32Array, rowOf: (id: K) => number | undefined = identity as never): void {
  const u = userVector(lt, signals, rowOf);
  if (!u) return;
  const { E, d } = lt;
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

/** A blend's weights with everything it leaves out at 0 (and no page: the trainer ranks the catalog). */
const full = (w: BlendWeights): ScoringWeights => ({ long: 0, category: 0, page: 0, ...w });

/**
 * The device part of every item's score, as the engine computes it on its backend: lstm × the session
 * model's log-probability (`logProbs`, when the session has an item the model knows) + long × u · E.
 */
export function deviceScores<K>(parts: ModelParts, w: ScoringWeights, signals: Signals<K>, rowOf: (id: K) => number | undefined, logProbs: Float32Array | undefined, out: Float32Array): void {
  if (logProbs && w.lstm && sessionInput(signals.session, rowOf, parts.session).rows.length) for (let j = 0; j < out.length; j++) out[j] = w.lstm * logProbs[j];
  else out.fill(0);
  if (parts.long && w.long) addLongTerm(parts.long, signals, w.long, out, rowOf);
}

/**
 * The blended score of every item for every case, through the scoring core as the browser computes it:
 * the device part (deviceScores), then the core's terms (addTerms) over the whole catalog.
 */
export function blendScorer(name: string, lstm: Scorer | undefined, parts: ModelParts, w: BlendWeights): Scorer {
  const out = new Float32Array(parts.n);
  const space = rowSpace(parts);
  const weights = full(w);
  const all = Int32Array.from({ length: parts.n }, (_, j) => j);
  const read = readWith(parts, w);
  const score = (set: EncodedSet, s: number, i: number, logProbs: Float32Array | undefined) => {
    const signals = caseSignals(read, set, s, i);
    deviceScores(parts, weights, signals, identity, logProbs, out);
    addTerms(out, all, identity, signals, space, weights, 0);
  };
  if (!lstm) {
    return {
      name,
      forEachCase: (set, visit) =>
        set.seqs.forEach((seq, s) => {
          for (let i = Math.max(1, set.start[s]); i < seq.length; i++) (score(set, s, i, undefined), visit(s, i, out));
        }),
    };
  }
  return {
    name,
    forEachCase: (set, visit) =>
      lstm.forEachCase(set, (s, i, scores) => {
        score(set, s, i, scores);
        visit(s, i, out);
      }),
  };
}

/**
 * A page list ranked for any history (several sessions, event types, negatives, times) by the trainer's
 * path: the core reads the history, the trainer's session model and arrays compute the device part, the
 * core adds its terms and orders. What the browser's engine must reproduce (the property test).
 * `ids` are the model's item ids in row order; every page item must be one of them.
 */
export async function rankHistory(
  parts: ModelParts,
  ids: readonly string[],
  session: { logProbs(rows: number[], types: number[]): Promise<Float32Array> } | undefined,
  w: ScoringWeights,
  events: readonly NormalEvent[],
  now: number,
  gapMs: number,
  page: readonly string[],
): Promise<Ranked[]> {
  const index = new Map(ids.map((id, row) => [id, row]));
  const rowOf = (id: string) => index.get(id);
  const signals = readHistory(events, now, reading(readWith(parts, w), gapMs));
  const input = sessionInput(signals.session, rowOf, parts.session);
  const logProbs = session && input.rows.length ? await session.logProbs(input.rows, input.types) : undefined;
  const device = new Float32Array(parts.n);
  deviceScores(parts, w, signals, rowOf, logProbs, device);
  const scores = Float32Array.from(page, (id) => device[index.get(id)!]);
  const positions = positionsOf(page);
  const cats = parts.categories;
  const space = { rowOf, idOf: (row: number) => ids[row], categoriesOf: (id: string) => (index.has(id) ? cats?.of[index.get(id)!] : undefined), neighbours: parts.neighbours };
  addTerms(scores, page, (id) => positions.get(id), signals, space, w, w.page);
  return byScore(page.map((id, i) => ({ id, score: scores[i] })));
}

/** The session neighbourhood alone (the blend without its learned parts): one part's contribution. */
export const neighbourhoodScorer = (parts: ModelParts, w: NeighbourhoodWeights): Scorer =>
  blendScorer('neighbourhood', undefined, { ...parts, long: undefined, categories: undefined }, { last: w.last, decay: w.decay, repeat: w.repeat, repeatDecay: w.repeatDecay, lstm: 0 });

const LONG_GRID = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
const SEEN_GRID = [0, -0.3, -1, -3, -10, -100, 0.3, 1];
const HISTORY_GRID = [0, 0.1, 0.3, 1, 3];
const CATEGORY_GRID = [0, 0.05, 0.1, 0.2, 0.5, 1, 2];
const DISLIKE_GRID = [0, 0.1, 0.3, 1, 3, 10];
/** The long-term weights tried for each event type a log holds besides clicks (a click weighs 1). */
const EVENT_GRID: Record<(typeof TUNED_EVENTS)[number], number[]> = { view: [0, 0.03, 0.1, 0.3, 1], add_to_cart: [1, 2, 4, 8], purchase: [1, 3, 6, 12] };

const GRID = {
  lstm: [0, 0.02, 0.05, 0.1, 0.2, 0.4, 1],
  last: [1, 2, 3, 5],
  decay: [0.3, 0.5, 0.7, 0.9],
  repeat: [0, 0.25, 0.5, 1, 2],
  /** Tried after the rest of stage 1, which ties it to `decay`: 1 counts every occurrence alike. */
  repeatDecay: [1, 0.9, 0.7, 0.5, 0.3],
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
  /** The case: sequence s of the sample, predicting item i. */
  s: number;
  i: number;
  /** The case's history as the core reads it, and its session's rows. */
  signals: Signals<number>;
  session: Int32Array;
  target: number;
  /** The target first, then the session's items and the neighbours of its last GRID.last items: all the neighbourhood touches. */
  candidates: Int32Array;
  /** Session-model scores of the candidates. */
  lstm: Float32Array;
  /** The neighbourhood's votes for the candidates under the weighting being tried. */
  votes: Float64Array;
  /** The terms of the stages chosen so far (and each item's own negative feedback), at the candidates. */
  fixed: Float64Array;
  /** Per grid value of the current stage: the top K outside the candidates. */
  outside: Outside[];
  /** The current stage's dense term at the candidates. */
  extra?: Float32Array;
  /** The categories the case's last items share (an evident intent), else empty. */
  intent: number[];
}

/**
 * Grid search of the blend on (up to `maxCases`) validation cases, maximising HitRate@20 + MRR@20, with
 * the scoring core's terms (the same functions the browser and blendScorer call): first
 * the session model against the neighbourhood, then the long-term profile's weight, then the category
 * affinity's, each on top of what came before.
 *
 * Exact and independent of the catalog's size per weighting: a weighting moves only the items the
 * neighbourhood touches (the candidates, a few hundred); every other item scores its dense terms alone, so
 * of those only the top 20 under each grid value can rank above the target. Each stage reads the session
 * model's scores once, keeps that much per case, and then tries every weighting in O(candidates).
 *
 * `halfLives`: for users' histories, the long-term half-lives (days) to try; the pick is `weights.halfLife`.
 * Empty (and for session logs), the parts' own.
 */
export async function tuneBlend(
  lstm: Scorer,
  set: EncodedSet,
  parts: ModelParts,
  pop: Float32Array,
  maxCases = tuneCases(pop.length),
  halfLives: readonly number[] = [],
): Promise<{ weights: BlendWeights; objective: number; tried: number; choices: BlendChoice[] }> {
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
  const meter = parts.categories && new IntentMeter(parts.categories.of);
  // A case with no current session gets no session-model scores (as deviceScores gives it none).
  const none = new Float32Array(n);
  const readStage = async (prepare: (c: TuneCase, scores: Float32Array, top: (score: (j: number) => number) => Outside) => Outside[]) => {
    let k = 0;
    await lstm.forEachCase(sample, (s, i, sessionScores) => {
      let c = cases[k];
      const signals = c?.signals ?? caseSignals(parts, sample, s, i);
      const scores = signals.session.length ? sessionScores : none;
      if (!c) {
        const session = Int32Array.from(signals.session, (e) => e.id);
        const target = sample.seqs[s][i];
        const list: number[] = [];
        const add = (j: number) => {
          if (mark[j] !== k) (mark[j] = k), list.push(j);
        };
        add(target);
        session.forEach(add);
        const { ids, top } = parts.neighbours;
        for (let p = session.length - 1; p >= Math.max(0, session.length - lastMost); p--) {
          for (let j = 0; j < top && ids[session[p] * top + j] >= 0; j++) add(ids[session[p] * top + j]);
        }
        const candidates = Int32Array.from(list);
        c = cases[k] = { s, i, signals, session, target, intent: meter ? meter.shared(session) : [], candidates, lstm: Float32Array.from(candidates, (j) => scores[j]), votes: new Float64Array(candidates.length), fixed: new Float64Array(candidates.length), outside: [] };
      } else {
        if (c.target !== sample.seqs[s][i] || c.signals.session.length > i) throw new Error('tuneBlend: the session model visited the cases in another order');
        c.candidates.forEach((j) => (mark[j] = k));
      }
      const stamp = k;
      c.outside = prepare(c, scores, (score) => topOutside(score, mark, stamp));
      k++;
    });
  };

  /**
   * One weighting measured: HitRate@20 + MRR@20 over the cases (candidate p of case c scores `score(c, p)`,
   * the target is p = 0, the rest `outside[g]`), its standard error, and with `intent` and categories the
   * intent share of the top 20 over the cases that show an intent.
   */
  const measure = (g: number, score: (c: TuneCase, p: number) => number, intent = true): Measured => {
    let [sum, squares, share, intents] = [0, 0, 0, 0];
    for (const c of cases) {
      const st = score(c, 0);
      const o = c.outside[g];
      let above = 0;
      for (let p = 1; p < c.candidates.length && above < K; p++) if (beats(score(c, p), c.candidates[p], st, c.target)) above++;
      for (let m = 0; m < o.items.length && above < K && beats(o.scores[m], o.items[m], st, c.target); m++) above++;
      const x = above < K ? 1 + 1 / (above + 1) : 0;
      sum += x;
      squares += x * x;
      if (intent && meter && c.intent.length) {
        // The top 20: the candidates and the best outside them, merged.
        const pool = [...Array.from(c.candidates, (j, p) => ({ j, s: score(c, p) })), ...Array.from(o.items, (j, m) => ({ j, s: o.scores[m] }))];
        pool.sort((a, b) => (beats(a.s, a.j, b.s, b.j) ? -1 : beats(b.s, b.j, a.s, a.j) ? 1 : 0));
        const top = pool.slice(0, K);
        share += top.filter(({ j }) => meter.holds(j, c.intent)).length / top.length;
        intents++;
      }
    }
    const mean = sum / cases.length;
    return { objective: mean, se: Math.sqrt(Math.max(0, squares / cases.length - mean * mean) / cases.length), intent: intents ? share / intents : undefined };
  };

  // Stage 1: the session model's weight against the neighbourhood's three.
  // w · score orders the other items alike for every w > 0 (one top K, scaled); w = 0 leaves popularity.
  await readStage((_, scores, top) => {
    const byScore = top((j) => scores[j]);
    const byPopularity = top(() => 0);
    return GRID.lstm.map((w) => (w === 0 ? byPopularity : { items: byScore.items, scores: byScore.scores.map((x) => w * x) }));
  });
  const neighbourhood = (w: NeighbourhoodWeights) =>
    cases.forEach((c) => {
      const votes = sessionVotes(parts.neighbours, c.session, w);
      c.candidates.forEach((j, p) => (c.votes[p] = votes.get(j)?.value ?? 0));
    });
  let best = { weights: { lstm: 0, last: 1, decay: 0.5, repeat: 0 }, objective: -1 };
  let tried = 0;
  for (const last of GRID.last)
    for (const decay of GRID.decay)
      for (const repeat of GRID.repeat) {
        neighbourhood({ last, decay, repeat });
        GRID.lstm.forEach((w, g) => {
          const value = measure(g, (c, p) => w * c.lstm[p] + c.votes[p], false).objective;
          tried++;
          if (value > best.objective) best = { weights: { lstm: w, last, decay, repeat }, objective: value };
        });
      }
  // Then the repeat bonus's own decay (and its weight again) with the rest of stage 1 fixed: a session's
  // repeats may call for a longer memory than its neighbours' votes. The grid holds the decay stage 1 tied it
  // to, so this stage keeps stage 1's objective or betters it.
  const g = GRID.lstm.indexOf(best.weights.lstm);
  let { repeat, repeatDecay = best.weights.decay } = best.weights as NeighbourhoodWeights;
  for (const rd of GRID.repeatDecay)
    for (const r of GRID.repeat) {
      if (r === 0 && rd !== GRID.repeatDecay[0]) continue; // no bonus, no decay to try
      neighbourhood({ ...best.weights, repeat: r, repeatDecay: rd });
      const value = measure(g, (c, p) => best.weights.lstm * c.lstm[p] + c.votes[p], false).objective;
      tried++;
      if (value > best.objective) {
        [repeat, repeatDecay] = [r, rd];
        best.objective = value;
      }
    }
  const weights: BlendWeights = { ...best.weights, repeat, repeatDecay, long: 0, category: 0 };
  const stage1 = best.objective;
  neighbourhood(weights);

  // Then each dense extra's weight on top, a stage each: for users' histories (times known), what the
  // visitor already chose and the whole history's neighbourhood; then the long-term profile's u · E and the
  // category affinity. (A session log's history is its session, which the neighbourhood above reads.)
  // For users' histories, the stages run once per half-life tried (it weighs the history's events), and the
  // best final objective wins.
  type Add = (signals: Signals<number>, weight: number, out: Float32Array) => void;
  const space = rowSpace(parts);
  const all = Int32Array.from({ length: n }, (_, j) => j);
  const off = { lstm: 0, long: 0, category: 0, page: 0, last: 0, decay: 0, repeat: 0, dislike: 0 };
  const lt = parts.long;
  const users = Boolean(set.times);
  // One of the core's terms alone: every other weight off, and the items' own negative feedback (a fixed
  // term, added once below) left out.
  const term =
    (key: 'seen' | 'history' | 'category' | 'dislike'): Add =>
    (signals, x, out) =>
      void addTerms(out, all, identity, { ...signals, negative: new Map() }, space, { ...off, [key]: x }, 0);
  const negatives = Boolean(set.negatives);
  // The event types besides clicks that the cases' histories hold: their long-term weights are tuned last.
  const present = TUNED_EVENTS.filter((t) => sample.types.some((types) => types.includes(EVENT_TYPES.indexOf(t))));
  const tunesEvents = present.length > 0;
  const extras: { key: ExtraKey; grid: number[]; add?: Add }[] = [
    { key: 'seen', grid: SEEN_GRID, add: users ? term('seen') : undefined },
    { key: 'history', grid: HISTORY_GRID, add: users ? term('history') : undefined },
    { key: 'long', grid: LONG_GRID, add: lt && ((signals, x, out) => addLongTerm(lt, signals, x, out)) },
    { key: 'category', grid: CATEGORY_GRID, add: parts.categories && term('category') },
    // Where the log has negative feedback: how far it pushes the items of the disliked categories down.
    { key: 'dislike', grid: DISLIKE_GRID, add: negatives && parts.categories ? term('dislike') : undefined },
  ];
  // Each item's own negative feedback: in every score, never weighted (docs/model-format.md, Scoring).
  const own: Add = (signals, _x, out) => {
    for (const [j, v] of signals.negative) if (v < 0) out[j] += v;
  };
  const fixed = new Float32Array(n);
  const v = new Float32Array(n);
  const extrasWith = async (halfLife: number | undefined, events: EventWeights = {}) => {
    const w: BlendWeights = { ...weights, ...(halfLife === undefined ? {} : { halfLife }), ...events };
    if (halfLife !== undefined || tunesEvents) {
      const read = { ...parts, ...(halfLife !== undefined && { halfLife }), events: { ...parts.events, ...events } };
      for (const c of cases) c.signals = caseSignals(read, sample, c.s, c.i);
    }
    const chosen: { add: Add; weight: number }[] = negatives ? [{ add: own, weight: 1 }] : [];
    let objective = stage1;
    let last: Measured = { objective, se: 0 };
    const choices: BlendChoice[] = [];
    for (const { key, grid, add } of extras) {
      if (!add) continue;
      await readStage((c, scores, top) => {
        fixed.fill(0);
        for (const e of chosen) e.add(c.signals, e.weight, fixed);
        // The candidates' fixed terms are the same float32 sums as the other items': a tie stays a tie.
        c.candidates.forEach((j, p) => (c.fixed[p] = fixed[j]));
        v.fill(0);
        add(c.signals, 1, v);
        c.extra = Float32Array.from(c.candidates, (j) => v[j]);
        return grid.map((x) => top((j) => w.lstm * scores[j] + fixed[j] + x * v[j]));
      });
      const results = grid.map((x, g) => {
        tried++;
        return { x, ...measure(g, (c, p) => w.lstm * c.lstm[p] + c.votes[p] + c.fixed[p] + x * c.extra![p]) };
      });
      // The best objective; or, where the cases show intents, the weighting within one standard error of it
      // whose top 20 follows the intent most: a difference in accuracy the validation data cannot tell apart.
      const best = results.reduce((a, r) => (r.objective > a.objective ? r : a));
      // (Not for `seen` and `history`: pushing chosen items down takes from the intent share items the
      // visitor has had already, which no share should reward; nor for `dislike`, which answers what the
      // visitor said, not what the session shows.)
      const eligible = best.intent === undefined || key === 'seen' || key === 'history' || key === 'dislike' ? [best] : results.filter((r) => r.objective >= best.objective - best.se);
      const chosenResult = eligible.reduce((a, r) => (r.intent! > a.intent! || (r.intent === a.intent && r.objective > a.objective) ? r : a));
      const pick = chosenResult.x;
      objective = chosenResult.objective;
      last = chosenResult;
      choices.push({ key, weight: pick, objective: chosenResult.objective, intent: chosenResult.intent, best: { weight: best.x, objective: best.objective, se: best.se, intent: best.intent } });
      w[key] = pick;
      if (pick) chosen.push({ add, weight: pick });
    }
    return { weights: w, objective, se: last.se, intent: last.intent, choices };
  };
  // The half-life: as the extras' weights, the best final objective, or where the cases show intents, the
  // one within its standard error whose top 20 follows the intent most.
  const runs: Awaited<ReturnType<typeof extrasWith>>[] = [];
  for (const days of users && halfLives.length ? halfLives : [undefined]) runs.push(await extrasWith(days));
  const top = runs.reduce((a, r) => (r.objective > a.objective ? r : a));
  const eligible = top.intent === undefined ? [top] : runs.filter((r) => r.objective >= top.objective - top.se);
  let result = eligible.reduce((a, r) => (r.intent! > a.intent! || (r.intent === a.intent && r.objective > a.objective) ? r : a));
  if (result !== top) {
    const halfLife = (r: typeof top) => r.weights.halfLife!;
    result = { ...result, choices: [...result.choices, { key: 'halfLife', weight: halfLife(result), objective: result.objective, intent: result.intent, best: { weight: halfLife(top), objective: top.objective, se: top.se, intent: top.intent } }] };
  }
  // Then the long-term weight of each event type the log holds besides clicks, one type at a time with the
  // rest fixed (the extras' stages run again for each weight tried: they read the weights).
  let events: EventWeights = {};
  for (const t of present) {
    for (const x of EVENT_GRID[t]) {
      if (x === EVENT_WEIGHTS[t]) continue; // the weight every run above used
      const r = await extrasWith(result.weights.halfLife, { ...events, [t]: x });
      if (r.objective > result.objective) [result, events] = [r, { ...events, [t]: x }];
    }
  }
  return { ...result, tried };
}

interface Measured {
  objective: number;
  se: number;
  intent?: number;
}

/** How an extras stage chose its weight: against the weighting of best objective, and their intent shares. */
type ExtraKey = 'seen' | 'history' | 'long' | 'category' | 'dislike' | 'halfLife';

export interface BlendChoice {
  key: ExtraKey;
  weight: number;
  objective: number;
  intent?: number;
  best: { weight: number } & Measured;
}
