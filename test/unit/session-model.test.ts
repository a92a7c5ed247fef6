import { beforeAll, expect, test } from 'vitest';
import { ItemTable, lstmStep, matMul, rowLogSumExp } from '../../src/trainer/session-model.js';
import { startTraining, tf } from '../../src/trainer/tf.js';

beforeAll(startTraining);

const close = (a: tf.Tensor, b: tf.Tensor) => expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);

test('the transpose-free matMul has matMul gradients', () => {
  const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
  const w = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
  const loss = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), w));
  const [ga, gb] = tf.grads(loss(matMul))([a, b]);
  const [ea, eb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
  close(matMul(a, b), tf.matMul(a, b));
  close(ga, ea);
  close(gb, eb);
});

test.each(['wasm', 'cpu'])('rowLogSumExp is tf.logSumExp over rows, value and gradient, large logits included, and frees what it kept (%s)', async (backend) => {
  // On WASM its own kernels over the heap (tf.ts), elsewhere loops over a copy.
  await tf.setBackend(backend);
  try {
    const x = tf.mul(tf.randomNormal([7, 50], 0, 1, 'float32', 9), tf.tensor2d([1, 1, 1, 1, 1, 1, 80], [7, 1])) as tf.Tensor2D;
    const w = tf.randomNormal([7], 0, 1, 'float32', 10);
    close(rowLogSumExp(x), tf.logSumExp(x, 1));
    const before = tf.memory().numTensors;
    const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(rowLogSumExp(v as tf.Tensor2D), w)))(x);
    expect(tf.memory().numTensors).toBe(before + 1); // the gradient alone: the kept softmax is freed
    const theirs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(v, 1), w)))(x);
    close(ours, theirs);
    expect(Number.isFinite(rowLogSumExp(x).dataSync()[6])).toBe(true);
    // On WASM the heap kernels run, forward and backward (no copy of the logits into JS).
    const kernels = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(rowLogSumExp(v as tf.Tensor2D)))(x))).kernelNames;
    const own = ['VitrineRowLogSumExp', 'VitrineRowLogSumExpGrad'];
    if (backend === 'wasm') expect(kernels).toEqual(expect.arrayContaining(own));
    else expect(kernels.filter((k) => own.includes(k))).toEqual([]);
  } finally {
    await tf.setBackend('wasm');
  }
});

test('lstmStep is tf.basicLSTMCell', () => {
  const [B, d, h] = [3, 4, 5];
  const K = tf.randomNormal([d + h, 4 * h], 0, 0.5, 'float32', 4) as tf.Tensor2D;
  const bias = tf.randomNormal([4 * h], 0, 0.5, 'float32', 5) as tf.Tensor1D;
  const x = tf.randomNormal([B, d], 0, 1, 'float32', 6) as tf.Tensor2D;
  const c = tf.randomNormal([B, h], 0, 1, 'float32', 7) as tf.Tensor2D;
  const hh = tf.randomNormal([B, h], 0, 1, 'float32', 8) as tf.Tensor2D;
  const [c1, h1] = lstmStep(K, bias, x, c, hh);
  const [c2, h2] = tf.basicLSTMCell(1, K, bias, x, c, hh);
  close(c1, c2);
  close(h1, h2);
});

test('the item table\'s lazy Adam is tf.train.adam on the rows a step uses, and leaves the others alone', () => {
  const [n, d] = [6, 3];
  const table = new ItemTable(n, d);
  table.values.set(tf.randomNormal([n * (d + 1)], 0, 1, 'float32', 11).dataSync());
  const start = table.values.slice();
  const used = [4, 1, 2];
  const dense = tf.variable(tf.tensor2d(used.flatMap((i) => Array.from(start.subarray(i * (d + 1), (i + 1) * (d + 1)))), [3, d + 1]));
  const adam = tf.train.adam(0.01);
  for (let t = 1; t <= 5; t++) {
    const grad = tf.randomNormal([3, d + 1], 0, 1, 'float32', 20 + t);
    adam.applyGradients([{ name: dense.name, tensor: grad }]);
    table.adam(used, grad.dataSync() as Float32Array, 0.01, t);
  }
  close(table.gather(used), dense);
  for (const i of [0, 3, 5]) expect(table.values.subarray(i * (d + 1), (i + 1) * (d + 1))).toEqual(start.subarray(i * (d + 1), (i + 1) * (d + 1)));
});

test('training leaves no tensor behind: each batch\'s rows are freed with it, under either softmax', async () => {
  const { SessionModel, SESSION_DEFAULTS } = await import('../../src/trainer/session-model.js');
  const seqs = Array.from({ length: 200 }, (_, s) => Int32Array.from({ length: 2 + (s % 6) }, (_, i) => (s * 7 + i * 3) % 50));
  const set = { seqs, types: seqs.map((q) => new Uint8Array(q.length).fill(1)), start: seqs.map(() => 1) };
  for (const softmax of ['full', 'sampled'] as const) {
    const before = tf.memory().numTensors;
    const model = new SessionModel(50, { ...SESSION_DEFAULTS, dim: 8, hidden: 8, batchSize: 16, maxEpochs: 2, negatives: 10, softmax });
    await model.fit(set, async () => 0);
    model.dispose();
    // (The old build kept every batch's gathered rows: 2 epochs × about 60 batches of tensors.)
    expect(tf.memory().numTensors, softmax).toBe(before);
  }
});
