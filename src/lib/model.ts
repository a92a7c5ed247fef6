import * as tf from '@tensorflow/tfjs-core';
import type { FetchedModel } from './fetch-model.js';
import type { Manifest } from './manifest.js';
import type { NeighbourTable } from './rerank.js';

/** How the parts of a score are mixed (docs/model-format.md, Scoring). */
export interface ScoringWeights {
  /** Session model log-probability. */
  lstm: number;
  /** How many of the session's last items vote with their neighbours. */
  last: number;
  /** Per step back in the session. */
  decay: number;
  /** Bonus for items the session already holds. */
  repeat: number;
  /** Long-term profile: u · E. */
  long: number;
  /** The page's own order: −page · log₂(1 + position). */
  page: number;
  /** Affinity to the categories of what the visitor chose (the content-based part). */
  category: number;
}

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

const BYTES = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1 } as const;

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Decodes the fetched files into tensors on the current backend (choose it first) and checks every
 * tensor's shape against the manifest; throws with the name and both shapes when one is wrong.
 */
export function decodeModel({ manifest, items, shards }: FetchedModel, overrides: Partial<ScoringWeights> = {}): Model {
  const specs = manifest.weights.flatMap((g) => g.weights);
  const n = manifest.itemCount;
  const d = manifest.dim;
  const session = manifest.session as { hidden?: number; window?: number; eventTypes?: string[] } | undefined;
  const h = session?.hidden ?? 0;
  const categoryNames = Array.isArray(manifest.categories) ? (manifest.categories as string[]) : [];
  const expected: Record<string, number[]> = {
    item_embeddings: [n, d],
    item_bias: [n],
    lstm_kernel: [d + h, 4 * h],
    lstm_bias: [4 * h],
    projection: [h, d],
    fold_in: [d, d],
    category_embeddings: [categoryNames.length, d],
  };
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
  const need = specs.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * BYTES[w.quantization?.dtype ?? w.dtype], 0);
  const have = shards.reduce((sum, b) => sum + b.byteLength, 0);
  if (need !== have) throw new Error(`the weights manifest describes ${need} bytes, the shards hold ${have}`);
  const named = tf.io.decodeWeights(shards, specs);
  try {
    const take = <T extends tf.Tensor>(name: string) => named[name] as T | undefined;
    const E = take<tf.Tensor2D>('item_embeddings')!;
    const C = take<tf.Tensor2D>('category_embeddings');
    const rows = n + (C ? categoryNames.length : 0) + 1;
    const table = tf.tidy(() => tf.concat([E, ...(C ? [C] : []), tf.zeros([1, d])]) as tf.Tensor2D);
    const itemBias = take<tf.Tensor1D>('item_bias');
    const bias = tf.tidy(() => (itemBias ? tf.concat([itemBias, tf.zeros([rows - n])]) : tf.zeros([rows])) as tf.Tensor1D);
    const K = take<tf.Tensor2D>('lstm_kernel');
    const b = take<tf.Tensor1D>('lstm_bias');
    const P = take<tf.Tensor2D>('projection');
    const T = take<tf.Tensor2D>('type_embeddings');
    const hasSession = Boolean(session && K && b && P && T && itemBias);
    const nbIds = take('neighbour_ids');
    const nbWeights = take('neighbour_weights');
    const neighbours =
      nbIds && nbWeights ? { ids: nbIds.dataSync() as Int32Array, weights: nbWeights.dataSync() as Float32Array, top: nbIds.shape[1]! } : undefined;
    // A model without tuned weights (an import) ranks by its embeddings alone unless the page says otherwise.
    const scoring = { lstm: 0, last: 3, decay: 0.5, repeat: 0, ...(manifest.scoring as object) } as ScoringWeights;
    // The trainer tunes `long`; a model without it (an import, an older export) leans on it alone when it
    // has no session model, and gives it a small say beside one.
    scoring.long ??= hasSession ? 0.05 : 1;
    scoring.page ??= 0.05;
    scoring.category ??= 0;
    if (!hasSession) scoring.lstm = 0;
    const foldIn = take<tf.Tensor2D>('fold_in');
    const prototypes = take<tf.Tensor2D>('user_prototypes');
    // Everything else was copied into `table`, `bias` or CPU arrays.
    const kept = new Set<tf.Tensor | undefined>([foldIn, prototypes, ...(hasSession ? [K, b, P, T] : [])]);
    for (const t of Object.values(named)) if (!kept.has(t)) t.dispose();
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
      session: hasSession ? { K: K!, b: b!, T: T!, P: P!, hidden: h, window: session!.window ?? 20, eventTypes: session!.eventTypes ?? [] } : undefined,
      neighbours,
      foldIn,
      prototypes,
      scoring: { ...scoring, ...overrides },
    };
  } catch (e) {
    tf.dispose(Object.values(named));
    throw e;
  }
}

/** Frees every tensor of a model. */
export function disposeModel(m: Model): void {
  tf.dispose([m.table, m.bias, m.foldIn, m.prototypes, m.session?.K, m.session?.b, m.session?.T, m.session?.P].filter((t) => t !== undefined) as tf.Tensor[]);
}
