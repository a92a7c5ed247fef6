/** Replaced at build time with package.json's version. */
declare const __VITRINE_VERSION__: string;

/**
 * The script-tag build's integrity of its second stage (dist/vitrine-engine.js), "sha384-…", or "" where
 * the build has none (the npm build: the app's bundler and host own its files).
 */
declare const __VITRINE_ENGINE_INTEGRITY__: string;

/** The second stage's sha256 of each .wasm file beside it, by name; null where the build has none (npm). */
declare const __VITRINE_WASM_SHA256__: Readonly<Record<string, string>> | null;

/**
 * True in the script tag's second stage, whose TensorFlow.js is its own: it may set tfjs's global flags.
 * False in the npm build, where tfjs is the app's, shared: Vitrine leaves its flags as the app set them.
 */
declare const __VITRINE_OWN_TFJS__: boolean;
