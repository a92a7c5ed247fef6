import * as tf from '@tensorflow/tfjs-core';
import type { FetchedModel } from './fetch-model.js';
import type { Manifest } from './manifest.js';
import type { NeighbourTable, ScoringWeights } from '../scoring/index.js';
import { decodeWeights, storedBytes, type DecodedWeight } from './weights.js';

export type { ScoringWeights };

/** The LSTM's weights, resident on the backend. */
export interface SessionWeights {
  K: tf.Tensor2D;
  b: tf.Tensor1D;
  T: tf.Tensor2D;
  P: tf.Tensor2D;
  hidden: number;
  window: number;
  /** The event types `T`'s rows stand for. */
  eventTypes: string[];
  /** The types training saw (the other rows are untrained); absent in older models: all. */
  trainedTypes?: string[];
}

/** A model ready to rank: tensors on the backend, small parts on the CPU. */
export interface Model {
  manifest: Manifest;
  ids: string[];
  index: Map<string, number>;
  n: number;
  d: number;
  /** [E; category vectors; a zero row]: one gather serves known items, cold-start items and unknown ones. */
  table: tf.Tensor2D;
  /** Item bias padded with zeros to `table`'s rows (zeros without a session model). */
  bias: tf.Tensor1D;
  zeroRow: number;
  categoryRow: Map<string, number>;
  categories?: string[][];
  popularity?: Float32Array;
  session?: SessionWeights;
  neighbours?: NeighbourTable;
  foldIn?: tf.Tensor2D;
  prototypes?: tf.Tensor2D;
  scoring: ScoringWeights;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Decodes the fetched files into tensors on the current backend (choose it first) and checks every
 * tensor's shape against the manifest; throws with the name and both shapes when one is wrong.
 * `pause` runs between weights (the script tag yields to the page there).
 */
export async function decodeModel(
  { manifest, items, shards }: FetchedModel,
  overrides: Partial<ScoringWeights> = {},
  pause: () => Promise<void> = async () => {},
): Promise<Model> {
  const specs = manifest.weights.flatMap((g) => g.weights);
  const n = manifest.itemCount;
  const d = manifest.dim;
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
    category_embeddings: [categoryNames.length, d],
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
  // [E; category vectors; a zero row] and the bias padded to match, laid out on the CPU: one upload each.
  const C = w.category_embeddings;
  const rows = n + (C ? categoryNames.length : 0) + 1;
  const tableValues = new Float32Array(rows * d);
  tableValues.set(w.item_embeddings!.values);
  if (C) tableValues.set(C.values, n * d);
  const biasValues = new Float32Array(rows);
  if (w.item_bias) biasValues.set(w.item_bias.values);
  const hasSession = Boolean(session && w.lstm_kernel && w.lstm_bias && w.projection && w.type_embeddings && w.item_bias);
  const nb = w.neighbour_ids && w.neighbour_weights;
  // A model without tuned weights (an import) ranks by its embeddings alone unless the page says otherwise.
  const scoring = { lstm: 0, last: 3, decay: 0.5, repeat: 0, ...(manifest.scoring as object) } as ScoringWeights;
  // The trainer tunes `long`; a model without it (an import, an older export) leans on it alone when it
  // has no session model, and gives it a small say beside one.
  scoring.long ??= hasSession ? 0.05 : 1;
  scoring.page ??= 0.05;
  scoring.category ??= 0;
  if (!hasSession) scoring.lstm = 0;
  const made: tf.Tensor[] = [];
  const upload = <T extends tf.Tensor>(x: DecodedWeight | undefined): T | undefined => {
    if (!x) return undefined;
    const t = tf.tensor(x.values, x.shape, x.dtype) as T;
    made.push(t);
    return t;
  };
  try {
    const table = upload<tf.Tensor2D>({ name: 'table', shape: [rows, d], dtype: 'float32', values: tableValues })!;
    const bias = upload<tf.Tensor1D>({ name: 'bias', shape: [rows], dtype: 'float32', values: biasValues })!;
    return {
      manifest,
      ids: items.ids,
      index: new Map(items.ids.map((id, i) => [id, i])),
      n,
      d,
      table,
      bias,
      zeroRow: rows - 1,
      categoryRow: new Map(C ? categoryNames.map((c, i) => [c, n + i]) : []),
      categories: items.categories,
      popularity: items.popularity && Float32Array.from(items.popularity),
      session: hasSession
        ? {
            K: upload(w.lstm_kernel)!,
            b: upload(w.lstm_bias)!,
            T: upload(w.type_embeddings)!,
            P: upload(w.projection)!,
            hidden: h,
            window: session!.window ?? 20,
            eventTypes: session!.eventTypes ?? [],
            ...(Array.isArray(session!.trainedTypes) && { trainedTypes: session!.trainedTypes }),
          }
        : undefined,
      neighbours: nb && { ids: Int32Array.from(w.neighbour_ids!.values), weights: Float32Array.from(w.neighbour_weights!.values), top: w.neighbour_ids!.shape[1] },
      foldIn: upload(w.fold_in),
      prototypes: upload(w.user_prototypes),
      scoring: { ...scoring, ...overrides },
    };
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}

/** Frees every tensor of a model. */
export function disposeModel(m: Model): void {
  tf.dispose([m.table, m.bias, m.foldIn, m.prototypes, m.session?.K, m.session?.b, m.session?.T, m.session?.P].filter((t) => t !== undefined) as tf.Tensor[]);
}
