import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeModel } from '../../src/cli/write-model.js';
import { TINY_DIM, TINY_EMBEDDINGS, TINY_IDS } from '../fixtures/tiny-model.js';

const committed = join(import.meta.dirname, '../fixtures/tiny-model');

// The committed fixture is what the writer makes today; UPDATE_FIXTURES=1 rewrites it.
test('the committed tiny model is byte for byte what writeModel writes', async () => {
  const out = process.env.UPDATE_FIXTURES ? committed : join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
  await writeModel(out, { ids: TINY_IDS, tensors: { item_embeddings: { values: TINY_EMBEDDINGS, shape: [TINY_IDS.length, TINY_DIM] } } });
  const files = (await readdir(committed)).sort();
  expect(files).toEqual([expect.stringMatching(/^items-[0-9a-f]{16}\.json$/), 'manifest.json', expect.stringMatching(/^weights-[0-9a-f]{16}\.bin$/)]);
  expect((await readdir(out)).sort()).toEqual(files);
  for (const f of files) expect(await readFile(join(out, f)), f).toEqual(await readFile(join(committed, f)));
});
