import * as tf from '@tensorflow/tfjs-core';
import type { FetchedModel } from './fetch-model.js';
import type { ItemVocabulary, Manifest } from './manifest.js';
import type { Row } from './rows.js';
import type { NeighbourTable, ScoringWeights } from '../scoring/index.js';
import { decodeWeights, storedBytes, type DecodedWeight } from './weights.js';

export type { ScoringWeights };

/** The LSTM's weights (row-major Float32Arrays; the engine steps it in plain loops, see scoring/vectors.ts). */
export interface SessionWeights {
  /** Kernel ((d+h)×4h), bias (4h), type embeddings (types×d), projection (h×d). */
  K: Float32Array;
  b: Float32Array;
  T: Float32Array;
  P: Float32Array;
  hidden: number;
  window: number;
  /** The event types `T`'s rows stand for. */
  eventTypes: string[];
  /** The types training saw (the other rows are untrained); absent in older models: all. */
  trainedTypes?: string[];
}

/** An item's row as the engine holds it: a version 1 model's rows have their item index as slot. */
export interface HeldRow {
  id: string;
  row: Row;
}

/**
 * A model ready to rank, on the CPU: everything but the table's copy on the backend, which is made when a
 * candidate set is large enough for tfjs to pay (`deviceTable`).
 */
export interface Model {
  manifest: Manifest;
  d: number;
  /**
   * The items held (a version 1 model: all of them; version 2: the rows fetched so far, in the order they
   * came): their ids, rows and per-item parts. Rows are only ever appended.
   */
  ids: string[];
  index: Map<string, number>;
  n: number;
  /** [E of the held items; zeros; category vectors; a zero row] (rows × d): one row number serves known, cold-start and unknown items. */
  vectors: Float32Array;
  /** Item bias padded with zeros to `vectors`' rows (zeros without a session model). */
  biases: Float32Array;
  /** `vectors` and `biases` × the session model's weight on the backend, of `version`: made by `deviceTable`. */
  device?: { version: number; table: tf.Tensor2D; bias: tf.Tensor1D };
  zeroRow: number;
  categoryRow: Map<string, number>;
  categories?: string[][];
  popularity?: Float32Array;
  /** The held items' neighbours, as held rows (a neighbour not held is left out: it is not a candidate). */
  neighbours?: NeighbourTable;
  session?: SessionWeights;
  /** The fold-in map F (d×d) and the user prototypes (k×d). */
  foldIn?: Float32Array;
  prototypes?: Float32Array;
  scoring: ScoringWeights;
  /** Whether the rows held are part of the catalog only (version 2). */
  partial: boolean;
  /** Bumped whenever rows are added (caches keyed on the table check it). */
  version: number;
  /** The CPU side of the held rows, to rebuild the tensors from. */
  held: HeldState;
}

