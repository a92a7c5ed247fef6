import type { EncodedSet } from './data.js';
import { prefixScorer, type Scorer } from './evaluate.js';
import { seededRandom } from './random.js';

export interface BprOptions {
  dim: number;
  epochs: number;
  learningRate: number;
  regularization: number;
  seed: number;
}

export const BPR_DEFAULTS: BprOptions = { dim: 32, epochs: 25, learningRate: 0.05, regularization: 0.005, seed: 1 };

/** Item factors (n×d, row-major), item biases and user (sequence) factors of a BPR matrix factorisation. */
export interface BprModel {
  dim: number;
  factors: Float32Array;
  bias: Float32Array;
  users: Float32Array;
}

/**
 * Bayesian personalised ranking (Rendle et al. 2009) by SGD: each sequence is a user, each of its items a
 * positive, a uniformly drawn item the negative.
 */
export function trainBpr(set: EncodedSet, itemCount: number, options: Partial<BprOptions> = {}): BprModel {
  const { dim, epochs, learningRate: lr, regularization: reg, seed } = { ...BPR_DEFAULTS, ...options };
  const random = seededRandom(seed);
  const init = (n: number) => Float32Array.from({ length: n * dim }, () => (random() - 0.5) * 0.1);
  const V = init(itemCount);
  const U = init(set.seqs.length);
  const b = new Float32Array(itemCount);
  const pairs: number[] = [];
  set.seqs.forEach((seq, s) => seq.forEach((item) => pairs.push(s, item)));
  const count = pairs.length / 2;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let step = 0; step < count; step++) {
      const p = Math.floor(random() * count);
      const u = pairs[2 * p] * dim;
      const i = pairs[2 * p + 1];
      const j = Math.floor(random() * itemCount);
      if (i === j) continue;
      const vi = i * dim;
      const vj = j * dim;
      let x = b[i] - b[j];
      for (let k = 0; k < dim; k++) x += U[u + k] * (V[vi + k] - V[vj + k]);
      const g = 1 / (1 + Math.exp(x)); // sigmoid(-x)
      for (let k = 0; k < dim; k++) {
        const uk = U[u + k];
        U[u + k] += lr * (g * (V[vi + k] - V[vj + k]) - reg * uk);
        V[vi + k] += lr * (g * uk - reg * V[vi + k]);
        V[vj + k] += lr * (-g * uk - reg * V[vj + k]);
      }
      b[i] += lr * (g - reg * b[i]);
      b[j] += lr * (-g - reg * b[j]);
    }
  }
  return { dim, factors: V, bias: b, users: U };
}

/**
 * BPR-MF scores. A sequence seen in training (a returning user: `trainedUsers`) uses its learned factors
 * and ranks the items its history holds last, as matrix factorisation is evaluated on ratings; a new one
 * (a session) gets the mean of its prefix's item factors, as in the GRU4Rec paper.
 */
export function bprScorer(model: BprModel, trainedUsers = false): Scorer {
  const { dim, factors: V, bias, users } = model;
  const n = bias.length;
  const u = new Float32Array(dim);
  return prefixScorer('bprmf', n, (prefix, _, out, s) => {
    u.fill(0);
    if (trainedUsers) u.set(users.subarray(s * dim, (s + 1) * dim));
    else for (const item of prefix) for (let k = 0; k < dim; k++) u[k] += V[item * dim + k] / prefix.length;
    for (let j = 0; j < n; j++) {
      let score = bias[j];
      for (let k = 0; k < dim; k++) score += u[k] * V[j * dim + k];
      out[j] = score;
    }
    if (trainedUsers) for (const item of prefix) out[item] = -Infinity;
  });
}
