import { expect, test } from 'vitest';
import { classifyRenderer } from '../../src/lib/backend.js';

test.each([
  ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', false],
  ['llvmpipe (LLVM 15.0.6, 256 bits)', false],
  ['Microsoft Basic Render Driver', false],
  ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', true],
  ['Apple M2', true],
])('classifies %s as hardware=%s', (renderer, hardware) => {
  const result = classifyRenderer(renderer);
  expect(result.hardware).toBe(hardware);
  expect(result.reason).toContain(renderer);
});

test('no WebGL2 is no GPU', () => {
  expect(classifyRenderer(null)).toEqual({ hardware: false, reason: 'WebGL2 unavailable' });
});
