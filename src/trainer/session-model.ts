import { sessionStart, type EncodedSet } from './data.js';
import type { Scorer } from './evaluate.js';
import { seededRandom, shuffle } from './random.js';
import { logSumExpRows, ROW_LOG_SUM_EXP, ROW_LOG_SUM_EXP_GRAD, scaleRows, tf } from './tf.js';

export interface SessionModelOptions {
  /** Item embedding size d. */
  dim: number;
  /** LSTM state size. */
  hidden: number;
  /** Longest window the LSTM reads; longer histories are cut into windows. */
  window: number;
  /** Largest batch, in windows; small logs use smaller ones. */
  batchSize: number;
  learningRate: number;
  dropout: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation score. */
  patience: number;
  seed: number;
  /**
   * The output layer: `full` softmax over every item, `sampled` over each row's target and negatives
   * shared across the batch (with the logQ correction), or `auto`: full while a batch's logits (windows ×
   * steps × items) fit in FULL_SOFTMAX_LIMIT floats, else sampled, so memory stays bounded in the catalog.
   */
  softmax: 'auto' | 'full' | 'sampled';
  /** Negatives drawn per batch for the sampled softmax. */
  negatives: number;
}

/** Above this many logits a batch (about 128 MB of float32, with as much again for their gradient), `auto` samples. */
export const FULL_SOFTMAX_LIMIT = 32 * 1024 * 1024;
/** Negatives are drawn by popularity^SAMPLING_POWER: between uniform (0) and popularity (1), as word2vec. */
export const SAMPLING_POWER = 0.75;

export const SESSION_DEFAULTS: SessionModelOptions = {
  dim: 64,
  hidden: 96,
  window: 20,
  batchSize: 256,
  learningRate: 0.01,
  dropout: 0.25,
  maxEpochs: 10,
  patience: 2,
  seed: 1,
  softmax: 'auto',
  negatives: 2048,
};

export const EVENT_TYPE_COUNT = 4;

/** The trained weights, as plain arrays (row-major), ready to export. */
export interface SessionWeights {
  dim: number;
  hidden: number;
  itemCount: number;
  /** n×d item embeddings, shared by the input and the output layer. */
  item_embeddings: Float32Array;
  /** 4×d, added to the input embedding: the event type as a feature. */
  type_embeddings: Float32Array;
  /** (d+h)×4h and 4h: tfjs's basicLSTMCell layout (gates i, j, f, o). */
  lstm_kernel: Float32Array;
  lstm_bias: Float32Array;
  /** h×d: from the LSTM state to a query vector in item space. */
  projection: Float32Array;
  /** n: a learned popularity prior. */
  item_bias: Float32Array;
}

/** The dense parameters, trained by tfjs's Adam. The item table (embeddings and biases) is an {@link ItemTable}. */
interface Params {
  T: tf.Variable;
  K: tf.Variable;
  b: tf.Variable;
  P: tf.Variable;
}

/** Adam's constants, as tf.train.adam has them (its epsilon is the float32 backend's). */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * The item table: n rows of d embedding values and the item's bias (row i = [E_i | bias_i]), in plain
 * memory, trained by a lazy (sparse) Adam that touches only the rows a batch uses. A batch's cost and
 * memory are those of its rows, whatever the catalog; what grows with the catalog is the table and Adam's
 * two moments beside it (3 × n × (d+1) floats).
 */
export class ItemTable {
  readonly width: number;
  readonly values: Float32Array;
  private _m?: Float32Array;
  private _v?: Float32Array;

  constructor(
    readonly rows: number,
    readonly dim: number,
  ) {
    this.width = dim + 1;
    this.values = new Float32Array(rows * this.width);
  }

  /** The rows `ids`, in that order, as a tensor [ids.length, d+1]. */
  gather(ids: ArrayLike<number>): tf.Tensor2D {
    const w = this.width;
    const out = new Float32Array(ids.length * w);
    for (let k = 0; k < ids.length; k++) out.set(this.values.subarray(ids[k] * w, ids[k] * w + w), k * w);
    return tf.tensor2d(out, [ids.length, w]);
  }

