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
