import type { StartedVitrine, Vitrine, VitrineOptions } from './types/index.js';
import { createWith, startWith } from './lib/instance.js';

export type { StartedVitrine };

// The second stage (TensorFlow.js and the engine) is a separate chunk, imported when a model loads.
const loadRanker = () => import('./lib/ranker.js');

/**
 * Loads a model and starts a backend. Resolves even when the model cannot be used: the instance then
 * has `ready: false`, an `error` saying why, and `rank` keeps the page's order. Throws only for bad options.
 */
export function createVitrine(options: VitrineOptions): Promise<Vitrine> {
  return createWith(loadRanker, options);
}

/**
 * Opens the profile and starts tracking at once; the model and TensorFlow.js load in the background as
 * `options.loadModel` says (at once, when the page is idle, or on `load()` or the first rank). Resolves as
 * soon as the profile is open.
 */
export function startVitrine(options: VitrineOptions): Promise<StartedVitrine> {
  return startWith(loadRanker, options);
}