interface HeldState {
  rows: Row[];
  rowOfSlot: Map<number, number>;
  categoryNames: string[];
  categoryVectors?: Float32Array;
  hasBias: boolean;
  hasPopularity: boolean;
  hasCategories: boolean;
  top: number;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Decodes the fetched files and checks every weight's shape against the manifest; throws with the name
 * and both shapes when one is wrong.
 * `pause` runs between weights (the script tag yields to the page there). A version 1 model holds all its
 * items at once; a version 2 model starts with none (`holdRows` adds them as pages need them).
 */
export async function decodeModel(
  { manifest, items, shards }: FetchedModel,
  overrides: Partial<ScoringWeights> = {},
  pause: () => Promise<void> = async () => {},
): Promise<Model> {
  const specs = manifest.weights.flatMap((g) => g.weights);
  const n = manifest.itemCount;
  const d = manifest.dim;
  const v1 = manifest.formatVersion === 1;
  const session = manifest.session as { hidden?: number; window?: number; eventTypes?: string[]; trainedTypes?: string[] } | undefined;
  const h = session?.hidden ?? 0;
  const categoryNames = Array.isArray(manifest.categories) ? (manifest.categories as string[]) : [];
  // Keyed by the model's weight names: prototype-free, so a name such as "constructor" is no lookup.
  const expected: Record<string, number[]> = Object.assign(Object.create(null), {
    item_embeddings: [n, d],
    item_bias: [n],
    lstm_kernel: [d + h, 4 * h],
    lstm_bias: [4 * h],
    projection: [h, d],
    fold_in: [d, d],
  });
  for (const spec of specs) {
    const want = expected[spec.name];
    if (want && !same(spec.shape, want)) throw new Error(`${spec.name} has shape [${spec.shape}], expected [${want}]`);
    if (spec.name === 'neighbour_ids' || spec.name === 'neighbour_weights') {
      if (spec.shape.length !== 2 || spec.shape[0] !== n) throw new Error(`${spec.name} has shape [${spec.shape}], expected [${n}, N]`);
    }
    if ((spec.name === 'type_embeddings' || spec.name === 'user_prototypes') && (spec.shape.length !== 2 || spec.shape[1] !== d)) {
      throw new Error(`${spec.name} has shape [${spec.shape}], expected [k, ${d}]`);
    }
    // Category vectors for the first names (a version 2 model may name more categories than have vectors).
    if (spec.name === 'category_embeddings' && (spec.shape.length !== 2 || spec.shape[1] !== d || spec.shape[0] > categoryNames.length || (v1 && spec.shape[0] !== categoryNames.length))) {
      throw new Error(`${spec.name} has shape [${spec.shape}], expected [${categoryNames.length}, ${d}]`);
    }
  }
  // The shards must hold exactly what the specs describe; checked before anything is allocated.
  const need = specs.reduce((sum, w) => sum + storedBytes(w), 0);
  const have = shards.reduce((sum, b) => sum + b.byteLength, 0);
  if (need !== have) throw new Error(`the weights manifest describes ${need} bytes, the shards hold ${have}`);
  const w: Record<string, DecodedWeight> = Object.create(null);
  for (const weight of decodeWeights(shards, specs)) {
    w[weight.name] = weight;
    await pause();
  }
  const hasSession = Boolean(session && w.lstm_kernel && w.lstm_bias && w.projection && w.type_embeddings && (w.item_bias || !v1));
  // A model without tuned weights (an import) ranks by its embeddings alone unless the page says otherwise.
  const scoring = { lstm: 0, last: 3, decay: 0.5, repeat: 0, ...(manifest.scoring as object) } as ScoringWeights;
  // The trainer tunes `long`; a model without it (an import, an older export) leans on it alone when it
  // has no session model, and gives it a small say beside one.
  scoring.long ??= hasSession ? 0.05 : 1;
  scoring.page ??= 0.05;
  scoring.category ??= 0;
  if (!hasSession) scoring.lstm = 0;
  const rows = (manifest.rows ?? {}) as { neighbours?: number; categories?: number };
  const held: HeldState = {
    rows: [],
    rowOfSlot: new Map(),
    categoryNames: [...categoryNames],
    categoryVectors: w.category_embeddings?.values as Float32Array | undefined,
    hasBias: v1 ? Boolean(w.item_bias) : hasSession,
    hasPopularity: v1 ? Boolean(items?.popularity) : true,
    hasCategories: v1 ? Boolean(items?.categories) : categoryNames.length > 0,
    top: v1 ? (w.neighbour_ids?.shape[1] ?? 0) : (rows.neighbours ?? 0),
  };
  const values = (x: DecodedWeight | undefined) => x?.values as Float32Array | undefined;
  const model: Model = {
    manifest,
    d,
    ids: [],
    index: new Map(),
    n: 0,
    vectors: new Float32Array(0),
    biases: new Float32Array(0),
    zeroRow: 0,
    categoryRow: new Map(),
    session: hasSession
      ? {
          K: values(w.lstm_kernel)!,
          b: values(w.lstm_bias)!,
          T: values(w.type_embeddings)!,
          P: values(w.projection)!,
          hidden: h,
          window: session!.window ?? 20,
          eventTypes: session!.eventTypes ?? [],
          ...(Array.isArray(session!.trainedTypes) && { trainedTypes: session!.trainedTypes }),
        }
      : undefined,
    foldIn: values(w.fold_in),
    prototypes: values(w.user_prototypes),
    scoring: { ...scoring, ...overrides },
    partial: !v1,
    version: 0,
    held,
  };
  holdRows(model, v1 ? v1Rows(items!, w, held.categoryNames, d) : []);
  return model;
}

/** A version 1 model's items as rows: the slot of an item is its index. Extends `names` with categories that have no vector. */
function v1Rows(items: ItemVocabulary, w: Record<string, DecodedWeight>, names: string[], d: number): HeldRow[] {
  const E = w.item_embeddings!.values as Float32Array;
  const bias = w.item_bias?.values as Float32Array | undefined;
  const nbIds = w.neighbour_ids?.values;
  const nbWeights = w.neighbour_weights?.values;
  const top = w.neighbour_ids?.shape[1] ?? 0;
  const index = new Map(names.map((c, i) => [c, i]));
  const categoryOf = (c: string) => index.get(c) ?? (index.set(c, names.length), names.push(c), names.length - 1);
  return items.ids.map((id, i) => {
    const neighbours: number[] = [];
    const neighbourWeights: number[] = [];
    for (let j = 0; j < top && nbIds![i * top + j] >= 0; j++) {
      neighbours.push(nbIds![i * top + j]);
      neighbourWeights.push(nbWeights![i * top + j]);
    }
    const categories = (items.categories?.[i] ?? []).map(categoryOf);
    return { id, row: { slot: i, embedding: E.subarray(i * d, (i + 1) * d), bias: bias?.[i] ?? 0, popularity: items.popularity?.[i] ?? 0, categories, neighbours, neighbourWeights } };
  });
}

/**
 * Adds rows to the held items (ids held already are skipped) and rebuilds what depends on them: the
 * vectors, the biases and the neighbour table in held rows.
 */
export function holdRows(m: Model, rows: readonly HeldRow[]): void {
  const h = m.held;
  const fresh = rows.filter((r) => !m.index.has(r.id) && !h.rowOfSlot.has(r.row.slot));
  if (fresh.length === 0 && m.vectors.length > 0) return;
  for (const r of fresh) {
    m.index.set(r.id, m.ids.length);
    h.rowOfSlot.set(r.row.slot, m.ids.length);
    m.ids.push(r.id);
    h.rows.push(r.row);
  }
  const n = (m.n = m.ids.length);
  const d = m.d;
  const vectors = h.categoryVectors ? h.categoryVectors.length / d : 0;
  // A model whose rows come page by page grows its table in powers of two (at least 1024 rows, zeros
  // between the items and the category vectors): on WebGL a table of a new shape would compile new
  // shaders, and a page's new rows cost no new array most of the time.
  const total = m.partial ? Math.max(1024, 2 ** Math.ceil(Math.log2(n + vectors + 1))) : n + vectors + 1;
  const table = new Float32Array(total * d);
  const bias = new Float32Array(total);
  h.rows.forEach((r, i) => {
    table.set(r.embedding, i * d);
    bias[i] = h.hasBias ? r.bias : 0;
  });
  const first = total - 1 - vectors;
  if (h.categoryVectors) table.set(h.categoryVectors, first * d);
  m.categoryRow = new Map(h.categoryNames.slice(0, vectors).map((c, i) => [c, first + i]));
  m.zeroRow = total - 1;
  m.categories = h.hasCategories ? h.rows.map((r) => r.categories.map((c) => h.categoryNames[c])) : undefined;
  const popularity = h.hasPopularity ? new Float32Array(n) : undefined;
  if (popularity) for (let i = 0; i < n; i++) popularity[i] = h.rows[i].popularity;
  m.popularity = popularity;
  if (h.top > 0) {
    const ids = new Int32Array(n * h.top).fill(-1);
    const weights = new Float32Array(n * h.top);
    h.rows.forEach((r, i) => {
      let k = 0;
      r.neighbours.forEach((slot, j) => {
        const row = h.rowOfSlot.get(slot);
        if (row === undefined) return;
        ids[i * h.top + k] = row;
        weights[i * h.top + k++] = r.neighbourWeights[j];
      });
    });
    m.neighbours = { ids, weights, top: h.top };
  }
  m.vectors = table;
  m.biases = bias;
  m.version++;
}

/** The table and the session-weighted biases on the backend, made (or remade) for the rows held now. */
export function deviceTable(m: Model): { table: tf.Tensor2D; bias: tf.Tensor1D } {
  if (m.device?.version !== m.version) {
    if (m.device) tf.dispose([m.device.table, m.device.bias]);
    const lstm = m.scoring.lstm;
    m.device = {
      version: m.version,
      table: tf.keep(tf.tensor2d(m.vectors, [m.vectors.length / m.d, m.d])),
      bias: tf.keep(tf.tensor1d(m.biases.map((b) => b * lstm))),
    };
  }
  return m.device;
}

/** Frees the model's tensors (its table on the backend, if one was made). */
export function disposeModel(m: Model): void {
  if (m.device) tf.dispose([m.device.table, m.device.bias]);
  m.device = undefined;
}
