import { countCases, sessionStart, type EncodedSet } from './data.js';
import { IntentMeter, MetricsAt, popularityPercentiles, rankOf, topK, type Intent, type Metrics } from './metrics.js';

/**
 * Scores the whole catalog for every case of a set: position i of sequence s, seeing only s[0..i-1].
 * Simple scorers work prefix by prefix; the session model runs a sequence at a time.
 */
export interface Scorer {
  name: string;
  forEachCase(set: EncodedSet, visit: (s: number, i: number, scores: Float32Array) => void): void | Promise<void>;
}

/** A scorer from a function of the prefix (and the sequence's index `s`). `out` is zeroed before each call. */
export function prefixScorer(
  name: string,
  itemCount: number,
  score: (prefix: Int32Array, types: Uint8Array, out: Float32Array, s: number) => void,
): Scorer {
  const out = new Float32Array(itemCount);
  return {
    name,
    forEachCase(set, visit) {
      set.seqs.forEach((seq, s) => {
        for (let i = Math.max(1, set.start[s]); i < seq.length; i++) {
          out.fill(0);
          score(seq.subarray(0, i), set.types[s].subarray(0, i), out, set.origin?.[s] ?? s);
          visit(s, i, out);
        }
      });
    },
  };
}

export interface Evaluation {
  cases: number;
  at20: Metrics;
  at10: Metrics;
  /** Mean popularity percentile of the top 20 (0: the least popular items, 1: the most): popularity bias. */
  popularity: number;
  /** How the top follows an evident intent, when the items have categories. */
  intent?: Intent;
  /**
   * For users' histories (times known): the cases of returning visitors (events before the current
   * session) apart from those whose whole history is the current session.
   */
  visitors?: { returning: { cases: number; at20: Metrics }; first: { cases: number; at20: Metrics } };
  /**
   * With a `pool`: what a device that holds only the pool's rows and the history's recommends, against the
   * whole catalog: the share of the exact top 20 its top 20 keeps (recall), and the next item's HitRate@20.
   */
  recommend?: { pool: number; recall: number; hitrate: number };
}

/**
 * Full-ranking evaluation: every case ranks all items; ties go to the more popular item. Besides accuracy,
 * the top 20's popularity bias, and with `categories` (item j's category numbers) how it follows an
 * evident intent. `step` hears the cases done so far and the total, every 256 cases.
 */
export async function evaluate(
  scorer: Scorer,
  set: EncodedSet,
  popularity: Float32Array,
  step?: (done: number, total: number) => void,
  categories?: readonly Int32Array[],
  pool?: ArrayLike<number>,
): Promise<Evaluation> {
  const at20 = new MetricsAt(20);
  const at10 = new MetricsAt(10);
  const percentile = popularityPercentiles(popularity);
  const intent = categories && new IntentMeter(categories);
  let popular = 0;
  let [recall, localHits] = [0, 0];
  const [returning, first] = [new MetricsAt(20), new MetricsAt(20)];
  const total = step ? countCases(set) : 0;
  await scorer.forEachCase(set, (s, i, scores) => {
    const rank = rankOf(scores, set.seqs[s][i], popularity);
    at20.add(rank);
    at10.add(rank);
    if (set.times) (sessionStart(set.times[s], i) > 0 ? returning : first).add(rank);
    const top = topK(scores, 20, popularity);
    let p = 0;
    for (const j of top) p += percentile[j];
    popular += p / top.length;
    intent?.add(set.seqs[s].subarray(0, i), top);
    if (pool) {
      // The device's candidates: the pool and the history's items, ranked by the same scores.
      const held = new Set<number>(Array.from(pool));
      for (const j of set.seqs[s].subarray(0, i)) held.add(j);
      const local = [...held].sort((a, b) => scores[b] - scores[a] || popularity[b] - popularity[a] || a - b).slice(0, 20);
      const exact = new Set(top);
      recall += local.filter((j) => exact.has(j)).length / top.length;
      if (local.includes(set.seqs[s][i])) localHits++;
    }
    if (step && at20.cases % 256 === 0) step(at20.cases, total);
  });
  return {
    cases: at20.cases,
    at20: at20.result(),
    at10: at10.result(),
    popularity: popular / Math.max(1, at20.cases),
    ...(intent && { intent: intent.result() }),
    ...(set.times && { visitors: { returning: { cases: returning.cases, at20: returning.result() }, first: { cases: first.cases, at20: first.result() } } }),
    ...(pool && { recommend: { pool: pool.length, recall: recall / Math.max(1, at20.cases), hitrate: localHits / Math.max(1, at20.cases) } }),
  };
}
