import { readFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export { fileFetch } from '../../src/cli/file-fetch.js';

export const TINY_MODEL_DIR = join(import.meta.dirname, '../fixtures/tiny-model');

/** The tiny model's data files, by the content-addressed names its manifest gives them. */
const tinyManifest = JSON.parse(readFileSync(join(TINY_MODEL_DIR, 'manifest.json'), 'utf8'));
export const TINY_ITEMS_FILE: string = tinyManifest.items;
export const TINY_WEIGHTS_FILE: string = tinyManifest.weights[0].paths[0];

/** The model directory's URL, as createVitrine's `model` option takes it. */
export const dirUrl = (dir: string) => new URL(`${pathToFileURL(dir).href}/manifest.json`);

/** A private copy of the tiny model, to damage in a test. */
export async function copyOfTinyModel(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
  await cp(TINY_MODEL_DIR, dir, { recursive: true });
  return dir;
}

import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src/types/index.js';
import { Engine, type RankRequest } from '../../src/lib/engine.js';
import { decodeModel, type ScoringWeights } from '../../src/lib/model.js';
import type { FetchedModel } from '../../src/lib/fetch-model.js';
import { RowSource } from '../../src/lib/row-source.js';
import { fileFetch } from '../../src/cli/file-fetch.js';

/** An engine over fetched files, with scoring overrides (the page's order off by default, as in a unit test). */
export const engineFor = async (fetched: FetchedModel, scoring: Partial<ScoringWeights> = { page: 0 }, plainUpTo?: number) => {
  const model = await decodeModel(fetched, scoring);
  // A version 2 model's rows come through the browser's row source, over files here.
  const engine = new Engine(model, 30 * 60_000, model.partial ? new RowSource(fetched.manifest, fetched.url, fileFetch) : undefined, undefined, plainUpTo);
  // The backend the test runs on, as the browser's startDevice sets it once one started.
  await tf.ready();
  engine.useBackend(tf.getBackend() as BackendName);
  return engine;
};

/** rank() with every option at its default. */
export const rankWith = (engine: Engine, ids: readonly string[], history: readonly string[], more: Partial<RankRequest> = {}) =>
  engine.rank({ ids, events: history.map((id) => ({ id, type: 'click', time: 1 })), now: 1, pinned: new Set(), exclude: new Set(), diversity: 0, explain: false, categories: new Map(), ...more });
