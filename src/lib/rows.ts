// Item rows of a version 2 model (docs/model-format.md, "Item rows"): fixed-size records in buckets,
// each item in one of two buckets chosen by hashes of its id (bucketed cuckoo hashing), so that the
// browser finds an item's row with a range request (two for the few in their second bucket) and no
// directory. Pure: no tfjs, no DOM; the
// trainer's writer (src/cli/write-rows.ts) and the browser's row source (src/lib/row-source.ts) share it.

/** How the rows are laid out: the manifest's `rows` object, checked. */
export interface RowsInfo {
  /** Embedding size d. */
  dim: number;
  /** Neighbour slots per row. */
  neighbours: number;
  /** Category slots per row. */
  categories: number;
  /** Bits of a neighbour reference (a slot number + 1; 0: none). */
  refBits: number;
  /** Rows per bucket. */
  bucketRows: number;
  /** Buckets per file (the last file may hold fewer). */
  fileBuckets: number;
  /** Buckets in all. */
  buckets: number;
  /** The row files, in order (content-addressed names). */
  files: string[];
  /** The hash seed the writer chose (one that places every item). */
  seed: number;
  /** A neighbour weight is stored as round(255 · w / weightScale). */
  weightScale: number;
}

/** One item's row, decoded. */
export interface Row {
  /** The row's slot: its number in the whole catalog (neighbour references name slots). */
  slot: number;
  embedding: Float32Array;
  bias: number;
  popularity: number;
  /** Indices into the manifest's `categories`. */
  categories: number[];
  /** Slots of the item's neighbours, best first. */
  neighbours: number[];
  neighbourWeights: number[];
}

const HEADER = 16; // fingerprint u32, scale f32, bias f32, popularity f32

export const rowBytes = (r: Pick<RowsInfo, 'dim' | 'neighbours' | 'categories' | 'refBits'>): number =>
  HEADER + r.dim + r.neighbours + 2 * r.categories + Math.ceil((r.neighbours * r.refBits) / 8);

/** Bytes of a bucket: its rows, then a 32-bit FNV-1a of them. */
export const bucketBytes = (r: RowsInfo): number => r.bucketRows * rowBytes(r) + 4;

