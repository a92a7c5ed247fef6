// `vitrine/shared-tfjs`: the same API as `vitrine`, with an engine that runs on the app's own TensorFlow.js
// (`@tensorflow/tfjs-core` and the cpu, webgl and wasm backends, the app's dependencies) instead of bringing
// its own copy: for an app that already ships tfjs. README: "An app that uses TensorFlow.js itself".
import type { StartedVitrine, Vitrine, VitrineOptions } from './types/index.js';
import { createWith, startWith, type LoadRanker } from './lib/instance.js';

// The same types as `vitrine`'s (the local functions below take the place of its two).
export type * from './index.js';

const loadRanker: LoadRanker = () => import('./lib/ranker.js');

/** `createVitrine` of `vitrine`, on the app's TensorFlow.js. */
export function createVitrine(options: VitrineOptions): Promise<Vitrine> {
  return createWith(loadRanker, options);
}

/** `startVitrine` of `vitrine`, on the app's TensorFlow.js. */
export function startVitrine(options: VitrineOptions): Promise<StartedVitrine> {
  return startWith(loadRanker, options);
}
