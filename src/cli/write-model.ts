import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FORMAT_VERSION, type Manifest, type ModelFile, type WeightSpec } from '../lib/manifest.js';
import { rowBytes, slotAt, type RowsInfo } from '../lib/rows.js';
import { encodeRows } from './write-rows.js';
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

/** Tensors with one row per item: written as item rows, not in the core. */
const PER_ITEM = new Set(['item_embeddings', 'item_bias', 'neighbour_ids', 'neighbour_weights']);

/** Items in the popular file: the most popular items' rows, which every visitor may fetch alike. */
export const POPULAR_ITEMS = 200;

/** The `k` most popular items (ties to the lower index): the popular file's, in its order. */
export function popularItems(popularity: ArrayLike<number>, k: number): Int32Array {
  const order = Array.from({ length: popularity.length }, (_, i) => i);
  order.sort((a, b) => popularity[b] - popularity[a] || a - b);
  return Int32Array.from(order.slice(0, k));
}

/**
 * The popular file: u32 count, u32 row bytes, then per item (most popular first) u32 slot, its row, u16
 * id length and the id in UTF-8.
 */
function popularFile(info: RowsInfo, files: Uint8Array[], ids: readonly string[], slotOf: Int32Array, popularity?: readonly number[]): Uint8Array {
  const chosen = Array.from(popularItems(popularity ?? new Array<number>(ids.length).fill(0), POPULAR_ITEMS));
  const R = rowBytes(info);
  const enc = new TextEncoder();
  const names = chosen.map((i) => enc.encode(ids[i]));
  const out = new Uint8Array(8 + chosen.reduce((s, _, k) => s + 4 + R + 2 + names[k].length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, chosen.length, true);
  view.setUint32(4, R, true);
  let p = 8;
  chosen.forEach((i, k) => {
    const { file, at } = slotAt(info, slotOf[i]);
    view.setUint32(p, slotOf[i], true);
    out.set(files[file].subarray(at, at + R), p + 4);
    view.setUint16(p + 4 + R, names[k].length, true);
    out.set(names[k], p + 6 + R);
    p += 6 + R + names[k].length;
  });
  return out;
}

/** Affine 8-bit quantization of a tensor, as tfjs's weights format reads it back. */
function toUint8(values: Float32Array): { bytes: Uint8Array; scale: number; min: number } {
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  // float32 as the manifest's JSON carries them exactly back.
  const scale = Math.fround((max - min) / 255 || 1);
  min = Math.fround(min);
  return { bytes: Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round((v - min) / scale)))), scale, min };
}

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
  const data = new Map<string, Uint8Array>();
  const file = (stem: string, ext: string, bytes: Uint8Array): ModelFile => {
    const hash = sha256(bytes);
    const path = `${stem}-${hash.slice(0, 16)}.${ext}`;
    data.set(path, bytes);
    return { path, sha256: hash, bytes: bytes.byteLength };
  };
  const t = contents.tensors;
  for (const [name, x] of Object.entries(t)) {
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (size !== x.values.length) throw new Error(`${name} has ${x.values.length} values, shape [${x.shape}] needs ${size}`);
  }
  const d = embeddings.shape[1];
  // Category names: the rows of category_embeddings first, then any other category an item names.
  const names = [...((contents.extra?.categories as string[] | undefined) ?? [])];
  const nameIndex = new Map(names.map((c, i) => [c, i]));
  const itemCategories = contents.categories?.map((cs) =>
    cs.map((c) => nameIndex.get(c) ?? (nameIndex.set(c, names.length), names.push(c), names.length - 1)),
  );
  const nb = t.neighbour_ids && t.neighbour_weights && { ids: t.neighbour_ids.values as Int32Array, weights: t.neighbour_weights.values as Float32Array, top: t.neighbour_ids.shape[1] };
  const rows = encodeRows(
    { ids: contents.ids, dim: d, embeddings: embeddings.values as Float32Array, bias: t.item_bias?.values as Float32Array | undefined, popularity: contents.popularity, categories: itemCategories, neighbours: nb },
    names.length,
  );
  const rowFiles = rows.files.map((bytes) => file('rows', 'bin', bytes));
  const rowsInfo: RowsInfo = { ...rows.info, files: rowFiles.map((f) => f.path) };

  // The core: every tensor whose size does not depend on the catalog.
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, x] of Object.entries(t)) {
    if (PER_ITEM.has(name)) continue;
    const dtype = x.values instanceof Int32Array ? 'int32' : 'float32';
    if (x.float16 && dtype === 'float32') {
      // 8 bits (tfjs's affine uint8: value = q · scale + min) for the large matrices, as the item rows.
      const q = toUint8(x.values as Float32Array);
      specs.push({ name, shape: x.shape, dtype, quantization: { dtype: 'uint8', scale: q.scale, min: q.min } });
      parts.push(q.bytes);
    } else {
      specs.push({ name, shape: x.shape, dtype });
      parts.push(bytesOf(x.values));
    }
  }
  const vocabulary: Record<string, unknown> = { ids: contents.ids };
  if (contents.categories) vocabulary.categories = contents.categories;
  if (contents.popularity) vocabulary.popularity = contents.popularity;
  const items = file('items', 'json', Buffer.from(JSON.stringify(vocabulary)));
  const core = file('core', 'bin', Buffer.concat(parts));
  const popular = file('popular', 'bin', popularFile(rowsInfo, rows.files, contents.ids, rows.slotOf, contents.popularity));
  const manifest: Manifest = {
    format: 'vitrine-model',
    formatVersion: FORMAT_VERSION,
    dim: d,
    itemCount: n,
    items: items.path,
    files: [core, popular, items, ...rowFiles],
    weights: [{ paths: [core.path], weights: specs }],
    rows: rowsInfo,
    popular: popular.path,
    ...contents.extra,
    ...(names.length > 0 && { categories: names }),
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
