import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseItems, parseManifest } from '../../src/lib/manifest.js';
import { TINY_MODEL_DIR } from './model-files.js';

const tiny = JSON.parse(readFileSync(join(TINY_MODEL_DIR, 'manifest.json'), 'utf8'));
const edit = (change: (m: any) => void) => {
  const m = structuredClone(tiny);
  change(m);
  return parseManifest(m);
};
const message = (r: ReturnType<typeof parseManifest>) => (r.ok ? 'ok' : r.error.message);

test('the tiny model manifest is valid', () => {
  const r = parseManifest(tiny);
  expect(r.ok && r.value.itemCount).toBe(6);
});

test.each([
  ['an unknown version', (m: any) => (m.formatVersion = 3), /formatVersion is 3; this build of Vitrine reads versions 1 and 2/],
  ['a foreign format', (m: any) => (m.format = 'keras'), /format is "keras", expected "vitrine-model"/],
  ['absurd dimensions', (m: any) => (m.dim = 1e9), /dim is 1000000000, expected an integer in 1\.\.1024/],
  ['a path leaving the folder', (m: any) => (m.files[1].path = '../secret.bin'), /files\[1\]\.path is "\.\.\/secret\.bin"/],
  ['an absolute URL', (m: any) => (m.files[1].path = 'https://evil.example/w.bin'), /files\[1\]\.path is "https:/],
  ['a bad hash', (m: any) => (m.files[0].sha256 = 'abc'), /files\[0\]\.sha256 is "abc", expected 64 lowercase hex digits/],
  ['a shard not in files', (m: any) => (m.weights[0].paths = ['other.bin']), /names "other\.bin", which is not listed in files/],
  ['embeddings of the wrong shape', (m: any) => (m.weights[0].weights[0].shape = [6, 3]), /item_embeddings has shape \[6, 3\], expected \[itemCount, dim\] = \[6, 4\]/],
  ['no embeddings', (m: any) => (m.weights[0].weights[0].name = 'x'), /weights must include "item_embeddings"/],
  ['a half-life that is no time', (m: any) => (m.scoring = { halfLife: -1 }), /scoring\.halfLife is -1, expected a positive number of days/],
  ['a repeat decay that grows', (m: any) => (m.scoring = { repeatDecay: 2 }), /scoring\.repeatDecay is 2, expected a number in 0\.\.1/],
])('refuses %s, naming the value', (_, change, expected) => {
  expect(message(edit(change))).toMatch(expected);
});

const tinyV2 = JSON.parse(readFileSync(join(TINY_MODEL_DIR, '../tiny-model-v2/manifest.json'), 'utf8'));

test('a version 2 manifest is valid, and its rows are checked', () => {
  expect(parseManifest(tinyV2).ok).toBe(true);
  const edit2 = (change: (m: any) => void) => {
    const m = structuredClone(tinyV2);
    change(m);
    return message(parseManifest(m));
  };
  expect(edit2((m) => delete m.rows)).toMatch(/rows is undefined, expected an object describing the item rows/);
  expect(edit2((m) => (m.rows.refBits = 40))).toMatch(/rows\.refBits is 40, expected an integer in 1\.\.32/);
  expect(edit2((m) => (m.rows.files = ['nope.bin']))).toMatch(/rows\.files names "nope\.bin", which is not listed in files/);
  expect(edit2((m) => (m.rows.dim = 5))).toMatch(/rows\.dim is 5, expected dim \(4\)/);
  expect(edit2((m) => (m.popular = 'x.bin'))).toMatch(/popular is "x\.bin", expected the path of a file listed in files/);
  expect(edit2((m) => m.weights[0].weights.push({ name: 'item_embeddings', shape: [6, 4], dtype: 'float32' }))).toMatch(/formatVersion is 2, but the weights hold item_embeddings, which a version 2 model keeps in its item rows/);
});

test('the vocabulary must match itemCount', () => {
  const m = parseManifest(tiny);
  if (!m.ok) throw new Error('fixture');
  expect(parseItems({ ids: ['a', 'b'] }, m.value)).toMatchObject({ ok: false, error: { message: /holds 2 ids, manifest\.json says itemCount 6/ } });
  expect(parseItems({ ids: [1, 2, 3, 4, 5, 6] }, m.value)).toMatchObject({ ok: false });
  expect(parseItems({ ids: ['a', 'b', 'c', 'd', 'e', 'f'] }, m.value)).toEqual({ ok: true, value: { ids: ['a', 'b', 'c', 'd', 'e', 'f'] } });
});
