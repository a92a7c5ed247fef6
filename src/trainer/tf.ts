// The union package, in Node only: its Node build registers the gradients on the same tfjs-core instance
// that the WASM backend's Node build uses (tfjs-core's own Node build ships without them).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
}

/**
 * The gradient of an embedding lookup (gather) is UnsortedSegmentSum, which the WASM backend lacks and
 * the CPU backend runs pathologically slowly. This kernel adds rows into their segments in one pass.
 */
function registerSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackend;
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
      const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
      // Views after makeOutput: allocating may grow the WASM heap and detach older views.
      const o = wasm.typedArrayFromHeap(out);
      const v = wasm.typedArrayFromHeap(x);
      const ids = wasm.typedArrayFromHeap(segmentIds);
      o.fill(0);
      for (let r = 0; r < rows; r++) {
        const id = ids[r];
        if (id < 0 || id >= numSegments) continue;
        const src = r * inner;
        const dst = id * inner;
        for (let j = 0; j < inner; j++) o[dst + j] += v[src + j];
      }
      return out;
    },
  });
}

type Floats = Float32Array | Int32Array;

/** log Σⱼ exp(v[i, j]) of each row of v ([rows, cols]) into lse, and the rows' softmax into p. */
export function logSumExpRows(v: Floats, p: Floats, lse: Floats, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (v[o + j] > max) max = v[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += p[o + j] = Math.exp(v[o + j] - max);
    lse[i] = max + Math.log(sum);
    for (let j = 0; j < cols; j++) p[o + j] /= sum;
  }
}

/** g[i] · p[i, j] into out: the gradient of lse through the softmax p. */
export function scaleRows(g: Floats, p: Floats, out: Floats, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0, o = i * cols; j < cols; j++) out[o + j] = g[i] * p[o + j];
}

/** A softmax loss's normaliser on the WASM heap: x [rows, cols] → log Σⱼ exp(x[i, j]) [rows] and the rows' softmax [rows, cols]. */
export const ROW_LOG_SUM_EXP = 'VitrineRowLogSumExp';
/** Its gradient: dy [rows] and the softmax p → dy[i] · p[i, j]. */
export const ROW_LOG_SUM_EXP_GRAD = 'VitrineRowLogSumExpGrad';

/**
 * The two kernels above, in plain loops over views of the WASM heap. A batch's logits are megabytes;
 * read into JS (dataSync) and written back at every batch, they churn external memory, which V8 answers
 * with full collections of the whole heap: at ten million clicks, a cost that grows with the log.
 */
function registerRowLogSumExp(): void {
  if (tf.getKernel(ROW_LOG_SUM_EXP, 'wasm')) return;
  tf.registerKernel({
    kernelName: ROW_LOG_SUM_EXP,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const { x } = inputs as { x: tf.TensorInfo };
      const [rows, cols] = x.shape;
      const lseInfo = wasm.makeOutput([rows], 'float32');
      const pInfo = wasm.makeOutput([rows, cols], 'float32');
      // Views after makeOutput: allocating may grow the WASM heap and detach older views.
      const lse = wasm.typedArrayFromHeap(lseInfo);
      const p = wasm.typedArrayFromHeap(pInfo);
      const v = wasm.typedArrayFromHeap(x);
      logSumExpRows(v, p, lse, rows, cols);
      return [lseInfo, pInfo];
    },
  });
  tf.registerKernel({
    kernelName: ROW_LOG_SUM_EXP_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as unknown as WasmBackend;
      const { dy, p } = inputs as { dy: tf.TensorInfo; p: tf.TensorInfo };
      const [rows, cols] = p.shape;
      const outInfo = wasm.makeOutput([rows, cols], 'float32');
      const out = wasm.typedArrayFromHeap(outInfo);
      const g = wasm.typedArrayFromHeap(dy);
      const pv = wasm.typedArrayFromHeap(p);
      scaleRows(g, pv, out, rows, cols);
      return outInfo;
    },
  });
}

/** Starts tfjs for training in Node: WASM (about 5× faster than CPU here), else CPU. */
export async function startTraining(): Promise<string> {
  registerSegmentSum();
  registerRowLogSumExp();
  if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

export { tf };
