import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const TINY_MODEL_DIR = join(import.meta.dirname, '../fixtures/tiny-model');

/** A `fetch` over file: URLs, answering 404 for missing files, as a static server would. */
export const fileFetch: typeof fetch = async (input) => {
  try {
    return new Response(await readFile(fileURLToPath(String(input instanceof Request ? input.url : input))));
  } catch {
    return new Response(null, { status: 404 });
  }
};

/** The model directory's URL, as createVitrine's `model` option takes it. */
export const dirUrl = (dir: string) => new URL(`${pathToFileURL(dir).href}/manifest.json`);

/** A private copy of the tiny model, to damage in a test. */
export async function copyOfTinyModel(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
  await cp(TINY_MODEL_DIR, dir, { recursive: true });
  return dir;
}
