import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { writeModel, type ExportTensor } from '../cli/write-model.js';
import { fileFetch } from '../cli/file-fetch.js';
import { checkFile, fetchModel } from '../lib/fetch-model.js';
import type { Manifest } from '../lib/manifest.js';
import { decodeWeights } from '../lib/weights.js';
import { parseItems, type ItemVocabulary } from '../lib/manifest.js';
import type { RowsInfo } from '../lib/rows.js';
import { readRow } from '../cli/write-rows.js';
import { readFile } from 'node:fs/promises';
import type { NeighbourTable, SessionTypes } from '../scoring/index.js';
import { InputError, EVENT_TYPES } from './data.js';
import type { Neighbours } from './baselines.js';
import { neighbourTable, type BlendWeights, type ModelParts } from './blend.js';
import type { SessionWeights } from './session-model.js';

/** Neighbours kept per item in the exported model. */
export const EXPORT_NEIGHBOURS = 30;

export interface TrainedModel {
  ids: string[];
  categories?: string[][];
  popularity: Float32Array;
  session: SessionWeights;
  /** The event types the training log held (the rows of the type embeddings that learned something). */
  trainedTypes: string[];
  /** Neighbour lists, already cut to what is exported. */
  neighbours: Neighbours;
  blend: BlendWeights;
  foldIn: Float32Array;
  prototypes: Float32Array;
  categoryNames?: string[];
  categoryVectors?: Float32Array;
}

/** What a model directory holds: a trained model has everything; an imported one may hold embeddings only. */
export interface LoadedModel {
  ids: string[];
  categories?: string[][];
  popularity?: Float32Array;
  dim: number;
  itemEmbeddings: Float32Array;
  session?: SessionWeights & { window: number };
  /** The neighbours as the n×N table the browser reads. */
  neighbourTable?: NeighbourTable;
  blend?: BlendWeights;
  /** The fold-in matrix M (d×d), when the model has one. */
  foldIn?: Float32Array;
  prototypes?: Float32Array;
  /** The session model's event types, as the browser reads them from the manifest. */
  types?: SessionTypes;
}

/** The parts of a loaded trained model the scoring core ranks with (blendScorer), E u on `product` when given. */
export function modelParts(m: LoadedModel, product?: (u: Float32Array) => Float32Array, categories?: ModelParts['categories']): ModelParts {
  return {
    halfLife: m.blend?.halfLife,
    n: m.ids.length,
    neighbours: m.neighbourTable ?? { ids: new Int32Array(0), weights: new Float32Array(0), top: 0 },
    long: m.foldIn && { E: m.itemEmbeddings, M: m.foldIn, d: m.dim, prototypes: m.prototypes, product },
    categories,
    session: m.types ?? { eventTypes: [...EVENT_TYPES], window: m.session?.window ?? 20 },
  };
}

/** Writes the model directory; float tensors that are large are stored as float16. */
export async function exportModel(out: string, m: TrainedModel, extra: Record<string, unknown>): Promise<Manifest> {
  const { dim: d, hidden: h, itemCount: n } = m.session;
  const nb = neighbourTable(m.neighbours, EXPORT_NEIGHBOURS);
  const tensors: Record<string, ExportTensor> = {
    item_embeddings: { values: m.session.item_embeddings, shape: [n, d], float16: true },
    item_bias: { values: m.session.item_bias, shape: [n], float16: true },
    type_embeddings: { values: m.session.type_embeddings, shape: [EVENT_TYPES.length, d] },
    lstm_kernel: { values: m.session.lstm_kernel, shape: [d + h, 4 * h], float16: true },
    lstm_bias: { values: m.session.lstm_bias, shape: [4 * h] },
    projection: { values: m.session.projection, shape: [h, d], float16: true },
    neighbour_ids: { values: nb.ids, shape: [n, EXPORT_NEIGHBOURS] },
    neighbour_weights: { values: nb.weights, shape: [n, EXPORT_NEIGHBOURS], float16: true },
    fold_in: { values: m.foldIn, shape: [d, d] },
    user_prototypes: { values: m.prototypes, shape: [m.prototypes.length / d, d] },
  };
  if (m.categoryNames && m.categoryVectors) {
    tensors.category_embeddings = { values: m.categoryVectors, shape: [m.categoryNames.length, d] };
  }
  return writeModel(out, {
    ids: m.ids,
    categories: m.categories,
    popularity: Array.from(m.popularity),
    tensors,
    extra: {
      session: { hidden: h, window: extra.window, forgetBias: 1, cell: 'tf.basicLSTMCell', eventTypes: EVENT_TYPES, trainedTypes: m.trainedTypes },
      scoring: m.blend,
      ...(m.categoryNames && { categories: m.categoryNames }),
      ...extra,
    },
  });
}

/** Reads a file the manifest lists and checks it against its size and sha256. */
async function readListed(dir: string, manifest: Manifest, path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(join(dir, path)));
  const wrong = await checkFile(manifest.files.find((f) => f.path === path)!, bytes);
  if (wrong) throw new InputError(join(dir, path), 0, 0, wrong);
  return bytes;
}

