import '@tensorflow/tfjs-backend-cpu';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, test } from 'vitest';
import type { NormalEvent } from '../../src/scoring/index.js';
import { chooseBackend } from '../../src/lib/backend.js';
import { fetchModel, manifestUrl } from '../../src/lib/fetch-model.js';
import { disposeModel } from '../../src/lib/model.js';
import { orderByScore, queryOf, rowsOf, scoreRows } from './reference-score.js';
import { TINY_DIM, TINY_EMBEDDINGS, TINY_IDS, TINY_PAGE, TINY_RANKED_AFTER_A } from '../fixtures/tiny-model.js';
import { TINY_MODEL_DIR, TINY_WEIGHTS_FILE, copyOfTinyModel, dirUrl, engineFor, fileFetch, rankWith } from './model-files.js';

const load = (dir = TINY_MODEL_DIR) => fetchModel(dirUrl(dir), { timeoutMs: 5000, fetch: fileFetch });

beforeAll(async () => {
  expect((await chooseBackend('cpu')).backend).toBe('cpu');
});

test('manifestUrl appends manifest.json to a directory', () => {
  expect(manifestUrl('/m/', 'https://shop.example/p?q=1').href).toBe('https://shop.example/m/manifest.json');
  expect(manifestUrl('/m', 'https://shop.example/').href).toBe('https://shop.example/m/manifest.json');
  expect(manifestUrl('https://cdn.example/v2/manifest.json').href).toBe('https://cdn.example/v2/manifest.json');
});

test('the engine ranks the tiny model as worked out by hand, and as the plain scorer does', async () => {
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  const ranked = await rankWith(engine, TINY_PAGE, ['a']);
  expect(ranked.map((r) => r.id)).toEqual(TINY_RANKED_AFTER_A);

  const index = new Map(TINY_IDS.map((id, i) => [id, i]));
  const history = ['c', 'e', 'unknown'];
  const ids = ['f', 'zz', 'a', 'b', 'c', 'd', 'e'];
  const q = queryOf(TINY_EMBEDDINGS, TINY_DIM, rowsOf(history, index, -1));
  const expected = orderByScore(ids, scoreRows(TINY_EMBEDDINGS, TINY_DIM, rowsOf(ids, index, -1), q));
  const got = await rankWith(engine, ids, history);
  expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  got.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i].score, 6));
  engine.dispose();
  disposeModel(engine.model);
});

test('no history keeps the page order; unknown ids keep their place', async () => {
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  expect((await rankWith(engine, ['x', 'f', 'a'], [])).map((r) => r.id)).toEqual(['x', 'f', 'a']);
  expect(await rankWith(engine, [], ['a'])).toEqual([]);
  engine.dispose();
  disposeModel(engine.model);
});

test('ranking leaks no tensors, and dispose frees the model', async () => {
  const before = tf.memory().numTensors;
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  await rankWith(engine, TINY_PAGE, ['a']); // the first rank caches its query vector
  const loaded = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) await rankWith(engine, TINY_PAGE, i % 2 ? ['a', 'c'] : []);
  expect(tf.memory().numTensors).toBe(loaded);
  engine.dispose();
  disposeModel(engine.model);
  expect(tf.memory().numTensors).toBe(before);
});

test('a tampered weights file is refused with its name and both hashes', async () => {
  const dir = await copyOfTinyModel();
  const bytes = await readFile(join(dir, TINY_WEIGHTS_FILE));
  bytes[0] ^= 1;
  await writeFile(join(dir, TINY_WEIGHTS_FILE), bytes);
  const r = await load(dir);
  expect(r).toMatchObject({ ok: false, error: { code: 'model-integrity', message: /^weights-[0-9a-f]{16}\.bin has sha256 [0-9a-f]{64}, manifest\.json says f2d308/ } });
});

test('a truncated file and a missing directory are errors, not throws', async () => {
  const dir = await copyOfTinyModel();
  await writeFile(join(dir, TINY_WEIGHTS_FILE), (await readFile(join(dir, TINY_WEIGHTS_FILE))).subarray(0, 50));
  expect(await load(dir)).toMatchObject({ ok: false, error: { code: 'model-integrity', message: `${TINY_WEIGHTS_FILE} is 50 bytes, manifest.json says 96` } });
  expect(await load(join(dir, 'nope'))).toMatchObject({ ok: false, error: { code: 'model-fetch', message: /answered 404/ } });
});

test('a slow server times out as a value', async () => {
  const never: typeof fetch = (_, init) =>
    new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  const r = await fetchModel(dirUrl(TINY_MODEL_DIR), { timeoutMs: 20, fetch: never });
  expect(r).toMatchObject({ ok: false, error: { code: 'model-fetch', message: /did not arrive within 20 ms/ } });
});

