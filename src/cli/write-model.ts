import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FORMAT_VERSION, type Manifest, type ModelFile, type WeightSpec } from '../lib/manifest.js';
import { toFloat16 } from './float16.js';

/** A tensor to export: row-major values and a shape; float tensors may be stored as float16. */
export interface ExportTensor {
  values: Float32Array | Int32Array;
  shape: number[];
  /** Store a float32 tensor as float16 (half the bytes; readers expand it back). */
  float16?: boolean;
}

export interface ModelContents {
  /** The shop's item ids, in embedding row order. */
  ids: string[];
  /** Per item: its categories (items.json `categories`). */
  categories?: string[][];
  /** Per item: its interaction count in training (items.json `popularity`). */
  popularity?: number[];
  /** Must include `item_embeddings` (n×d); written in this order into one shard. */
  tensors: Record<string, ExportTensor>;
  /** Extra manifest fields (scoring weights, training summary, metrics). */
  extra?: Record<string, unknown>;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes a model directory (docs/model-format.md). The files are written to a temporary folder beside
 * `out` and renamed into place, so a failure never leaves a half-written model.
 */
export async function writeModel(out: string, contents: ModelContents): Promise<Manifest> {
  const n = contents.ids.length;
  const embeddings = contents.tensors.item_embeddings;
  if (!embeddings || embeddings.shape.length !== 2 || embeddings.shape[0] !== n) {
    throw new Error(`item_embeddings must have shape [${n}, d]`);
  }
  for (const [name, list] of [['categories', contents.categories], ['popularity', contents.popularity]] as const) {
    if (list && list.length !== n) throw new Error(`${name} has ${list.length} entries, expected one per item (${n})`);
  }
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(contents.tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) throw new Error(`${name} has ${t.values.length} values, shape [${t.shape}] needs ${size}`);
    const dtype = t.values instanceof Int32Array ? 'int32' : 'float32';
    if (t.float16 && dtype === 'float32') {
      specs.push({ name, shape: t.shape, dtype, quantization: { dtype: 'float16' } });
      parts.push(bytesOf(toFloat16(t.values as Float32Array)));
    } else {
      specs.push({ name, shape: t.shape, dtype });
      parts.push(bytesOf(t.values));
    }
  }
  const weights = Buffer.concat(parts);
  const vocabulary: Record<string, unknown> = { ids: contents.ids };
  if (contents.categories) vocabulary.categories = contents.categories;
  if (contents.popularity) vocabulary.popularity = contents.popularity;
  const items = Buffer.from(JSON.stringify(vocabulary));
  const file = (path: string, data: Uint8Array): ModelFile => ({ path, sha256: sha256(data), bytes: data.byteLength });
  const manifest: Manifest = {
    format: 'vitrine-model',
    formatVersion: FORMAT_VERSION,
    dim: embeddings.shape[1],
    itemCount: n,
    items: 'items.json',
    files: [file('items.json', items), file('weights.bin', weights)],
    weights: [{ paths: ['weights.bin'], weights: specs }],
    ...contents.extra,
  };
  const target = resolve(out);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), '.vitrine-'));
  try {
    await chmod(tmp, 0o755); // mkdtemp makes it private; a web server must be able to read the model
    await writeFile(join(tmp, 'items.json'), items);
    await writeFile(join(tmp, 'weights.bin'), weights);
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return manifest;
}
