// The device part of a score in plain loops over Float32Arrays: the long-term vector, the LSTM step and
// the embedding products. The browser runs these for small candidate sets (a page's lists, a recommend
// pool), where a tfjs call costs more in dispatch than the arithmetic (docs/benchmarks.md, Engine); the
// trainer's evaluation computes the long-term vector with the same code.

import type { Signals } from './history.js';
import { longTermInput } from './history.js';

/** A sequence's long-term vector u = y F, with y = Eᵀ r its summed item vectors (each weighing `values[k]`, else 1); without F, u = y. */
export function foldIn(F: Float32Array | undefined, E: Float32Array, d: number, items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
  const y = new Float32Array(d);
  for (let k = 0; k < items.length; k++) {
    const v = values ? values[k] : 1;
    const at = items[k] * d;
    for (let a = 0; a < d; a++) y[a] += v * E[at + a];
  }
  if (!F) return y;
  const u = new Float32Array(d);
  for (let b = 0; b < d; b++) {
    const yb = y[b];
    if (yb !== 0) for (let a = 0; a < d; a++) u[a] += yb * F[b * d + a];
  }
  return u;
}

/** What the long-term profile needs: item vectors E (rows × d), the fold-in map F (d×d, u = yF), the user prototypes (k×d). */
export interface LongTermSpace {
  E: Float32Array;
  M?: Float32Array;
  d: number;
  prototypes?: Float32Array;
}

/** The user vector u = (Eᵀ r) F of a history, plus the nearest prototype's share for a thin one. */
export function userVector<K>(lt: LongTermSpace, signals: Pick<Signals<K>, 'weights'>, rowOf: (id: K) => number | undefined): Float32Array | undefined {
  const r = longTermInput(signals.weights, rowOf);
  if (r.rows.length === 0) return undefined;
  const d = lt.d;
  const u = foldIn(lt.M, lt.E, d, r.rows, r.values);
  const P = lt.prototypes;
  if (r.prototype > 0 && P && P.length >= d) {
    let best = 0;
    let bestDot = -Infinity;
    for (let k = 0; k < P.length / d; k++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += P[k * d + a] * u[a];
      if (dot > bestDot) [best, bestDot] = [k, dot];
    }
    for (let a = 0; a < d; a++) u[a] += r.prototype * P[best * d + a];
  }
  return u;
}