  /** The whole table as a tensor [n, d+1]. */
  tensor(): tf.Tensor2D {
    return tf.tensor2d(this.values, [this.rows, this.width]);
  }

  /** Frees Adam's two moments (twice the table's memory) once training is over; a later step starts them anew. */
  dropMoments(): void {
    this._m = this._v = undefined;
  }

  /** One Adam step (tf.train.adam's arithmetic, at step `t`) on rows `ids` with their gradients `grad` ([ids.length, d+1]). */
  adam(ids: ArrayLike<number>, grad: Float32Array, learningRate: number, t: number): void {
    const w = this.width;
    const m = (this._m ??= new Float32Array(this.values.length));
    const v = (this._v ??= new Float32Array(this.values.length));
    const { beta1, beta2, epsilon } = ADAM;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let k = 0; k < ids.length; k++) {
      const row = ids[k] * w;
      for (let j = 0; j < w; j++) {
        const g = grad[k * w + j];
        const at = row + j;
        m[at] = beta1 * m[at] + (1 - beta1) * g;
        v[at] = beta2 * v[at] + (1 - beta2) * g * g;
        this.values[at] -= (learningRate * (m[at] / c1)) / (Math.sqrt(v[at] / c2) + epsilon);
      }
    }
  }
}

/**
 * A variable holding `t`'s values, `t` disposed: tf.variable shares the tensor's data and counts a reference
 * of its own, so the tensor kept alive would outlive the variable (a batch's rows, every batch).
 */
function own<R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A bucket of windows of one length: `count` windows, each `length` inputs, their types and next-item targets, back to back. */
interface WindowBucket {
  length: number;
  count: number;
  items: Int32Array;
  types: Uint8Array;
  targets: Int32Array;
}

/**
 * Windows of at most `window` inputs, each with its next-item targets, grouped by exact length. Flat
 * arrays per length rather than arrays per window: ten million clicks make millions of windows, and as
 * many small objects would be marked again at every garbage collection of a long epoch.
 */
function windows(set: EncodedSet, window: number): Map<number, WindowBucket> {
  const count = new Map<number, number>();
  const each = (visit: (s: number, from: number, len: number) => void) =>
    set.seqs.forEach((seq, s) => {
      for (let from = 0; from < seq.length - 1; from += window) visit(s, from, Math.min(seq.length - 1, from + window) - from);
    });
  each((_, __, len) => count.set(len, (count.get(len) ?? 0) + 1));
  const byLength = new Map<number, WindowBucket>();
  for (const [length, n] of count) {
    byLength.set(length, { length, count: 0, items: new Int32Array(n * length), types: new Uint8Array(n * length), targets: new Int32Array(n * length) });
  }
  each((s, from, len) => {
    const b = byLength.get(len)!;
    const at = b.count++ * len;
    b.items.set(set.seqs[s].subarray(from, from + len), at);
    b.types.set(set.types[s].subarray(from, from + len), at);
    b.targets.set(set.seqs[s].subarray(from + 1, from + len + 1), at);
  });
  return byLength;
}

/** Windows `pick` of a bucket as rows (one array per window). */
function rowsOf<T extends Int32Array | Uint8Array>(flat: T, length: number, pick: ArrayLike<number>): number[][] {
  return Array.from(pick, (k) => Array.from(flat.subarray(k * length, (k + 1) * length)));
}

/**
 * matMul without transposes, forward and backward. tfjs's WASM backend multiplies plain matrices through
 * XNNPACK (about 30 GFLOP/s here) but falls back to a loop 13× slower when either side is transposed,
 * which is what matMul's own gradient asks for; explicit transposes are cheap.
 */
