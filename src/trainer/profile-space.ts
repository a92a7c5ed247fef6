import type { EncodedSet } from './data.js';
import { seededRandom } from './random.js';
import { foldIn } from '../scoring/vectors.js';

export { foldIn };

/** Inverts a d×d matrix (row-major) by Gauss–Jordan elimination with partial pivoting. */
export function invert(a: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]) > Math.abs(m[pivot * d + col])) pivot = r;
    if (Math.abs(m[pivot * d + col]) < 1e-12) throw new Error('matrix is singular');
    for (const x of [m, inv]) for (let k = 0; k < d; k++) [x[col * d + k], x[pivot * d + k]] = [x[pivot * d + k], x[col * d + k]];
    const p = m[col * d + col];
    for (let k = 0; k < d; k++) {
      m[col * d + k] /= p;
      inv[col * d + k] /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col];
      if (f === 0) continue;
      for (let k = 0; k < d; k++) {
        m[r * d + k] -= f * m[col * d + k];
        inv[r * d + k] -= f * inv[col * d + k];
      }
    }
  }
  return inv;
}

/**
 * The ALS fold-in matrix (EᵀE + λI)⁻¹ (d×d): a visitor's long-term vector is u = (EᵀE + λI)⁻¹ Eᵀ r for
 * their interaction weights r, a least-squares fit in item space that the browser computes in O(d²).
 */
export function foldInMatrix(E: Float32Array, n: number, d: number, lambda = 1): Float32Array {
  const g = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const ea = E[i * d + a];
      if (ea === 0) continue;
      for (let b = 0; b < d; b++) g[a * d + b] += ea * E[i * d + b];
    }
  }
  for (let a = 0; a < d; a++) g[a * d + a] += lambda;
  return Float32Array.from(invert(g, d));
}

/**
 * The long-term profile's map F (d×d), learned with a BPR objective in the item space: each training
 * sequence's user vector, started at its ALS fold-in, is fitted by BPR against the fixed item embeddings E
 * (its items ranked above sampled others); then F is the ridge regression from a sequence's summed item
 * vectors y = Eᵀ r to its user vector, u ≈ y F. A device computes u from its own history in O(d²),
 * with no user id.
 */
export function bprFoldIn(
  set: EncodedSet,
  E: Float32Array,
  n: number,
  d: number,
  { epochs = 10, learningRate = 0.05, regularization = 0.01, seed = 1, lambda = 1 } = {},
): Float32Array {
  const F0 = foldInMatrix(E, n, d, lambda);
  const users = set.seqs.filter((s) => s.length >= 1);
  const Y = users.map((s) => {
    const y = new Float32Array(d);
    for (const item of s) for (let a = 0; a < d; a++) y[a] += E[item * d + a];
    return y;
  });
  const U = users.map((s) => foldIn(F0, E, d, s));
  const random = seededRandom(seed);
  const pairs: number[] = [];
  users.forEach((s, u) => s.forEach((item) => pairs.push(u, item)));
  const count = pairs.length / 2;
  for (let step = 0; step < epochs * count; step++) {
    const p = Math.floor(random() * count);
    const u = U[pairs[2 * p]];
    const i = pairs[2 * p + 1] * d;
    const j = Math.floor(random() * n) * d;
    let x = 0;
    for (let a = 0; a < d; a++) x += u[a] * (E[i + a] - E[j + a]);
    const g = 1 / (1 + Math.exp(x)); // sigmoid(−x)
    for (let a = 0; a < d; a++) u[a] += learningRate * (g * (E[i + a] - E[j + a]) - regularization * u[a]);
  }
  // Ridge regression: F = (YᵀY + λI)⁻¹ YᵀU.
  const yy = new Float64Array(d * d);
  const yu = new Float64Array(d * d);
  Y.forEach((y, k) => {
    const u = U[k];
    for (let a = 0; a < d; a++) {
      if (y[a] === 0) continue;
      for (let b = 0; b < d; b++) {
        yy[a * d + b] += y[a] * y[b];
        yu[a * d + b] += y[a] * u[b];
      }
    }
  });
  for (let a = 0; a < d; a++) yy[a * d + a] += lambda;
  const inv = invert(yy, d);
  const F = new Float32Array(d * d);
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += inv[a * d + k] * yu[k * d + b];
      F[a * d + b] = s;
    }
  return F;
}

/**
 * User prototypes: k-means (k-means++ seeding, seeded) of the training sequences' folded-in vectors. A
 * device matches its visitor to the nearest one without any user id leaving it.
 */
export function prototypes(set: EncodedSet, M: Float32Array, E: Float32Array, d: number, k: number, seed: number): Float32Array {
  const vectors = set.seqs.filter((s) => s.length >= 2).map((s) => foldIn(M, E, d, s));
  const random = seededRandom(seed);
  k = Math.min(k, vectors.length);
  const dist = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (a[j] - b[j]) ** 2;
    return s;
  };
  const centres: Float32Array[] = [vectors[Math.floor(random() * vectors.length)].slice()];
  const near = vectors.map((v) => dist(v, centres[0]));
  while (centres.length < k) {
    const total = near.reduce((a, b) => a + b, 0);
    let r = random() * total;
    let pick = 0;
    while (pick < near.length - 1 && (r -= near[pick]) > 0) pick++;
    centres.push(vectors[pick].slice());
    vectors.forEach((v, i) => (near[i] = Math.min(near[i], dist(v, centres[centres.length - 1]))));
  }
  const assign = new Int32Array(vectors.length);
  for (let iter = 0; iter < 20; iter++) {
    vectors.forEach((v, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (dist(v, centres[c]) < dist(v, centres[best])) best = c;
      assign[i] = best;
    });
    const sums = centres.map(() => new Float32Array(d));
    const counts = new Int32Array(k);
    vectors.forEach((v, i) => {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i]][j] += v[j];
    });
    sums.forEach((s, c) => counts[c] > 0 && centres[c].set(s.map((x) => x / counts[c])));
  }
  const out = new Float32Array(k * d);
  centres.forEach((c, i) => out.set(c, i * d));
  return out;
}

/** Category vectors: the mean embedding of each category's items, for items the model never saw. */
export function categoryEmbeddings(categories: string[][], E: Float32Array, d: number): { names: string[]; vectors: Float32Array } {
  const names = [...new Set(categories.flat())].sort();
  const index = new Map(names.map((c, i) => [c, i]));
  const sums = new Float32Array(names.length * d);
  const counts = new Int32Array(names.length);
  categories.forEach((cats, item) => {
    for (const c of cats) {
      const ci = index.get(c)!;
      counts[ci]++;
      for (let j = 0; j < d; j++) sums[ci * d + j] += E[item * d + j];
    }
  });
  for (let c = 0; c < names.length; c++) for (let j = 0; j < d; j++) sums[c * d + j] /= Math.max(1, counts[c]);
  return { names, vectors: sums };
}
