import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FORMAT_VERSION, type Manifest, type ModelFile, type WeightSpec } from '../lib/manifest.js';
import { toFloat16 } from './float16.js';
import { checkModelDir, modelManifest } from './output-dir.js';

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

/** A step of the write, named for tests that stop it there as a crash would. */
export type WriteStep = 'files' | 'manifest' | 'swap' | 'cleanup';

/** Writes `data` to `path` and flushes it to the disk before returning. */
async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    await fh.sync().finally(() => fh.close());
  } catch {
    // Not every platform can fsync a directory (Windows); the rename is still atomic there.
  }
}

/** The files a model directory's manifest lists (plain names in the directory only), if it has one. */
async function listedFiles(dir: string): Promise<string[]> {
  const files = (await modelManifest(dir))?.files;
  return Array.isArray(files) ? files.map((f: { path?: unknown }) => f?.path).filter((p: unknown): p is string => typeof p === 'string' && basename(p) === p) : [];
}

/**
 * Writes a model directory (docs/model-format.md). Refuses a path that is not absent, empty or a model
 * directory (checkModelDir). The data files are content-addressed (their names carry their hash), so the
 * new ones are written beside the old; then manifest.json is replaced by a rename, which is atomic: a crash
 * at any point leaves the old model or the new one, whole. Files only the old manifest listed are removed
 * last. `step` is called before each step (tests stop the write there).
 */
export async function writeModel(out: string, contents: ModelContents, step: (s: WriteStep) => void = () => {}): Promise<Manifest> {
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
  const vocabulary: Record<string, unknown> = { ids: contents.ids };
  if (contents.categories) vocabulary.categories = contents.categories;
  if (contents.popularity) vocabulary.popularity = contents.popularity;
  const data = new Map<string, Uint8Array>();
  const file = (stem: string, ext: string, bytes: Uint8Array): ModelFile => {
    const hash = sha256(bytes);
    const path = `${stem}-${hash.slice(0, 16)}.${ext}`;
    data.set(path, bytes);
    return { path, sha256: hash, bytes: bytes.byteLength };
  };
  const items = file('items', 'json', Buffer.from(JSON.stringify(vocabulary)));
  const weights = file('weights', 'bin', Buffer.concat(parts));
  const manifest: Manifest = {
    format: 'vitrine-model',
    formatVersion: FORMAT_VERSION,
    dim: embeddings.shape[1],
    itemCount: n,
    items: items.path,
    files: [items, weights],
    weights: [{ paths: [weights.path], weights: specs }],
    ...contents.extra,
  };

  await checkModelDir(out);
  const target = resolve(out);
  await mkdir(target, { recursive: true });
  const old = await listedFiles(target);
  step('files');
  for (const [path, bytes] of data) await writeDurably(join(target, path), bytes);
  step('manifest');
  const tmp = join(target, `.manifest-${process.pid}-${Date.now()}.json`);
  await writeDurably(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  step('swap');
  await rename(tmp, join(target, 'manifest.json'));
  await syncDir(target);
  step('cleanup');
  for (const path of old) if (!data.has(path)) await rm(join(target, path), { force: true });
  return manifest;
}
