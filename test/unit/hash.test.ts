import { createHash } from 'node:crypto';
import { expect, test, vi } from 'vitest';
import { sha256Hex } from '../../src/lib/hash.js';

test('sha256Hex gives the same digest with Web Crypto and without it (a plain-http page)', async () => {
  const data = new TextEncoder().encode('vitrine '.repeat(1000));
  const expected = createHash('sha256').update(data).digest('hex');
  expect(await sha256Hex(data)).toBe(expected);
  vi.stubGlobal('crypto', undefined);
  try {
    expect(await sha256Hex(data)).toBe(expected);
    expect(await sha256Hex(data.buffer)).toBe(expected);
  } finally {
    vi.unstubAllGlobals();
  }
});
