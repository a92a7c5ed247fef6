import type { VitrineError } from '../types/index.js';
import { show } from './options.js';

/** The model format version this build writes (docs/model-format.md); it reads this one and version 1. */
export const FORMAT_VERSION = 2;

/** Refuse absurd models before allocating anything for them. */
export const LIMITS = { maxDim: 1024, maxItems: 5_000_000, maxFileBytes: 512 * 1024 * 1024 };

export interface ModelFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** One entry of a tfjs weights manifest (`tf.io.WeightsManifestEntry`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface Manifest {
  format: 'vitrine-model';
  formatVersion: number;
  /** Embedding size d. */
  dim: number;
  /** Number of items n (rows of `item_embeddings`). */
  itemCount: number;
  /** Path of the item vocabulary file. */
  items: string;
  files: ModelFile[];
  /** A tfjs weights manifest: shards and the tensors they hold, in order. */
  weights: WeightGroup[];
  /** Anything the trainer adds (scoring weights, training summary, metrics) is kept as is. */
  [extra: string]: unknown;
}

/** The item vocabulary: the shop's own ids in row order, with optional per-item data. */
export interface ItemVocabulary {
  ids: string[];
  /** Per item, its categories (possibly none). */
  categories?: string[][];
  /** Per item, its interaction count in the training log. */
  popularity?: number[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: VitrineError };

const invalid = (message: string): { ok: false; error: VitrineError } => ({
  ok: false,
  error: { code: 'model-invalid', message: `manifest.json: ${message}` },
});

const isCount = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) <= max;

// A model file is named relative to the manifest: no scheme, no parent folders, no absolute path.
const SAFE_PATH = /^(?!.*\.\.)(?![/\\])[\w][\w./-]*$/;

/** Validates a parsed manifest.json. Returns what is wrong as a value. */
export function parseManifest(json: unknown): Result<Manifest> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return invalid('expected a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== 'vitrine-model') return invalid(`format is ${show(m.format)}, expected "vitrine-model"`);
  if (m.formatVersion !== 1 && m.formatVersion !== FORMAT_VERSION) {
    return invalid(`formatVersion is ${show(m.formatVersion)}; this build of Vitrine reads versions 1 and ${FORMAT_VERSION}`);
  }
  if (!isCount(m.dim, LIMITS.maxDim)) return invalid(`dim is ${show(m.dim)}, expected an integer in 1..${LIMITS.maxDim}`);
  if (!isCount(m.itemCount, LIMITS.maxItems)) {
    return invalid(`itemCount is ${show(m.itemCount)}, expected an integer in 1..${LIMITS.maxItems}`);
  }
  if (!Array.isArray(m.files) || m.files.length === 0) return invalid('files must be a non-empty array');
  const files = new Map<string, ModelFile>();
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const file = f as Partial<ModelFile> | null;
    if (!file || typeof file.path !== 'string' || !SAFE_PATH.test(file.path)) {
      return invalid(`files[${i}].path is ${show(file?.path)}, expected a relative file name such as "weights.bin"`);
    }
    if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) {
      return invalid(`files[${i}].sha256 is ${show(file.sha256)}, expected 64 lowercase hex digits`);
    }
    if (!Number.isInteger(file.bytes) || (file.bytes as number) < 0 || (file.bytes as number) > LIMITS.maxFileBytes) {
      return invalid(`files[${i}].bytes is ${show(file.bytes)}, expected an integer in 0..${LIMITS.maxFileBytes}`);
    }
    files.set(file.path, { path: file.path, sha256: file.sha256, bytes: file.bytes as number });
  }
  if (typeof m.items !== 'string' || !files.has(m.items)) {
    return invalid(`items is ${show(m.items)}, expected the path of a file listed in files`);
  }
  if (!Array.isArray(m.weights) || m.weights.length === 0) return invalid('weights must be a non-empty tfjs weights manifest');
  let embeddings: WeightSpec | undefined;
  for (const [g, group] of (m.weights as WeightGroup[]).entries()) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return invalid(`weights[${g}] must have paths and weights arrays`);
    }
    for (const p of group.paths) {
      if (!files.has(p)) return invalid(`weights[${g}].paths names ${show(p)}, which is not listed in files`);
    }
    for (const w of group.weights) {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((s) => isCount(s, LIMITS.maxItems))) {
        return invalid(`weights[${g}] has an entry without a name and a shape of positive integers`);
      }
      if (w.dtype !== 'float32' && w.dtype !== 'int32') {
        return invalid(`weight ${show(w.name)} has dtype ${show(w.dtype)}, expected "float32" or "int32"`);
      }
      if (w.name === 'item_embeddings') embeddings = w;
    }
  }
  if (m.formatVersion === 1) {
    if (!embeddings) return invalid('weights must include "item_embeddings"');
    const [rows, cols] = embeddings.shape;
    if (embeddings.shape.length !== 2 || rows !== m.itemCount || cols !== m.dim) {
      return invalid(`item_embeddings has shape [${embeddings.shape.join(', ')}], expected [itemCount, dim] = [${m.itemCount}, ${m.dim}]`);
    }
  } else {
    if (embeddings) return invalid(`formatVersion is 2, but the weights hold item_embeddings, which a version 2 model keeps in its item rows`);
    const rows = checkRows(m.rows, m.dim as number, files);
    if (rows) return invalid(rows);
    if (typeof m.popular !== 'string' || !files.has(m.popular)) return invalid(`popular is ${show(m.popular)}, expected the path of a file listed in files`);
  }
  const optional = checkOptional(m);
  if (optional) return invalid(optional);
  return { ok: true, value: { ...(m as Manifest), files: [...files.values()] } };
}

