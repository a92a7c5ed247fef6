import { bucketBytes, encodeRow, findRow, fnv1a, idHash, rowBytes, slotAt, windowOf, type Row, type RowsInfo } from '../lib/rows.js';
import { seededRandom } from '../trainer/random.js';

/** Per item (in the model's row order), what its row holds; neighbours are item indices here. */
export interface ItemRows {
  ids: readonly string[];
  dim: number;
  embeddings: Float32Array;
  bias?: Float32Array;
  popularity?: ArrayLike<number>;
  /** Indices into the category names, per item. */
  categories?: readonly (readonly number[])[];
  /** n×N neighbour item indices (-1 pads) and their weights. */
  neighbours?: { ids: Int32Array; weights: Float32Array; top: number };
}

/**
 * Rows per bucket. A lookup reads an item's first bucket, and its second only when the item is not in the
 * first: with 4 rows a bucket and half the slots filled, more than 95% of the items are in their first bucket
 * (one request each).
 */
export const BUCKET_ROWS = 4;
/** A row file's target size: small enough that a host ignoring Range costs little per file. */
export const FILE_BYTES = 256 * 1024;
/** The share of slots filled: half, so that few items are pushed to their second bucket. */
const LOADS = [0.5, 0.4];
const SEEDS_PER_LOAD = 4;
/** Evictions one insertion may make before the placement gives up on this seed. */
const MAX_KICKS = 1000;

/**
 * Places every item in a slot of one of its two buckets (cuckoo insertion) and encodes the row files.
 * Tries seeds, then lower loads, until every item has a place and no item shares its fingerprint with
 * another in its two buckets.
 */
export function encodeRows(items: ItemRows, categoryCount: number): { info: Omit<RowsInfo, 'files'>; files: Uint8Array[]; slotOf: Int32Array } {
  const n = items.ids.length;
  const top = items.neighbours?.top ?? 0;
  const maxCategories = (items.categories ?? []).reduce((m, c) => Math.max(m, c.length), 0);
  if (categoryCount > 65534) throw new Error(`${categoryCount} categories; a row can name at most 65534`);
  let weightScale = 0;
  if (items.neighbours) for (const w of items.neighbours.weights) weightScale = Math.max(weightScale, w);
  for (const load of LOADS) {
    const buckets = Math.max(2, Math.ceil(n / load / BUCKET_ROWS));
    const refBits = 32 - Math.clz32(buckets * BUCKET_ROWS + 1);
    const shape = { dim: items.dim, neighbours: top, categories: maxCategories, refBits, bucketRows: BUCKET_ROWS };
    const fileBuckets = Math.max(1, Math.min(buckets, Math.floor(FILE_BYTES / (BUCKET_ROWS * rowBytes(shape) + 4))));
    const fileCount = Math.ceil(buckets / fileBuckets);
    for (let s = 0; s < SEEDS_PER_LOAD; s++) {
      const info: RowsInfo = { ...shape, fileBuckets, buckets, seed: Math.round(load * 100) * 1000 + s, weightScale: weightScale || 1, files: Array.from({ length: fileCount }, (_, i) => String(i)) };
      const slotOf = place(info, items.ids);
      if (slotOf) return { info: (({ files: _, ...rest }) => rest)(info), files: write(info, items, slotOf), slotOf };
    }
  }
  throw new Error(`could not place ${n} items in row buckets`);
}

/** Each item's slot, or undefined when this seed and size cannot place them all. */
function place(info: RowsInfo, ids: readonly string[]): Int32Array | undefined {
  const C = info.bucketRows;
  const n = ids.length;
  const first = new Int32Array(n);
  const second = new Int32Array(n);
  const fingerprints = new Uint32Array(n);
  ids.forEach((id, i) => {
    const h = idHash(id, info.seed, info.buckets);
    [first[i], second[i], fingerprints[i]] = [h.first, h.second, h.fingerprint];
  });
  const itemAt = new Int32Array(info.buckets * C).fill(-1);
  const random = seededRandom(info.seed);
  const free = (bucket: number) => {
    for (let k = 0; k < C; k++) if (itemAt[bucket * C + k] < 0) return bucket * C + k;
    return -1;
  };
  for (let i = 0; i < n; i++) {
    let item = i;
    let from = -1; // the bucket the item in hand was just moved out of
    for (let kick = 0; ; kick++) {
      const slot = free(first[item]) >= 0 ? free(first[item]) : free(second[item]);
      if (slot >= 0) {
        itemAt[slot] = item;
        break;
      }
      if (kick === MAX_KICKS) return undefined;
      // Both buckets full: take a random place in the one it did not just leave; its item moves on.
      const b = from === first[item] ? second[item] : from === second[item] ? first[item] : random() < 0.5 ? first[item] : second[item];
      const at = b * C + Math.floor(random() * C);
      [item, itemAt[at]] = [itemAt[at], item];
      from = b;
    }
  }
  const slotOf = new Int32Array(n);
  itemAt.forEach((item, slot) => item >= 0 && (slotOf[item] = slot));
  // The lookup takes the first row of the two buckets with the item's fingerprint: it must be the item's own.
  for (let i = 0; i < n; i++) {
    for (const b of [first[i], second[i]]) {
      for (let k = b * C; k < b * C + C; k++) {
        const other = itemAt[k];
        if (other >= 0 && other !== i && fingerprints[other] === fingerprints[i]) return undefined;
      }
    }
  }
  return slotOf;
}

function write(info: RowsInfo, items: ItemRows, slotOf: Int32Array): Uint8Array[] {
  const size = bucketBytes(info);
  const files = info.files.map((_, f) => new Uint8Array(Math.min(info.fileBuckets, info.buckets - f * info.fileBuckets) * size));
  const d = items.dim;
  const nb = items.neighbours;
  items.ids.forEach((id, i) => {
    const { file, at } = slotAt(info, slotOf[i]);
    const neighbours: number[] = [];
    const neighbourWeights: number[] = [];
    if (nb) {
      for (let j = 0; j < nb.top; j++) {
        const b = nb.ids[i * nb.top + j];
        if (b < 0) break;
        neighbours.push(slotOf[b]);
        neighbourWeights.push(nb.weights[i * nb.top + j]);
      }
    }
    const row: Omit<Row, 'slot'> = {
      embedding: items.embeddings.subarray(i * d, (i + 1) * d),
      bias: items.bias?.[i] ?? 0,
      popularity: items.popularity?.[i] ?? 0,
      categories: [...(items.categories?.[i] ?? [])],
      neighbours,
      neighbourWeights,
    };
    encodeRow(info, files[file], at, idHash(id, info.seed, info.buckets).fingerprint, row);
  });
  for (const bytes of files) {
    const view = new DataView(bytes.buffer);
    for (let at = 0; at < bytes.byteLength; at += size) view.setUint32(at + size - 4, fnv1a(bytes, undefined, at, at + size - 4), true);
  }
  return files;
}

/** Reads an item's row back through the browser's lookup (windowOf, findRow): what the browser will hold. */
export function readRow(info: RowsInfo, files: readonly Uint8Array[], id: string): Row {
  const w = windowOf(info, id);
  const bytes = (k: 0 | 1) => files[w.buckets[k].file].subarray(w.buckets[k].start, w.buckets[k].end);
  const row = findRow(info, w, 0, bytes(0)) ?? findRow(info, w, 1, bytes(1));
  if (!row) throw new Error(`item ${JSON.stringify(id)} has no row in ${info.files[w.buckets[0].file]} or ${info.files[w.buckets[1].file]}`);
  return row;
}
