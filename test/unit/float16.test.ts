import { beforeAll, expect, test } from 'vitest';
import { toFloat16 } from '../../src/cli/float16.js';
import { startTraining, tf } from '../../src/trainer/tf.js';

beforeAll(startTraining);

test('float16 bits round-trip through tfjs decodeWeights within half precision', () => {
  const values = Float32Array.from([0, -0, 1, -2.5, 0.1, 65504, 1e-5, 3.14159, -0.33333, 1e6, 6e-8]);
  const half = toFloat16(values);
  expect(Array.from(half.subarray(0, 4))).toEqual([0x0000, 0x8000, 0x3c00, 0xc100]);
  const decoded = tf.io.decodeWeights(half.buffer as ArrayBuffer, [{ name: 'x', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } }]);
  const back = decoded.x.dataSync();
  decoded.x.dispose();
  for (let i = 0; i < values.length; i++) {
    if (Math.abs(values[i]) > 65504) expect(back[i]).toBe(Infinity);
    else expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(Math.max(Math.abs(values[i]) * 2 ** -11, 2 ** -24));
  }
});