/** The `rows` object of a version 2 model (src/lib/rows.ts), or what is wrong with it. */
function checkRows(r: unknown, dim: number, files: Map<string, ModelFile>): string | undefined {
  if (!isObject(r)) return `rows is ${show(r)}, expected an object describing the item rows`;
  if (r.dim !== dim) return `rows.dim is ${show(r.dim)}, expected dim (${dim})`;
  const ranges: [string, number, number][] = [['neighbours', 0, 1000], ['categories', 0, 1000], ['refBits', 1, 32], ['bucketRows', 1, 1024], ['fileBuckets', 1, 1 << 24], ['buckets', 2, 2 ** 31], ['seed', 0, 2 ** 32]];
  for (const [k, lo, hi] of ranges) {
    if (!(Number.isInteger(r[k]) && (r[k] as number) >= lo && (r[k] as number) <= hi)) return `rows.${k} is ${show(r[k])}, expected an integer in ${lo}..${hi}`;
  }
  if (!(typeof r.weightScale === 'number' && r.weightScale > 0)) return `rows.weightScale is ${show(r.weightScale)}, expected a positive number`;
  if (!Array.isArray(r.files) || r.files.length === 0) return 'rows.files must be a non-empty array of row files';
  for (const f of r.files) if (typeof f !== 'string' || !files.has(f)) return `rows.files names ${show(f)}, which is not listed in files`;
  const need = Math.ceil((r.buckets as number) / (r.fileBuckets as number));
  if (r.files.length !== need) return `rows.files lists ${r.files.length} files; ${r.buckets} buckets of ${r.fileBuckets} a file need ${need}`;
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const SCORING_KEYS = ['lstm', 'last', 'decay', 'repeat', 'repeatDecay', 'long', 'history', 'seen', 'page', 'category', 'halfLife', 'dislike', 'view', 'add_to_cart', 'purchase'];

/** The optional parts the engine reads: the session model's shape, the scoring blend, category names. */
function checkOptional(m: Record<string, unknown>): string | undefined {
  if (m.session !== undefined) {
    const s = m.session;
    if (!isObject(s)) return `session is ${show(s)}, expected an object { hidden, window, eventTypes }`;
    if (!isCount(s.hidden, 4096)) return `session.hidden is ${show(s.hidden)}, expected an integer in 1..4096`;
    if (s.window !== undefined && !isCount(s.window, 10_000)) return `session.window is ${show(s.window)}, expected an integer in 1..10000`;
    if (s.eventTypes !== undefined && !(Array.isArray(s.eventTypes) && s.eventTypes.every((t) => typeof t === 'string'))) {
      return `session.eventTypes is ${show(s.eventTypes)}, expected an array of event type names`;
    }
  }
  if (m.scoring !== undefined) {
    if (!isObject(m.scoring)) return `scoring is ${show(m.scoring)}, expected an object of blend weights`;
    for (const [k, v] of Object.entries(m.scoring)) {
      if (!SCORING_KEYS.includes(k)) return `scoring.${k} is not a blend weight; expected ${SCORING_KEYS.join(', ')}`;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `scoring.${k} is ${show(v)}, expected a finite number`;
    }
    const last = m.scoring.last;
    if (last !== undefined && !(Number.isInteger(last) && (last as number) >= 0 && (last as number) <= 1000)) {
      return `scoring.last is ${show(last)}, expected a whole number of session items in 0..1000`;
    }
    const repeatDecay = m.scoring.repeatDecay;
    if (repeatDecay !== undefined && !((repeatDecay as number) >= 0 && (repeatDecay as number) <= 1)) return `scoring.repeatDecay is ${show(repeatDecay)}, expected a number in 0..1`;
    const halfLife = m.scoring.halfLife;
    if (halfLife !== undefined && !((halfLife as number) > 0)) return `scoring.halfLife is ${show(halfLife)}, expected a positive number of days`;
  }
  if (m.categories !== undefined && !(Array.isArray(m.categories) && m.categories.every((c) => typeof c === 'string'))) {
    return `categories is ${show(m.categories)}, expected an array of category names`;
  }
  return undefined;
}

/** Validates the item vocabulary against the manifest. */
export function parseItems(json: unknown, manifest: Manifest): Result<ItemVocabulary> {
  const ids = (json as Partial<ItemVocabulary> | null)?.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    return { ok: false, error: { code: 'model-invalid', message: `${manifest.items}: expected { "ids": [item id strings] }` } };
  }
  if (ids.length !== manifest.itemCount) {
    return {
      ok: false,
      error: { code: 'model-invalid', message: `${manifest.items}: holds ${ids.length} ids, manifest.json says itemCount ${manifest.itemCount}` },
    };
  }
  const { categories, popularity } = json as ItemVocabulary;
  if (categories !== undefined && (!Array.isArray(categories) || categories.length !== ids.length || !categories.every((c) => Array.isArray(c) && c.every((x) => typeof x === 'string')))) {
    return { ok: false, error: { code: 'model-invalid', message: `${manifest.items}: categories must hold one array of category names per item` } };
  }
  if (popularity !== undefined && (!Array.isArray(popularity) || popularity.length !== ids.length || !popularity.every((p) => typeof p === 'number' && p >= 0))) {
    return { ok: false, error: { code: 'model-invalid', message: `${manifest.items}: popularity must hold one non-negative number per item` } };
  }
  return { ok: true, value: { ids, ...(categories && { categories }), ...(popularity && { popularity }) } };
}