/** FNV-1a (32 bits) of bytes, from `basis`. */
export function fnv1a(bytes: Uint8Array, basis = 0x811c9dc5, from = 0, to = bytes.length): number {
  let h = basis >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** murmur3's finaliser: spreads every input bit over the output. */
const mix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

const utf8 = new TextEncoder();
const hashOf = (bytes: Uint8Array, seed: number, k: number) => mix(fnv1a(bytes, (0x811c9dc5 ^ Math.imul(seed * 3 + k + 1, 0x9e3779b1)) >>> 0));

/**
 * An id's two buckets (distinct, of `buckets`) and its fingerprint (never 0: 0 marks an empty slot), from
 * three 32-bit hashes of its UTF-8 bytes.
 */
export function idHash(id: string, seed: number, buckets: number): { first: number; second: number; fingerprint: number } {
  const bytes = utf8.encode(id);
  const first = hashOf(bytes, seed, 0) % buckets;
  let second = hashOf(bytes, seed, 1) % buckets;
  if (second === first) second = (first + 1) % buckets;
  return { first, second, fingerprint: hashOf(bytes, seed, 2) || 1 };
}

/** A bucket's bytes: its file, the byte range [start, end) there, and its first slot. */
export interface BucketRange {
  file: number;
  start: number;
  end: number;
  firstSlot: number;
}

/** Where an id's row can be: two buckets, and the fingerprint to look for. */
export interface RowWindow {
  buckets: [BucketRange, BucketRange];
  fingerprint: number;
}

export function bucketRange(r: RowsInfo, bucket: number): BucketRange {
  const size = bucketBytes(r);
  const start = (bucket % r.fileBuckets) * size;
  return { file: Math.floor(bucket / r.fileBuckets), start, end: start + size, firstSlot: bucket * r.bucketRows };
}

/** A slot's file and byte offset there. */
export function slotAt(r: RowsInfo, slot: number): { file: number; at: number } {
  const b = bucketRange(r, Math.floor(slot / r.bucketRows));
  return { file: b.file, at: b.start + (slot % r.bucketRows) * rowBytes(r) };
}

/** The window of an id: its two buckets, each one range request. */
export function windowOf(r: RowsInfo, id: string): RowWindow {
  const { first, second, fingerprint } = idHash(id, r.seed, r.buckets);
  return { buckets: [bucketRange(r, first), bucketRange(r, second)], fingerprint };
}

/**
 * The row of `w.fingerprint` in the bytes of the window's bucket `k` (0: the first, 1: the second), or
 * undefined when it is not there: look in the second bucket only when it is not in the first (an item the
 * model does not know is in neither). Throws when the bucket's checksum does not match (a damaged or wrong
 * file).
 */
export function findRow(r: RowsInfo, w: RowWindow, k: 0 | 1, b: Uint8Array): Row | undefined {
  const size = bucketBytes(r);
  const R = rowBytes(r);
  const range = w.buckets[k];
  if (b.byteLength !== size) throw new Error(`a bucket is ${b.byteLength} bytes, expected ${size}`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (fnv1a(b, undefined, 0, size - 4) !== view.getUint32(size - 4, true)) {
    throw new Error(`${r.files[range.file]}: the bucket at byte ${range.start} fails its checksum`);
  }
  for (let i = 0; i < r.bucketRows; i++) {
    if (view.getUint32(i * R, true) === w.fingerprint) return decodeRow(r, b, i * R, range.firstSlot + i);
  }
  return undefined;
}

/** Decodes the row at byte `at` of `bytes`. */
export function decodeRow(r: RowsInfo, bytes: Uint8Array, at: number, slot: number): Row {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = view.getFloat32(at + 4, true);
  const embedding = new Float32Array(r.dim);
  let p = at + HEADER;
  const int8 = new Int8Array(bytes.buffer, bytes.byteOffset + p, r.dim);
  for (let i = 0; i < r.dim; i++) embedding[i] = int8[i] * scale;
  p += r.dim;
  const weights = bytes.subarray(p, p + r.neighbours);
  p += r.neighbours;
  const categories: number[] = [];
  for (let i = 0; i < r.categories; i++) {
    const c = view.getUint16(p + 2 * i, true);
    if (c > 0) categories.push(c - 1);
  }
  p += 2 * r.categories;
  const neighbours: number[] = [];
  const neighbourWeights: number[] = [];
  for (let i = 0, bit = 0; i < r.neighbours; i++) {
    let ref = 0;
    for (let b = 0; b < r.refBits; b++, bit++) if (bytes[p + (bit >> 3)] & (1 << (bit & 7))) ref += (1 << b) >>> 0;
    if (ref === 0) break;
    neighbours.push(ref - 1);
    neighbourWeights.push((weights[i] / 255) * r.weightScale);
  }
  return { slot, embedding, bias: view.getFloat32(at + 8, true), popularity: view.getFloat32(at + 12, true), categories, neighbours, neighbourWeights };
}

/** Encodes a row (its fingerprint first) at byte `at` of `bytes`; the writer's half of decodeRow. */
export function encodeRow(r: RowsInfo, bytes: Uint8Array, at: number, fingerprint: number, row: Omit<Row, 'slot'>): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let max = 0;
  for (const x of row.embedding) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  view.setUint32(at, fingerprint, true);
  view.setFloat32(at + 4, scale, true);
  view.setFloat32(at + 8, row.bias, true);
  view.setFloat32(at + 12, row.popularity, true);
  let p = at + HEADER;
  for (let i = 0; i < r.dim; i++) view.setInt8(p + i, Math.round(row.embedding[i] / scale));
  p += r.dim;
  const n = Math.min(r.neighbours, row.neighbours.length);
  for (let i = 0; i < n; i++) bytes[p + i] = Math.max(0, Math.min(255, Math.round((255 * row.neighbourWeights[i]) / r.weightScale)));
  p += r.neighbours;
  row.categories.slice(0, r.categories).forEach((c, i) => view.setUint16(p + 2 * i, c + 1, true));
  p += 2 * r.categories;
  for (let i = 0, bit = 0; i < n; i++) {
    const ref = row.neighbours[i] + 1;
    for (let b = 0; b < r.refBits; b++, bit++) if (Math.floor(ref / 2 ** b) % 2) bytes[p + (bit >> 3)] |= 1 << (bit & 7);
  }
}
