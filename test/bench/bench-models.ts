import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFloat16 } from '../../src/cli/float16.js';
import { writeModel, type ModelContents } from '../../src/cli/write-model.js';
import { seededRandom } from '../../src/trainer/random.js';

export const DIM = 64;
export const HIDDEN = 96;

/**
 * A model of the shape `vitrine train` writes (d = 64, h = 96, 30 neighbours per item), with seeded random
 * weights: timings do not depend on the values. Written once under test-results/, which the server serves.
 */
export async function benchModel(root: string, n: number): Promise<string> {
  const dir = join(root, 'test-results/bench-models', String(n));
  if (existsSync(join(dir, 'manifest.json'))) return `/test-results/bench-models/${n}/`;
  await writeModel(dir, contents(n));
  return `/test-results/bench-models/${n}/`;
}

function contents(n: number): ModelContents {
  const random = seededRandom(n);
  const floats = (size: number, scale: number) => Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale);
  const N = 30;
  const foldIn = new Float32Array(DIM * DIM);
  for (let i = 0; i < DIM; i++) foldIn[i * DIM + i] = 0.1;
  return {
    ids: Array.from({ length: n }, (_, i) => `sku-${i}`),
    popularity: Array.from({ length: n }, () => Math.floor(random() * 100)),
    tensors: {
      item_embeddings: { values: floats(n * DIM, 0.3), shape: [n, DIM], float16: true },
      item_bias: { values: floats(n, 1), shape: [n], float16: true },
      type_embeddings: { values: floats(4 * DIM, 0.1), shape: [4, DIM] },
      lstm_kernel: { values: floats((DIM + HIDDEN) * 4 * HIDDEN, 0.1), shape: [DIM + HIDDEN, 4 * HIDDEN], float16: true },
      lstm_bias: { values: floats(4 * HIDDEN, 0.1), shape: [4 * HIDDEN] },
      projection: { values: floats(HIDDEN * DIM, 0.1), shape: [HIDDEN, DIM], float16: true },
      neighbour_ids: { values: Int32Array.from({ length: n * N }, () => Math.floor(random() * n)), shape: [n, N] },
      neighbour_weights: { values: floats(n * N, 0.5).map(Math.abs), shape: [n, N], float16: true },
      fold_in: { values: foldIn, shape: [DIM, DIM] },
      user_prototypes: { values: floats(16 * DIM, 0.3), shape: [16, DIM] },
    },
    extra: {
      session: { hidden: HIDDEN, window: 20, forgetBias: 1, cell: 'tf.basicLSTMCell', eventTypes: ['view', 'click', 'add_to_cart', 'purchase'] },
      scoring: { lstm: 0.05, last: 3, decay: 0.5, repeat: 0.5 },
    },
  };
}

/**
 * The same model in format version 1 (docs/model-format.md): the whole catalog in one weights file, held
 * on the device. The engine benchmark measures catalog-wide work (recommend over every item) with it.
 */
export function benchModelV1(root: string, n: number): string {
  const dir = join(root, 'test-results/bench-models', `v1-${n}`);
  if (existsSync(join(dir, 'manifest.json'))) return `/test-results/bench-models/v1-${n}/`;
  mkdirSync(dir, { recursive: true });
  const c = contents(n);
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const specs = [];
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(c.tensors)) {
    const half = t.float16 && t.values instanceof Float32Array;
    specs.push({ name, shape: t.shape, dtype: t.values instanceof Int32Array ? 'int32' : 'float32', ...(half && { quantization: { dtype: 'float16' } }) });
    parts.push(bytes(half ? toFloat16(t.values as Float32Array) : t.values));
  }
  const files = [
    ['items.json', Buffer.from(JSON.stringify({ ids: c.ids, popularity: c.popularity }))],
    ['weights.bin', Buffer.concat(parts)],
  ] as const;
  for (const [path, data] of files) writeFileSync(join(dir, path), data);
  const manifest = {
    format: 'vitrine-model',
    formatVersion: 1,
    dim: DIM,
    itemCount: n,
    items: 'items.json',
    files: files.map(([path, data]) => ({ path, sha256: sha256(data), bytes: data.byteLength })),
    weights: [{ paths: ['weights.bin'], weights: specs }],
    ...c.extra,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return `/test-results/bench-models/v1-${n}/`;
}
