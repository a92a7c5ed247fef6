import type { StartedVitrine, Vitrine, VitrineOptions } from './types/index.js';
import { createWith, startWith, type LoadRanker } from './lib/instance.js';

export type { StartedVitrine };

// The second stage: the engine with its own slim TensorFlow.js (the script tag's dist/vitrine-engine.js,
// the same file), a chunk the app's bundler splits off and imports when a model loads. (The build maps this
// import to ./vitrine-engine.js; `vitrine/shared-tfjs` imports an engine on the app's TensorFlow.js instead.)
const loadRanker: LoadRanker = () => import('./entrypoints/engine.js');

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
