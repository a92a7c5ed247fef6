import { expect, test } from 'vitest';
import { encodeRows, readRow } from '../../src/cli/write-rows.js';
import { findRow, windowOf, type RowsInfo } from '../../src/lib/rows.js';
import { seededRandom } from '../../src/trainer/random.js';

/** A random catalog: ids of every shape (unicode, markup, long), vectors, neighbours, categories. */
function catalog(n: number, d: number, top: number, seed = 1) {
  const rand = seededRandom(seed);
  const ids = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? `sku-é-<b>${i}</b>` : i % 11 === 0 ? `${'x'.repeat(80)}${i}` : `sku-${i}`));
  const embeddings = Float32Array.from({ length: n * d }, () => rand() * 2 - 1);
  const nbIds = new Int32Array(n * top).fill(-1);
  const nbWeights = new Float32Array(n * top);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rand() * (top + 1));
    for (let j = 0; j < k; j++) [nbIds[i * top + j], nbWeights[i * top + j]] = [Math.floor(rand() * n), rand()];
  }
  const categories = ids.map((_, i) => (i % 3 === 0 ? [] : [i % 5, (i % 5) + 1]));
  return { ids, dim: d, embeddings, bias: Float32Array.from(ids, () => rand()), popularity: ids.map((_, i) => i), categories, neighbours: { ids: nbIds, weights: nbWeights, top } };
}

test('every item is found in its window and reads back as written, to 8 bits', () => {
  const items = catalog(3000, 64, 10);
  const { info, files, slotOf } = encodeRows(items, 6);
  const full: RowsInfo = { ...info, files: files.map((_, i) => `rows-${i}.bin`) };
  expect(files.length).toBeGreaterThan(1);
  expect(new Set(slotOf).size).toBe(items.ids.length);
  const rows = items.ids.map((id) => readRow(full, files, id));
  rows.forEach((row, i) => {
    expect(row.slot).toBe(slotOf[i]);
    const v = items.embeddings.subarray(i * 64, (i + 1) * 64);
    const max = Math.max(...Array.from(v, Math.abs));
    row.embedding.forEach((x, k) => expect(Math.abs(x - v[k])).toBeLessThanOrEqual(max / 254 + 1e-6));
    expect(row.bias).toBeCloseTo(items.bias[i], 6);
    expect(row.popularity).toBe(i);
    expect(row.categories).toEqual(items.categories[i]);
    const want = Array.from(items.neighbours.ids.subarray(i * 10, i * 10 + 10)).filter((b) => b >= 0);
    expect(row.neighbours).toEqual(want.map((b) => slotOf[b]));
    row.neighbourWeights.forEach((w, j) => expect(Math.abs(w - items.neighbours.weights[i * 10 + j])).toBeLessThanOrEqual(info.weightScale / 510 + 1e-6));
  });
});

const bytesOf = (files: Uint8Array[], w: ReturnType<typeof windowOf>) => w.buckets.map((r) => files[r.file].slice(r.start, r.end)) as [Uint8Array, Uint8Array];
const lookUp = (info: RowsInfo, files: Uint8Array[], id: string) => {
  const w = windowOf(info, id);
  const [a, b] = bytesOf(files, w);
  return findRow(info, w, 0, a) ?? findRow(info, w, 1, b);
};

test('an unknown id has no row; a damaged bucket fails its checksum, naming the file', () => {
  const items = catalog(500, 8, 4, 2);
  const { info, files } = encodeRows(items, 6);
  const full: RowsInfo = { ...info, files: files.map((_, i) => `rows-${i}.bin`) };
  for (const id of ['nope', 'sku-', '', 'constructor', '__proto__']) expect(lookUp(full, files, id)).toBeUndefined();
  const w = windowOf(full, items.ids[3]);
  const damaged = bytesOf(files, w);
  damaged[1][20] ^= 1;
  const { file, start } = w.buckets[1];
  expect(() => findRow(full, w, 1, damaged[1])).toThrow(new RegExp(`rows-${file}\\.bin: the bucket at byte ${start} fails its checksum`));
  expect(() => findRow(full, w, 0, damaged[0].subarray(1))).toThrow(/a bucket is \d+ bytes, expected \d+/);
});

test('a window is two buckets, one range request each; a million items are placed, almost all in their first', () => {
  const items = catalog(2000, 4, 2, 3);
  const { info, files } = encodeRows(items, 6);
  const full: RowsInfo = { ...info, files: files.map((_, i) => `rows-${i}.bin`) };
  for (const id of items.ids) {
    for (const r of windowOf(full, id).buckets) {
      expect(r.end).toBeLessThanOrEqual(files[r.file].byteLength);
      expect(r.end - r.start).toBe(info.bucketRows * (16 + 4 + 2 + 2 * info.categories + Math.ceil((2 * info.refBits) / 8)) + 4);
    }
  }
  // At catalog scale the cuckoo placement still finds every item a slot at the first load tried.
  const big = { ids: Array.from({ length: 1_000_000 }, (_, i) => `sku-${i}`), dim: 1, embeddings: new Float32Array(1_000_000) };
  const placed = encodeRows(big, 0);
  expect(new Set(placed.slotOf).size).toBe(1_000_000);
  expect(1_000_000 / (placed.info.buckets * placed.info.bucketRows)).toBeGreaterThan(0.45);
  // Most items are in their first bucket: one range request each.
  const bigInfo: RowsInfo = { ...placed.info, files: [] };
  const first = big.ids.filter((id, i) => Math.floor(placed.slotOf[i] / bigInfo.bucketRows) === windowOf(bigInfo, id).buckets[0].firstSlot / bigInfo.bucketRows).length;
  expect(first / big.ids.length).toBeGreaterThan(0.95);
}, 120_000);
