/** Ranking quality at a cutoff K, each a fraction in [0, 1]. */
export interface Metrics {
  /** Share of cases whose target is in the top K (papers also say Recall@K or P@K). */
  hitrate: number;
  /** Mean of 1/rank, 0 when the target is below K. */
  mrr: number;
  /** Mean of 1/log2(rank + 1), 0 below K: with one relevant item, NDCG's ideal DCG is 1. */
  ndcg: number;
  /** Mean share of the top K that is relevant: hit/K with one target per case. */
  precision: number;
  /** Mean share of the relevant items in the top K: equal to hitrate with one target per case. */
  recall: number;
  /** Harmonic mean of the mean precision and the mean recall. */
  f1: number;
}

/** Adds up the 1-based rank of each case's target; `result` gives the metrics at K. */
export class MetricsAt {
  private _cases = 0;
  private _hits = 0;
  private _rr = 0;
  private _dcg = 0;

  constructor(readonly k: number) {}

  add(rank: number): void {
    this._cases++;
    if (rank > this.k) return;
    this._hits++;
    this._rr += 1 / rank;
    this._dcg += 1 / Math.log2(rank + 1);
  }

  get cases(): number {
    return this._cases;
  }

  result(): Metrics {
    const n = Math.max(1, this._cases);
    const recall = this._hits / n;
    const precision = this._hits / n / this.k;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { hitrate: recall, mrr: this._rr / n, ndcg: this._dcg / n, precision, recall, f1 };
  }
}

/**
 * The 1-based rank of `target` when items are sorted by score, ties broken by `tiebreak` (higher first)
 * and then by lower row number, as a stable sort of a popularity-ordered catalog would.
 */
export function rankOf(scores: Float32Array, target: number, tiebreak: Float32Array): number {
  const s = scores[target];
  const t = tiebreak[target];
  let above = 0;
  for (let j = 0; j < scores.length; j++) {
    const sj = scores[j];
    if (sj > s || (sj === s && (tiebreak[j] > t || (tiebreak[j] === t && j < target)))) above++;
  }
  return above + 1;
}

/** The `k` best rows by score, best first, ties broken as in rankOf. */
export function topK(scores: Float32Array, k: number, tiebreak: Float32Array): Int32Array {
  const top = new Int32Array(Math.min(k, scores.length));
  let size = 0;
  const beats = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && (tiebreak[a] > tiebreak[b] || (tiebreak[a] === tiebreak[b] && a < b)));
  for (let j = 0; j < scores.length; j++) {
    if (size === top.length && !beats(j, top[size - 1])) continue;
    let at = Math.min(size, top.length - 1);
    while (at > 0 && beats(j, top[at - 1])) (top[at] = top[at - 1]), at--;
    top[at] = j;
    if (size < top.length) size++;
  }
  return top;
}

/** Each item's popularity percentile: the share of the catalog strictly less popular (0 for the least popular). */
export function popularityPercentiles(popularity: Float32Array): Float32Array {
  const order = Array.from(popularity.keys()).sort((a, b) => popularity[a] - popularity[b]);
  const out = new Float32Array(popularity.length);
  let below = 0;
  order.forEach((j, i) => {
    if (i > 0 && popularity[j] > popularity[order[i - 1]]) below = i;
    out[j] = below / popularity.length;
  });
  return out;
}

/** How well the top of a ranking follows a session's evident intent (see IntentMeter). */
export interface Intent {
  /** Cases whose last INTENT_EVENTS items share a category. */
  cases: number;
  /** Mean share of the top 10 / top 20 in a category those items share. */
  at10: number;
  at20: number;
  /** The same share for the whole catalog: what a ranking that ignored the intent would show. */
  catalog: number;
}

/** Items at the end of a prefix that must share a category for the case to show an evident intent. */
export const INTENT_EVENTS = 3;

/**
 * Adds up, for cases whose last INTENT_EVENTS items share a category, the share of the top 10 and 20 in a
 * category they share. `categories[j]` are item j's category numbers.
 */
export class IntentMeter {
  private _cases = 0;
  private _at10 = 0;
  private _at20 = 0;
  private _catalog = 0;
  /** The catalog's share in any of a set of categories, by the set. */
  private readonly _share = new Map<string, number>();

  constructor(private readonly _categories: readonly Int32Array[]) {}

  /** The categories every one of the prefix's last INTENT_EVENTS items holds (empty: no evident intent). */
  shared(prefix: Int32Array): number[] {
    if (prefix.length < INTENT_EVENTS) return [];
    let common = Array.from(this._categories[prefix[prefix.length - 1]] ?? []);
    for (let k = 2; k <= INTENT_EVENTS && common.length; k++) {
      const cs = this._categories[prefix[prefix.length - k]] ?? [];
      common = common.filter((c) => cs.includes(c));
    }
    return common;
  }

  /** Whether item j holds one of the `common` categories. */
  holds(j: number, common: readonly number[]): boolean {
    return (this._categories[j] ?? []).some((c) => common.includes(c));
  }

  add(prefix: Int32Array, top20: Int32Array): void {
    const common = this.shared(prefix);
    if (common.length === 0) return;
    const inIntent = (j: number) => this.holds(j, common);
    let hits = 0;
    top20.forEach((j, i) => {
      if (inIntent(j)) hits++;
      if (i === 9) this._at10 += hits / 10;
    });
    this._at20 += hits / Math.max(1, top20.length);
    const key = common.join(',');
    let share = this._share.get(key);
    if (share === undefined) {
      let inside = 0;
      for (let j = 0; j < this._categories.length; j++) if (inIntent(j)) inside++;
      this._share.set(key, (share = inside / this._categories.length));
    }
    this._catalog += share;
    this._cases++;
  }

  result(): Intent {
    const n = Math.max(1, this._cases);
    return { cases: this._cases, at10: this._at10 / n, at20: this._at20 / n, catalog: this._catalog / n };
  }
}