/** The LSTM's weights as tf.basicLSTMCell holds them: kernel K ((d+h)×4h), bias b (4h), gates i, j, f, o. */
export interface LstmWeights {
  K: Float32Array;
  b: Float32Array;
  hidden: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The input's part of an LSTM step's gates, x K[0, d) + b: the same for every step that reads x. */
export function inputGates(w: LstmWeights, x: ArrayLike<number>): Float32Array {
  const gates = vecMat(x, w.K, 4 * w.hidden);
  for (let j = 0; j < gates.length; j++) gates[j] += w.b[j];
  return gates;
}

/**
 * One step of tf.basicLSTMCell (forget bias 1) from the input's part of its gates (inputGates, for an
 * input of d values): gates = input + h K[d, d + H); c' = σ(i) tanh(j) + c σ(f + 1); h' = tanh(c') σ(o).
 * c and h are updated in place.
 */
export function lstmStepFrom(w: LstmWeights, input: Float32Array, d: number, c: Float32Array, h: Float32Array): void {
  const H = w.hidden;
  const gates = Float32Array.from(input);
  addVecMat(gates, h, w.K, d * 4 * H);
  for (let j = 0; j < H; j++) {
    c[j] = sigmoid(gates[j]) * Math.tanh(gates[H + j]) + c[j] * sigmoid(gates[2 * H + j] + 1);
    h[j] = Math.tanh(c[j]) * sigmoid(gates[3 * H + j]);
  }
}

/** v M for a row vector v (m values) and a matrix M (m × cols, row-major). */
export function vecMat(v: ArrayLike<number>, M: Float32Array, cols: number): Float32Array {
  return addVecMat(new Float32Array(cols), v, M, 0);
}

/**
 * out += v M, M's rows starting at offset `from` (out.length columns). Four rows at a time: out is read and
 * written a quarter as often (an LSTM step of 96 hidden units here: 58 → 28 µs).
 */
function addVecMat(out: Float32Array, v: ArrayLike<number>, M: Float32Array, from: number): Float32Array {
  const cols = out.length;
  let i = 0;
  for (; i + 3 < v.length; i += 4) {
    const v0 = v[i], v1 = v[i + 1], v2 = v[i + 2], v3 = v[i + 3];
    const a0 = from + i * cols, a1 = a0 + cols, a2 = a1 + cols, a3 = a2 + cols;
    for (let j = 0; j < cols; j++) out[j] += v0 * M[a0 + j] + v1 * M[a1 + j] + v2 * M[a2 + j] + v3 * M[a3 + j];
  }
  for (; i < v.length; i++) {
    const vi = v[i];
    const at = from + i * cols;
    for (let j = 0; j < cols; j++) out[j] += vi * M[at + j];
  }
  return out;
}

/** E[row] · q (+ bias[row] · biasWeight) for each of `rows`, into a new array. */
export function scoreRows(E: Float32Array, d: number, rows: ArrayLike<number>, q: Float32Array, bias?: Float32Array, biasWeight = 0): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const at = rows[i] * d;
    let s = bias && biasWeight ? biasWeight * bias[rows[i]] : 0;
    for (let a = 0; a < d; a++) s += E[at + a] * q[a];
    out[i] = s;
  }
  return out;
}

/**
 * The `k` best of rows 0..n-1 by E[row] · q (+ bias · biasWeight), best first (ties: the lower row). A
 * min-heap of k entries: O(n d + n log k), no array of n scores.
 */
export function topRows(E: Float32Array, d: number, n: number, q: Float32Array, k: number, bias?: Float32Array, biasWeight = 0): number[] {
  k = Math.min(k, n);
  if (k <= 0) return [];
  const rows = new Int32Array(k);
  const scores = new Float64Array(k);
  let size = 0;
  // The heap's root is its worst entry: the lowest score, and of equal scores the higher row.
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && rows[a] > rows[b]);
  const swap = (a: number, b: number) => {
    [rows[a], rows[b]] = [rows[b], rows[a]];
    [scores[a], scores[b]] = [scores[b], scores[a]];
  };
  for (let r = 0; r < n; r++) {
    const at = r * d;
    let s = bias && biasWeight ? biasWeight * bias[r] : 0;
    for (let a = 0; a < d; a++) s += E[at + a] * q[a];
    s = Math.fround(s);
    if (size < k) {
      rows[size] = r;
      scores[size] = s;
      for (let i = size++; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (s > scores[0]) {
      rows[0] = r;
      scores[0] = s;
      for (let i = 0; ; ) {
        const [l, rr] = [2 * i + 1, 2 * i + 2];
        let m = i;
        if (l < size && worse(l, m)) m = l;
        if (rr < size && worse(rr, m)) m = rr;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return Array.from(rows.subarray(0, size))
    .map((row, i) => ({ row, s: scores[i] }))
    .sort((a, b) => b.s - a.s || a.row - b.row)
    .map((e) => e.row);
}

/** For each of `rows`, the index in `others` of the row most similar to it (largest dot product; ties: the first). */
export function mostSimilar(E: Float32Array, d: number, rows: ArrayLike<number>, others: readonly number[]): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const at = rows[i] * d;
    let best = -Infinity;
    for (let k = 0; k < others.length; k++) {
      const bt = others[k] * d;
      let s = 0;
      for (let a = 0; a < d; a++) s += E[at + a] * E[bt + a];
      if (s > best) [best, out[i]] = [s, k];
    }
  }
  return out;
}
