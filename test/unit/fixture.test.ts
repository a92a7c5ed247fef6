import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeModel } from '../../src/cli/write-model.js';
import { TINY_DIM, TINY_EMBEDDINGS, TINY_IDS } from '../fixtures/tiny-model.js';

// The tiny model as this version writes it (test/fixtures/tiny-model is the same model in version 1).
const committed = join(import.meta.dirname, '../fixtures/tiny-model-v2');

// The committed fixture is what the writer makes today; UPDATE_FIXTURES=1 rewrites it.
test('the committed tiny model is byte for byte what writeModel writes', async () => {
  const out = process.env.UPDATE_FIXTURES ? committed : join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
  await writeModel(out, { ids: TINY_IDS, tensors: { item_embeddings: { values: TINY_EMBEDDINGS, shape: [TINY_IDS.length, TINY_DIM] } } });
  const files = (await readdir(committed)).sort();
  const hashed = (stem: string, ext: string) => expect.stringMatching(new RegExp(`^${stem}-[0-9a-f]{16}\\.${ext}$`));
  expect(files).toEqual([hashed('core', 'bin'), hashed('items', 'json'), 'manifest.json', hashed('popular', 'bin'), hashed('rows', 'bin')]);
  expect((await readdir(out)).sort()).toEqual(files);
  for (const f of files) expect(await readFile(join(out, f)), f).toEqual(await readFile(join(committed, f)));
});