/**
 * A version 2 model's items: the vocabulary file for their ids, every row looked up as the browser looks
 * it up (windowOf, findRow), into the per-item tensors a version 1 model holds (`named` gets them).
 */
async function readRowsOf(dir: string, manifest: Manifest, named: Map<string, Float32Array | Int32Array>): Promise<ItemVocabulary> {
  const vocabulary = parseItems(JSON.parse(new TextDecoder().decode(await readListed(dir, manifest, manifest.items))), manifest);
  if (!vocabulary.ok) throw new InputError(join(dir, manifest.items), 0, 0, vocabulary.error.message);
  const info = manifest.rows as RowsInfo;
  const files = await Promise.all(info.files.map((f) => readListed(dir, manifest, f)));
  const { ids } = vocabulary.value;
  const [n, d, top] = [ids.length, manifest.dim, info.neighbours];
  const E = new Float32Array(n * d);
  const bias = new Float32Array(n);
  const popularity: number[] = [];
  const names = (manifest.categories as string[] | undefined) ?? [];
  const categories: string[][] = [];
  // One row at a time (a row object per item, kept, would cost more than the arrays it fills); the
  // neighbours are slots until every item's slot is known.
  const nbIds = new Int32Array(n * top).fill(-1);
  const nbWeights = new Float32Array(n * top);
  const itemOfSlot = new Map<number, number>();
  ids.forEach((id, i) => {
    const r = readRow(info, files, id);
    itemOfSlot.set(r.slot, i);
    E.set(r.embedding, i * d);
    bias[i] = r.bias;
    popularity.push(r.popularity);
    if (names.length > 0) categories.push(r.categories.map((c) => names[c]));
    r.neighbours.forEach((slot, j) => {
      nbIds[i * top + j] = slot;
      nbWeights[i * top + j] = r.neighbourWeights[j];
    });
  });
  for (let k = 0; k < nbIds.length; k++) if (nbIds[k] >= 0) nbIds[k] = itemOfSlot.get(nbIds[k])!;
  named.set('item_embeddings', E);
  named.set('item_bias', bias);
  if (top > 0) {
    named.set('neighbour_ids', nbIds);
    named.set('neighbour_weights', nbWeights);
  }
  return { ids, ...(names.length > 0 && { categories }), popularity };
}

/**
 * Reads a model directory through the browser's loader (the same checks) into plain arrays. Parts a model
 * does not hold (an imported one has embeddings only) are left undefined.
 */
export async function loadModel(dir: string): Promise<{ manifest: Manifest; model: LoadedModel }> {
  const where = join(dir, 'manifest.json');
  const fetched = await fetchModel(pathToFileURL(join(resolve(dir), 'manifest.json')), { timeoutMs: 60_000, fetch: fileFetch });
  if (!fetched.ok) throw new InputError(where, 0, 0, fetched.error.message);
  const { manifest, shards } = fetched.value;
  // The browser's own decoder (src/lib/weights.ts): the trainer evaluates the numbers the browser will hold.
  const named = new Map<string, Float32Array | Int32Array>([...decodeWeights(shards, manifest.weights.flatMap((g) => g.weights))].map((w) => [w.name, w.values]));
  const items = fetched.value.items ?? (await readRowsOf(dir, manifest, named));
  const read = (name: string) => named.get(name) as Float32Array | undefined;
  const d = manifest.dim;
  const n = manifest.itemCount;
  const model: LoadedModel = {
    ids: items.ids,
    categories: items.categories,
    popularity: items.popularity && Float32Array.from(items.popularity),
    dim: d,
    itemEmbeddings: read('item_embeddings')!,
  };
  const session = manifest.session as { hidden: number; window: number; eventTypes?: string[]; trainedTypes?: string[] } | undefined;
  const parts = ['type_embeddings', 'lstm_kernel', 'lstm_bias', 'projection', 'item_bias'].map(read);
  if (session && parts.every(Boolean)) {
    const [type_embeddings, lstm_kernel, lstm_bias, projection, item_bias] = parts as Float32Array[];
    model.types = { eventTypes: session.eventTypes ?? [...EVENT_TYPES], ...(session.trainedTypes && { trainedTypes: session.trainedTypes }), window: session.window };
    model.session = { dim: d, hidden: session.hidden, window: session.window, itemCount: n, item_embeddings: model.itemEmbeddings, type_embeddings, lstm_kernel, lstm_bias, projection, item_bias };
  }
  const ids = read('neighbour_ids') as unknown as Int32Array | undefined;
  const weights = read('neighbour_weights');
  if (ids && weights) model.neighbourTable = { ids, weights, top: ids.length / n };
  if (manifest.scoring) model.blend = manifest.scoring as BlendWeights;
  model.foldIn = read('fold_in');
  model.prototypes = read('user_prototypes');
  return { manifest, model };
}
