import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export { fileFetch } from '../../src/cli/file-fetch.js';

export const TINY_MODEL_DIR = join(import.meta.dirname, '../fixtures/tiny-model');

/** The model directory's URL, as createVitrine's `model` option takes it. */
export const dirUrl = (dir: string) => new URL(`${pathToFileURL(dir).href}/manifest.json`);

/** A private copy of the tiny model, to damage in a test. */
export async function copyOfTinyModel(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
  await cp(TINY_MODEL_DIR, dir, { recursive: true });
  return dir;
}