test('weights that do not match their manifest are refused before decoding', async () => {
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const m = fetched.value.manifest;
  const wrongShape = { ...fetched.value, manifest: { ...m, weights: [{ ...m.weights[0], weights: [{ name: 'item_embeddings', shape: [6, 5], dtype: 'float32' as const }] }] } };
  await expect(engineFor(wrongShape)).rejects.toThrow('item_embeddings has shape [6,5], expected [6,4]');
  const extra = { ...fetched.value, manifest: { ...m, weights: [{ ...m.weights[0], weights: [...m.weights[0].weights, { name: 'x', shape: [1000, 1000], dtype: 'float32' as const }] }] } };
  await expect(engineFor(extra)).rejects.toThrow('the weights manifest describes 4000096 bytes, the shards hold 96');
});

test('recommend as the first call after the warm-up, twice: cached tensors outlive the call that made them', async () => {
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  await engine.warmUp();
  const history = [{ id: 'a', type: 'click' as const, time: 1 }];
  expect(await engine.recommend(3, history, 1, new Set(), false)).toHaveLength(3);
  expect(await engine.recommend(3, history, 1, new Set(), true)).toHaveLength(3);
  engine.release();
});

// Ids are the shop's strings: names that live on Object.prototype are ids like any other.
const PROTO_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

test('ids named like Object.prototype members rank as unknown items and leave the others personalised', async () => {
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  const alone = await rankWith(engine, TINY_PAGE, ['a']);
  // JSON.parse makes "__proto__" an own key, as a shop's catalog JSON would.
  const categories = new Map(Object.entries(JSON.parse('{"__proto__":["x"],"constructor":["y"],"toString":["x"],"c":["x"]}')) as [string, string[]][]);
  const mixed = await rankWith(engine, [...TINY_PAGE, ...PROTO_IDS], ['a', 'constructor'], { categories, diversity: 0.5, explain: true });
  expect(mixed.map((r) => r.id).sort()).toEqual([...TINY_PAGE, ...PROTO_IDS].sort());
  expect(mixed.map((r) => r.id).filter((id) => TINY_PAGE.includes(id))).toEqual(alone.map((r) => r.id));
  expect(({} as Record<string, unknown>).x).toBeUndefined();
  engine.dispose();
  disposeModel(engine.model);
});

test('any page of ids, categories and history ranks to a permutation of the page, never a throw', async () => {
  const fc = (await import('fast-check')).default;
  const fetched = await load();
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value);
  const id = fc.oneof(fc.constantFrom(...TINY_IDS, ...PROTO_IDS), fc.string({ maxLength: 8 }));
  await fc.assert(
    fc.asyncProperty(fc.array(id, { maxLength: 12 }), fc.array(id, { maxLength: 4 }), fc.array(fc.tuple(id, fc.array(id, { maxLength: 2 })), { maxLength: 6 }), async (page, history, cats) => {
      const ranked = await rankWith(engine, page, history, { categories: new Map(cats), diversity: 0.3, explain: true });
      expect(ranked.map((r) => r.id).sort()).toEqual([...page].sort());
    }),
    { numRuns: 200 },
  );
  engine.dispose();
  disposeModel(engine.model);
});

test('a read-back that rejects, or an LSTM step that throws midway, leaks no tensor; the next rank is right', async () => {
  const planted = join(import.meta.dirname, '../fixtures/planted-model');
  const fetched = await load(planted);
  if (!fetched.ok) throw new Error(fetched.error.message);
  const before = tf.memory().numTensors;
  const engine = await engineFor(fetched.value, undefined, 0); // every candidate set on the backend
  const page = ['item-50', 'item-4', 'item-10', 'item-31', 'item-5'];
  const history = ['item-2', 'item-3', 'item-4'];
  await rankWith(engine, page, history.slice(0, 1)); // state, query and bias cached

  const data = tf.Tensor.prototype.data;
  tf.Tensor.prototype.data = () => Promise.reject(new Error('context lost'));
  try {
    await expect(rankWith(engine, page, history.slice(0, 1), { explain: true })).rejects.toThrow('context lost');
    await expect(engine.recommend(3, history.slice(0, 1).map((id) => ({ id, type: 'click', time: 1 })), 1, new Set(), false)).rejects.toThrow('context lost');
  } finally {
    tf.Tensor.prototype.data = data;
  }

  // The second of the two new LSTM steps fails (a new event reads the kernel twice: its input's part of
  // the gates, then the step).
  const session = engine.model.session!;
  const K = session.K;
  let reads = 0;
  Object.defineProperty(session, 'K', {
    configurable: true,
    get: () => {
      if (++reads === 4) throw new Error('lost midway');
      return K;
    },
  });
  await expect(rankWith(engine, page, history)).rejects.toThrow('lost midway');
  Object.defineProperty(session, 'K', { configurable: true, writable: true, value: K });

  const fresh = await engineFor(fetched.value, undefined, 0);
  expect(await rankWith(engine, page, history)).toEqual(await rankWith(fresh, page, history));
  // Each engine's query and table on the backend, and nothing else, were left: release frees them.
  expect(tf.memory().numTensors).toBe(before + 6);
  fresh.release();
  engine.release();
  expect(tf.memory().numTensors).toBe(before);
});

