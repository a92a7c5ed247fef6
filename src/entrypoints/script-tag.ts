// The script-tag build (dist/vitrine.min.js, global `vitrine`). The only module that reads page globals.
import { createVitrine } from '../create-vitrine.js';
import type { VitrineOptions } from '../types/index.js';

// The .wasm files ship beside this script; find them from its own URL so the page configures nothing.
const script = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const here = script?.src ? new URL('./', script.src).href : undefined;

/** Same as the npm entry's `createVitrine`, with `wasmPaths` defaulting to this script's folder. */
function create(options: VitrineOptions) {
  return createVitrine(here && options && typeof options === 'object' ? { wasmPaths: here, ...options } : options);
}

export { create as createVitrine };
export const version = __VITRINE_VERSION__;
