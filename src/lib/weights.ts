import type { WeightSpec } from './manifest.js';

/** A weight as the manifest describes it, its values expanded to what the backend holds. */
export interface DecodedWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

const BYTES = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1 } as const;

/** Bytes a weight takes in the shards. */
export const storedBytes = (w: WeightSpec): number => w.shape.reduce((a, b) => a * b, 1) * BYTES[w.quantization?.dtype ?? w.dtype];

const rounded = (f: Float32Array): Int32Array => {
  const out = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
  return out;
};

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's float32 value: one lookup per weight (256 KB, built once, by bits). */
function halves(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  const bits = new Uint32Array(halfTable.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) halfTable[h] = (sign ? -1 : 1) * mant * 2 ** -24; // zero and subnormals
    else if (exp === 31) bits[h] = sign | 0x7f800000 | (mant << 13); // infinities and NaN
    else bits[h] = sign | ((exp + 112) << 23) | (mant << 13); // rebias 15 → 127
  }
  return halfTable;
}

/**
 * Expands the weight shards (tfjs's weights format: the specs' tensors back to back, float16 or affine
 * uint8/uint16 quantization) into typed arrays, one weight at a time. The same result as tfjs's
 * `io.decodeWeights`, without tfjs's model-loading code in the bundle.
 */
export function* decodeWeights(shards: readonly ArrayBuffer[], specs: readonly WeightSpec[]): Generator<DecodedWeight> {
  const all = new Uint8Array(shards.reduce((s, b) => s + b.byteLength, 0));
  let at = 0;
  for (const b of shards) {
    all.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = storedBytes(spec);
    // A copy: a weight's offset in the shards need not be aligned for its element type.
    const raw = all.slice(offset, offset + bytes).buffer;
    offset += bytes;
    const q = spec.quantization;
    let values: Float32Array | Int32Array;
    if (!q) values = spec.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
    else if (q.dtype === 'float16') {
      const table = halves();
      const h = new Uint16Array(raw);
      const f = new Float32Array(size);
      for (let i = 0; i < size; i++) f[i] = table[h[i]];
      values = spec.dtype === 'int32' ? rounded(f) : f;
    } else {
      const stored = q.dtype === 'uint8' ? new Uint8Array(raw) : new Uint16Array(raw);
      const [scale, min] = [q.scale ?? 1, q.min ?? 0];
      // A loop: from() with a mapping function took the demo's engine start some 40 ms in Chromium.
      const f = new Float32Array(size);
      for (let i = 0; i < size; i++) f[i] = stored[i] * scale + min;
      values = spec.dtype === 'int32' ? rounded(f) : f;
    }
    yield { name: spec.name, shape: spec.shape, dtype: spec.dtype, values };
  }
}