test('the LSTM state is kept between calls: each new event is one step, a fresh engine reads every event', async () => {
  const fetched = await load(join(import.meta.dirname, '../fixtures/planted-model'));
  if (!fetched.ok) throw new Error(fetched.error.message);
  const page = Array.from({ length: 20 }, (_, i) => `item-${i + 20}`);
  // A new event reads the LSTM kernel twice (its input's part of the gates, then the step); a step over an
  // event already read (the window sliding) once; nothing else in a rank does.
  const steps = async (engine: Awaited<ReturnType<typeof engineFor>>, history: string[]) => {
    const session = engine.model.session!;
    const K = session.K;
    let reads = 0;
    Object.defineProperty(session, 'K', { configurable: true, get: () => (reads++, K) });
    try {
      await rankWith(engine, page, history);
    } finally {
      Object.defineProperty(session, 'K', { configurable: true, writable: true, value: K });
    }
    return reads;
  };
  const kept = await engineFor(fetched.value);
  expect(await steps(kept, ['item-20'])).toBe(2);
  expect(await steps(kept, ['item-20', 'item-21'])).toBe(2);
  expect(await steps(kept, ['item-20', 'item-21', 'item-22'])).toBe(2);
  expect(await steps(kept, ['item-20', 'item-21', 'item-22'])).toBe(0); // the same session: no step
  const fresh = await engineFor(fetched.value);
  expect(await steps(fresh, ['item-20', 'item-21', 'item-22'])).toBe(6);
  expect(await rankWith(kept, page, ['item-20', 'item-21', 'item-22'])).toEqual(await rankWith(fresh, page, ['item-20', 'item-21', 'item-22']));
  for (const e of [kept, fresh]) {
    e.dispose();
    disposeModel(e.model);
  }
});

test('plain loops and the backend give the same scores, orders, reasons and recommendations', async () => {
  for (const dir of ['../fixtures/planted-model', '../fixtures/tiny-model-v2']) {
    const fetched = await load(join(import.meta.dirname, dir));
    if (!fetched.ok) throw new Error(fetched.error.message);
    const [plain, device] = [await engineFor(fetched.value, {}, Infinity), await engineFor(fetched.value, {}, 0)];
    const ids = fetched.value.items?.ids ?? TINY_IDS;
    const ev = (id: string, type: NormalEvent['type'] = 'click', time = 1): NormalEvent => ({ id, type, time });
    const histories: NormalEvent[][] = [
      [],
      [ev(ids[0])],
      [ev(ids[0]), ev(ids[1]), ev(ids[2], 'dislike'), ev(ids[3], 'view'), ev(ids[4], 'add_to_cart')],
      // A returning visitor: an old session only (the long-term part alone), then a new one.
      [ev(ids[1], 'click', 1), ev(ids[2], 'purchase', 2), ev(ids[3], 'click', 5 * 86_400_000)],
    ];
    for (const events of histories) {
      const req = { ids: [...ids.slice(0, 20), 'unknown'], events, now: 5 * 86_400_000 + 1, pinned: new Set<string>(), exclude: new Set<string>(), diversity: 0, explain: true, categories: new Map() };
      const [a, b] = [await plain.rank(req), await device.rank(req)];
      expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
      expect(a.map((r) => r.reason)).toEqual(b.map((r) => r.reason));
      a.forEach((r, i) => expect(r.score).toBeCloseTo(b[i].score, 5));
      const [ra, rb] = [await plain.recommend(5, events, req.now, new Set(), true), await device.recommend(5, events, req.now, new Set(), true)];
      expect(ra.map((r) => r.id)).toEqual(rb.map((r) => r.id));
    }
    for (const e of [plain, device]) e.release();
  }
});

test('an engine with no backend yet scores everything in plain loops, whatever plainUpTo says; useBackend hands large sets over', async () => {
  const fetched = await load(join(import.meta.dirname, '../fixtures/planted-model'));
  if (!fetched.ok) throw new Error(fetched.error.message);
  const engine = await engineFor(fetched.value, {}, 0);
  engine.useBackend(undefined); // as the browser builds it: before any backend starts
  const ids = fetched.value.items!.ids;
  const req = { ids: ids.slice(0, 20), events: [{ id: ids[0], type: 'click' as const, time: 1 }], now: 2, pinned: new Set<string>(), exclude: new Set<string>(), diversity: 0, explain: true, categories: new Map() };
  const before = tf.memory().numTensors;
  const plain = await engine.rank(req);
  await engine.recommend(5, req.events, 2, new Set(), false);
  expect(tf.memory().numTensors).toBe(before); // no tensor made: no backend was needed
  engine.useBackend(tf.getBackend() as 'cpu');
  const device = await engine.rank(req);
  expect(tf.memory().numTensors).toBeGreaterThan(before); // the table, made on the backend's first use
  expect(device.map((r) => r.id)).toEqual(plain.map((r) => r.id));
  device.forEach((r, i) => expect(r.score).toBeCloseTo(plain[i].score, 5));
  engine.release();
  expect(tf.memory().numTensors).toBe(before);
});
