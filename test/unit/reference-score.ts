import type { Ranked } from '../../src/types/index.js';

// The embedding arithmetic on plain arrays: the reference the engine's tensors must match for a model
// of embeddings alone (an import). No tfjs, no DOM.

/** Maps ids to embedding rows; an id the model does not know maps to `unknown`. */
export function rowsOf(ids: readonly string[], index: ReadonlyMap<string, number>, unknown: number): Int32Array {
  const rows = new Int32Array(ids.length);
  ids.forEach((id, i) => (rows[i] = index.get(id) ?? unknown));
  return rows;
}

/**
 * The long-term vector of a history without a fold-in matrix: Eᵀ r, the sum of its known items'
 * embeddings, each weighing 1 (rows < 0 are skipped). An empty or unknown history gives the zero vector,
 * so every score is 0 and the page's order stands.
 */
export function queryOf(embeddings: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const q = new Float32Array(dim);
  for (const r of rows) {
    if (r < 0) continue;
    for (let j = 0; j < dim; j++) q[j] += embeddings[r * dim + j];
  }
  return q;
}

/** Dot product of `q` with each row; rows < 0 (unknown items) score 0. */
export function scoreRows(embeddings: Float32Array, dim: number, rows: Int32Array, q: Float32Array): Float32Array {
  const scores = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    if (r < 0) return;
    let s = 0;
    for (let j = 0; j < dim; j++) s += q[j] * embeddings[r * dim + j];
    scores[i] = s;
  });
  return scores;
}

/** Sorts best first; equal scores keep the page's order (the sort is stable). */
export function orderByScore(ids: readonly string[], scores: ArrayLike<number>): Ranked[] {
  return ids
    .map((id, i) => ({ id, score: scores[i] }))
    .sort((a, b) => b.score - a.score);
}
