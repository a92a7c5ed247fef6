import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { chooseBackend } from '../../src/lib/backend.js';
import { fetchModel } from '../../src/lib/fetch-model.js';
import type { NormalEvent } from '../../src/scoring/index.js';
import { dirUrl, engineFor, fileFetch } from './model-files.js';

// The browser build registers only the kernels listed in src/lib/kernels.ts. Here the engine runs every
// path (compile-only dispatch, warm-up, a session with negative feedback and views, reasons, diversity,
// recommend with and without history) on a trained model with every part, on the full CPU backend, and
// tf.profile records which kernels it dispatched: each must be registered for all three backends.
test('every kernel the engine dispatches is registered for cpu, webgl and wasm', async () => {
  expect((await chooseBackend('cpu')).backend).toBe('cpu');
  const fetched = await fetchModel(dirUrl(join(import.meta.dirname, '../fixtures/planted-model')), { timeoutMs: 5000, fetch: fileFetch });
  if (!fetched.ok) throw new Error(fetched.error.message);
  const used = new Set<string>();
  const run = async (f: () => unknown) => (await tf.profile(f as () => tf.Tensor)).kernelNames.forEach((n) => used.add(n));
  const engine = await engineFor(fetched.value, {}, 0); // every candidate set on the backend
  const ids = fetched.value.items!.ids;
  const ev = (id: string, type: NormalEvent['type'] = 'click'): NormalEvent => ({ id, type, time: 1 });
  const history = [ev(ids[0]), ev(ids[1]), ev(ids[2], 'dislike'), ev(ids[3], 'view'), ev(ids[4], 'add_to_cart')];
  await run(() => engine.compileSteps().forEach((step) => step()));
  await run(() => engine.warmUp());
  await run(() => engine.rank({ ids: ids.slice(0, 20), events: history, now: 2, pinned: new Set([ids[5]]), exclude: new Set(), diversity: 0.5, explain: true, categories: new Map() }));
  await run(() => engine.rank({ ids: ids.slice(0, 20), events: [ev(ids[0])], now: 2, pinned: new Set(), exclude: new Set(), diversity: 0, explain: true, categories: new Map() }));
  await run(() => engine.recommend(10, history, 2, new Set(), true));
  await run(() => engine.recommend(10, [], 2, new Set(), true));
  engine.release();
  expect([...used].sort()).toEqual(expect.arrayContaining(['BatchMatMul', 'GatherV2', 'TopK']));

  const registration = readFileSync(join(import.meta.dirname, '../../src/lib/kernels.ts'), 'utf8');
  const missing = [];
  for (const backend of ['cpu', 'webgl', 'wasm']) {
    const list = registration.match(new RegExp(`const ${backend}: KernelConfig\\[\\] = \\[([^\\]]*)\\]`))?.[1] ?? '';
    for (const kernel of used) {
      const imported = registration.includes(` as ${backend}${kernel} } from '@tensorflow/tfjs-backend-${backend}/dist/kernels/${kernel}'`);
      if (!imported || !list.split(/,\s*/).includes(`${backend}${kernel}`)) missing.push(`${kernel} on ${backend}`);
    }
  }
  expect(missing, `src/lib/kernels.ts must register: ${missing.join(', ')}`).toEqual([]);
});
