import { expect, test } from 'vitest';
import { toFloat16 } from '../../src/cli/float16.js';
import { decodeWeights } from '../../src/lib/weights.js';

// The browser's own weight decoding (in place of tfjs's io.decodeWeights): float16 in every class of
// value, affine uint8, plain int32 after an odd number of bytes, across two shards.
test('decodes float16, quantized and plain weights back to back, across shards', () => {
  const halves = Float32Array.from([0, -0, 1, -2.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, 3e-8, Infinity, -Infinity, NaN, 0.1]);
  const h = toFloat16(halves);
  const q = Uint8Array.from([0, 1, 255]);
  const ints = Int32Array.from([7, -3]);
  const bytes = new Uint8Array(h.byteLength + q.byteLength + ints.byteLength);
  bytes.set(new Uint8Array(h.buffer), 0);
  bytes.set(q, h.byteLength); // 26 + 3: the int32s start unaligned
  bytes.set(new Uint8Array(ints.buffer), h.byteLength + q.byteLength);
  const shards = [bytes.slice(0, 10).buffer, bytes.slice(10).buffer];
  const [a, b, c] = [
    ...decodeWeights(shards, [
      { name: 'a', shape: [halves.length], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'b', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'c', shape: [2], dtype: 'int32' },
    ]),
  ];
  const expected = [0, -0, 1, -2.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, 5.960464477539063e-8, Infinity, -Infinity, NaN, 0.0999755859375];
  expect([...a.values]).toEqual(expected);
  expect(Object.is(a.values[1], -0)).toBe(true);
  expect([...b.values]).toEqual([-1, -0.5, 126.5]);
  expect(c).toMatchObject({ name: 'c', shape: [2], dtype: 'int32' });
  expect([...c.values]).toEqual([7, -3]);
});