export const matMul = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(y) as tf.Tensor2D),
      tf.matMul(tf.transpose(x) as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * log Σⱼ exp(x[i, j]) for each row of x, forward and backward in one pass each over plain arrays: the
 * normaliser of a softmax loss. tfjs composes it of five kernels and as many again for the gradient, each
 * a pass over rows × candidates; this is about twice as fast here, and keeps the softmax for the gradient.
 * On WASM the passes run over the heap itself (tf.ts); elsewhere over a copy.
 */
export const rowLogSumExp = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  if (tf.getBackend() === 'wasm' && tf.getKernel(ROW_LOG_SUM_EXP, 'wasm')) {
    const [lse, softmax] = tf.engine().runKernel(ROW_LOG_SUM_EXP, { x }) as tf.Tensor[];
    save([softmax]);
    return { value: lse, gradFunc: (dy: tf.Tensor, [p]: tf.Tensor[]) => [tf.engine().runKernel(ROW_LOG_SUM_EXP_GRAD, { dy, p }) as tf.Tensor] };
  }
  const [rows, cols] = x.shape;
  const p = new Float32Array(rows * cols);
  const lse = new Float32Array(rows);
  logSumExpRows(x.dataSync() as Float32Array, p, lse, rows, cols);
  return {
    value: tf.tensor1d(lse),
    gradFunc: (dy: tf.Tensor) => {
      const out = new Float32Array(rows * cols);
      scaleRows(dy.dataSync() as Float32Array, p, out, rows, cols);
      return [tf.tensor2d(out, [rows, cols])];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D) => tf.Tensor1D;

/** One LSTM step, exactly tf.basicLSTMCell (gates i, j, f, o; forget bias 1), on the fast matMul. */
export function lstmStep(K: tf.Tensor2D, b: tf.Tensor1D, x: tf.Tensor2D, c: tf.Tensor2D, h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const gates = tf.add(matMul(tf.concat([x, h], 1), K), b);
  const [i, j, f, o] = tf.split(gates, 4, 1);
  const next = tf.add(tf.mul(tf.sigmoid(i), tf.tanh(j)), tf.mul(c, tf.sigmoid(tf.add(f, 1)))) as tf.Tensor2D;
  return [next, tf.mul(tf.tanh(next), tf.sigmoid(o)) as tf.Tensor2D];
}

/**
 * The LSTM over a batch of equal-length windows: the state after each step, [B*T, h]. `rows` holds the
 * item rows [E | bias] that `items` index.
 */
function encode(p: Params, rows: tf.Tensor2D, items: tf.Tensor2D, types: tf.Tensor2D, hidden: number, training: boolean, seed: number): tf.Tensor2D {
  const [B, T] = items.shape;
  const d = p.T.shape[1] as number;
  const x = tf.add(tf.gather(tf.slice(rows, [0, 0], [-1, d]), items), tf.gather(p.T, types)) as tf.Tensor3D;
  let c: tf.Tensor2D = tf.zeros([B, hidden]);
  let h: tf.Tensor2D = tf.zeros([B, hidden]);
  const states: tf.Tensor3D[] = [];
  // slice and concat rather than unstack and stack: tfjs's Node bundle registers a gradient for Unpack
  // that rejects the tensors of the tfjs-core instance the WASM backend uses.
  for (let t = 0; t < T; t++) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
    [c, h] = lstmStep(p.K as tf.Tensor2D, p.b as tf.Tensor1D, xt, c, h);
    states.push(tf.reshape(h, [B, 1, hidden]));
  }
  let all = tf.reshape(T === 1 ? states[0] : tf.concat(states, 1), [B * T, hidden]) as tf.Tensor2D;
  if (training) all = tf.dropout(all, SESSION_DEFAULTS.dropout, undefined, seed) as tf.Tensor2D;
  return all;
}

/** Each state's query in item space with a 1 appended, (state · P | 1): its product with a row [E | bias] is that item's logit. */
function queries(p: Params, states: tf.Tensor2D): tf.Tensor2D {
  const query = matMul(states, p.P as tf.Tensor2D);
  return tf.concat([query, tf.ones([query.shape[0], 1])], 1) as tf.Tensor2D;
}

/** The scores of the items whose rows [E | bias] are transposed in `Wt` ((d+1)×n) for each state. */
function logits(p: Params, states: tf.Tensor2D, Wt: tf.Tensor2D): tf.Tensor2D {
  return matMul(queries(p, states), Wt);
}

/**
 * Draws negatives for the sampled softmax: items by popularity^SAMPLING_POWER (every item at least one
 * count, so none is never drawn), by binary search in the cumulative distribution.
 */
export class NegativeSampler {
  private readonly _cdf: Float64Array;
  /** log of each item's expected count among `draws` negatives: the logQ correction. */
  readonly logQ: Float32Array;

  constructor(
    counts: ArrayLike<number>,
    readonly draws: number,
  ) {
    const n = counts.length;
    this._cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) this._cdf[i] = total += (counts[i] + 1) ** SAMPLING_POWER;
    this.logQ = Float32Array.from({ length: n }, (_, i) => Math.log((draws * (counts[i] + 1) ** SAMPLING_POWER) / total));
    this._cdf = this._cdf.map((c) => c / total);
  }

  draw(random: () => number): number {
    const u = random();
    let lo = 0;
    let hi = this._cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this._cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The negatives of one batch: `draws` items drawn with replacement, shared by every row of the batch. */
  negatives(random: () => number): Int32Array {
    return Int32Array.from({ length: this.draws }, () => this.draw(random));
  }
}

export interface EpochReport {
  epoch: number;
  loss: number;
  /** The validation score early stopping watches (HitRate@20 on validation). */
  valid: number;
  seconds: number;
}

/**
 * A GRU4Rec-style next-item model: item embeddings (tied between input and output) and an LSTM, trained
 * with a full or sampled softmax cross-entropy, dropout and early stopping on validation; the item table by
 * a lazy Adam over the rows each batch uses, the rest by tfjs's Adam.
 */
export class SessionModel {
  private readonly _p: Params;
  private readonly _items: ItemTable;
  private readonly _random: () => number;
  /** The output layer the last fit used. */
  softmax: 'full' | 'sampled' | undefined;

  /** A trained model from exported weights (for evaluation); `window` as it was trained with. */
  static fromWeights(w: SessionWeights, window: number): SessionModel {
    const model = new SessionModel(w.itemCount, { ...SESSION_DEFAULTS, dim: w.dim, hidden: w.hidden, window });
    const p = model._p;
    const table = model._items;
    for (let i = 0; i < w.itemCount; i++) {
      table.values.set(w.item_embeddings.subarray(i * w.dim, (i + 1) * w.dim), i * table.width);
      table.values[i * table.width + w.dim] = w.item_bias[i];
    }
    p.T.assign(tf.tensor(w.type_embeddings, p.T.shape));
    p.K.assign(tf.tensor(w.lstm_kernel, p.K.shape));
    p.b.assign(tf.tensor(w.lstm_bias, p.b.shape));
    p.P.assign(tf.tensor(w.projection, p.P.shape));
    return model;
  }

  constructor(
    readonly itemCount: number,
    readonly options: SessionModelOptions = SESSION_DEFAULTS,
  ) {
    const { dim: d, hidden: h, seed } = options;
    this._random = seededRandom(seed);
    const init = (shape: number[], scale: number) =>
      own(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (this._random() * 2 - 1) * scale), shape));
    // Embeddings uniform in ±0.05 (an extra row drawn and dropped: the random sequence of earlier versions), biases 0.
    this._items = new ItemTable(itemCount, d);
    for (let i = 0; i <= itemCount; i++) {
      for (let a = 0; a < d; a++) {
        const x = (this._random() * 2 - 1) * 0.05;
        if (i < itemCount) this._items.values[i * (d + 1) + a] = x;
      }
    }
    this._p = {
      T: init([EVENT_TYPE_COUNT, d], 0.05),
      K: init([d + h, 4 * h], Math.sqrt(6 / (d + 5 * h))),
      b: own(tf.zeros([4 * h])),
      P: init([h, d], Math.sqrt(6 / (h + d))),
    };
  }

  /**
   * Trains until validation stops improving; keeps the best epoch's weights. `validate` scores the model
   * (higher is better) and `progress` hears each epoch.
   */
  async fit(
    train: EncodedSet,
    validate: () => Promise<number>,
    progress: (r: EpochReport & { batch?: number; batches?: number }) => void = () => {},
  ): Promise<EpochReport[]> {
    const o = this.options;
    const optimizer = tf.train.adam(o.learningRate);
    const buckets = windows(train, o.window);
    // Small logs still get enough steps per epoch: at least about 60 batches, never fewer than 16 windows each.
    let total = 0;
    for (const b of buckets.values()) total += b.count;
    const batchSize = Math.min(o.batchSize, Math.max(16, Math.floor(total / 60)));
    let longest = 0;
    for (const len of buckets.keys()) longest = Math.max(longest, len);
    const sampled = o.softmax === 'sampled' || (o.softmax === 'auto' && batchSize * longest * this.itemCount > FULL_SOFTMAX_LIMIT);
    const counts = new Float64Array(this.itemCount);
    if (sampled) for (const b of buckets.values()) for (const t of b.targets) counts[t]++;
    const sampler = sampled ? new NegativeSampler(counts, Math.min(o.negatives, this.itemCount)) : undefined;
    this.softmax = sampled ? 'sampled' : 'full';
    const dense = Object.values(this._p);
    const everyItem = Int32Array.from({ length: this.itemCount }, (_, i) => i);
    const local = new Int32Array(this.itemCount).fill(-1);
    let step = 0;
    const history: EpochReport[] = [];
    let best = -Infinity;
    let bestWeights: tf.Tensor[] | undefined;
    let bestItems: Float32Array | undefined;
    let stale = 0;
    for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
      const start = performance.now();
      // Each batch is windows of one bucket, drawn in a shuffled order; its rows are made when it trains.
      const batches: { bucket: WindowBucket; pick: number[] }[] = [];
      for (const bucket of buckets.values()) {
        const order = shuffle(Array.from({ length: bucket.count }, (_, k) => k), this._random);
        for (let i = 0; i < order.length; i += batchSize) batches.push({ bucket, pick: order.slice(i, i + batchSize) });
      }
      shuffle(batches, this._random);
      let lossSum = 0;
      let count = 0;
      for (const [bi, { bucket, pick }] of batches.entries()) {
        const batch = { items: rowsOf(bucket.items, bucket.length, pick), types: rowsOf(bucket.types, bucket.length, pick), targets: rowsOf(bucket.targets, bucket.length, pick) };
        const seed = Math.floor(this._random() * 2 ** 31);
        const flat = batch.targets.flat();
        const negatives = sampler?.negatives(this._random);
        // The batch's item rows: the whole catalog under the full softmax, else only those its windows,
        // targets and negatives use, numbered locally.
        let ids = everyItem;
        let at = (i: number) => i;
        if (negatives) {
          const list: number[] = [];
          at = (i) => (local[i] >= 0 ? local[i] : (local[i] = list.push(i) - 1));
          batch.items.forEach((w) => w.forEach(at));
          flat.forEach(at);
          negatives.forEach(at);
          ids = Int32Array.from(list);
        }
        const rows = own(this._items.gather(ids));
        const { value, grads } = tf.variableGrads(() => {
          const items = tf.tensor2d(batch.items.map((w) => w.map(at)), undefined, 'int32');
          const types = tf.tensor2d(batch.types, undefined, 'int32');
          const states = encode(this._p, rows, items, types, o.hidden, true, seed);
          const targets = tf.tensor1d(flat.map(at), 'int32');
          // The loss is log Σ exp(candidates' logits) − the target's logit, the item bias riding along in the
          // matMul as a column, (query | 1) · (E | bias)ᵀ: no pass over rows × candidates but the product and
          // its normaliser.
          const withOne = queries(this._p, states);
          const positive = tf.sum(tf.mul(withOne, tf.gather(rows, targets)), 1);
          if (!negatives) return tf.mean(tf.sub(rowLogSumExp(matMul(withOne, tf.transpose(rows) as tf.Tensor2D)), positive)) as tf.Scalar;
          // Sampled softmax (Jean et al. 2015): each row's target against negatives shared by the batch, every
          // logit less the log of the item's expected count among the draws (logQ), so the loss estimates the
          // full softmax's: rows × negatives floats, whatever the catalog. log(e^pos + Σ e^neg) − pos is
          // softplus(lse(neg) − pos).
          const c = tf.tensor1d(Int32Array.from(negatives, at), 'int32');
          const logQ = (ids: ArrayLike<number>) => tf.tensor1d(Float32Array.from(ids, (i) => sampler!.logQ[i]));
          const negative = rowLogSumExp(tf.sub(matMul(withOne, tf.transpose(tf.gather(rows, c)) as tf.Tensor2D), logQ(negatives)) as tf.Tensor2D);
          return tf.mean(tf.softplus(tf.sub(negative, tf.sub(positive, logQ(flat))))) as tf.Scalar;
        }, [rows, ...dense]);
        optimizer.applyGradients(Object.fromEntries(dense.map((v) => [v.name, grads[v.name]])));
        this._items.adam(ids, grads[rows.name].dataSync() as Float32Array, o.learningRate, ++step);
        if (negatives) for (const i of ids) local[i] = -1;
        const n = flat.length;
        lossSum += value.dataSync()[0] * n;
        count += n;
        tf.dispose([value, rows, ...Object.values(grads)]);
        if (bi % 20 === 0) progress({ epoch, loss: lossSum / count, valid: NaN, seconds: (performance.now() - start) / 1000, batch: bi, batches: batches.length });
      }
      const valid = await validate();
      const report = { epoch, loss: lossSum / count, valid, seconds: (performance.now() - start) / 1000 };
      history.push(report);
      progress(report);
      if (valid > best) {
        best = valid;
        stale = 0;
        tf.dispose(bestWeights);
        bestWeights = dense.map((v) => tf.clone(v));
        bestItems = this._items.values.slice();
      } else if (++stale >= o.patience) break;
    }
    if (bestWeights) {
      dense.forEach((v, i) => v.assign(bestWeights![i]));
      tf.dispose(bestWeights);
      this._items.values.set(bestItems!);
    }
    this._items.dropMoments();
    optimizer.dispose();
    return history;
  }

  /**
   * Scores every case, the LSTM reading at most `window` items before it (as in training), with
   * log-softmax scores so they blend on a common scale.
   */
  scorer(): Scorer {
    const o = this.options;
    return {
      name: 'lstm',
      forEachCase: async (set, visit) => {
        // Group cases by window length so a batch needs no padding. With times (a user's history), the
        // model reads the current session only, as in the browser; a case whose session is over reads
        // nothing, and scores every item 0 (ties: popularity).
        const byLength = new Map<number, [number, number][]>();
        const none = new Float32Array(this.itemCount);
        set.seqs.forEach((seq, s) => {
          for (let i = Math.max(1, set.start[s]); i < seq.length; i++) {
            const len = Math.min(i - (set.times ? sessionStart(set.times[s], i) : 0), o.window);
            if (len === 0) {
              visit(s, i, none);
              continue;
            }
            let list = byLength.get(len);
            if (!list) byLength.set(len, (list = []));
            list.push([s, i]);
          }
        });
        // The LSTM runs on up to 1024 cases at once (its cost is mostly per step, not per case); the
        // logits over the catalog in slices of about 4M floats, so memory stays bounded whatever the catalog.
        const rows = Math.max(16, Math.floor(4_000_000 / this.itemCount));
        const table = this._items.tensor();
        const Wt = tf.tidy(() => tf.transpose(table) as tf.Tensor2D);
        for (const [len, cases] of byLength) {
          for (let c = 0; c < cases.length; c += 1024) {
            const part = cases.slice(c, c + 1024);
            const queries = tf.tidy(() => {
              const items = tf.tensor2d(part.map(([s, i]) => Array.from(set.seqs[s].subarray(i - len, i))), undefined, 'int32');
              const types = tf.tensor2d(part.map(([s, i]) => Array.from(set.types[s].subarray(i - len, i))), undefined, 'int32');
              const states = encode(this._p, table, items, types, o.hidden, false, 0);
              return tf.reshape(states, [part.length, len, o.hidden]).slice([0, len - 1, 0], [part.length, 1, o.hidden]).reshape([part.length, o.hidden]) as tf.Tensor2D;
            });
            for (let r = 0; r < part.length; r += rows) {
              const k = Math.min(rows, part.length - r);
              const scores = tf.tidy(() => tf.logSoftmax(logits(this._p, tf.slice(queries, [r, 0], [k, o.hidden]), Wt)));
              const data = (await scores.data()) as Float32Array;
              scores.dispose();
              for (let j = 0; j < k; j++) visit(part[r + j][0], part[r + j][1], data.subarray(j * this.itemCount, (j + 1) * this.itemCount));
            }
            queries.dispose();
          }
        }
        tf.dispose([table, Wt]);
      },
    };
  }

  /** The log-probability of every item after one session: its rows and type rows, oldest first (at most `window`). */
  async logProbs(rows: number[], types: number[]): Promise<Float32Array> {
    const set = { seqs: [Int32Array.from([...rows, 0])], types: [Uint8Array.from([...types, 0])], start: [rows.length] };
    let out = new Float32Array(0);
    await this.scorer().forEachCase(set, (_, __, scores) => (out = scores.slice()));
    return out;
  }

  /** The weights as arrays, for export. */
  async weights(): Promise<SessionWeights> {
    const { dim, hidden } = this.options;
    const n = this.itemCount;
    const E = new Float32Array(n * dim);
    const bias = new Float32Array(n);
    const w = this._items.width;
    for (let i = 0; i < n; i++) {
      E.set(this._items.values.subarray(i * w, i * w + dim), i * dim);
      bias[i] = this._items.values[i * w + dim];
    }
    return {
      dim,
      hidden,
      itemCount: n,
      item_embeddings: E,
      type_embeddings: (await this._p.T.data()) as Float32Array,
      lstm_kernel: (await this._p.K.data()) as Float32Array,
      lstm_bias: (await this._p.b.data()) as Float32Array,
      projection: (await this._p.P.data()) as Float32Array,
      item_bias: bias,
    };
  }

  dispose(): void {
    tf.dispose(Object.values(this._p));
  }
}

/**
 * E u over the catalog on tfjs (for {@link LongTerm.product}): about ten times the plain loop's speed at
 * 40,000 items. `dispose` frees the copy of E it keeps.
 */
export function embeddingProduct(E: Float32Array, d: number): { product: (u: Float32Array) => Float32Array; dispose: () => void } {
  const Et = tf.tidy(() => tf.transpose(tf.tensor2d(E, [E.length / d, d])) as tf.Tensor2D);
  return {
    product: (u) => {
      const scores = tf.tidy(() => tf.matMul(tf.tensor2d(u, [1, d]), Et));
      const data = scores.dataSync() as Float32Array;
      scores.dispose();
      return data;
    },
    dispose: () => Et.dispose(),
  };
}
