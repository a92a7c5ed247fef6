/** A tfjs backend Vitrine can rank on. */
export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** Which backend to use: `'auto'` picks WebGL on a real GPU, else WASM, else CPU. */
export type BackendPreference = 'auto' | BackendName;

/** Options of {@link createVitrine}. Only `model` is required. */
export interface VitrineOptions {
  /**
   * URL of the model directory (ending in `/`) or of its `manifest.json`.
   * Relative URLs resolve against the page.
   */
  model: string;
  /**
   * Backend to rank on. With `'auto'` (the default) WebGL is used only when a hardware GPU renders it;
   * a software renderer (SwiftShader, llvmpipe) is slower than WASM and counts as no GPU. A named backend
   * that fails to start falls back along webgl → wasm → cpu, and `backendReason` says so.
   * @default 'auto'
   */
  backend?: BackendPreference;
  /**
   * Where the WASM backend's `.wasm` files are: a URL prefix ending in `/`. The script-tag build sets
   * this to its own folder; bundler users point it at wherever they copied
   * `@tensorflow/tfjs-backend-wasm/dist/*.wasm`.
   * @default undefined (tfjs looks next to the running script)
   */
  wasmPaths?: string;
  /**
   * How long to wait for model files before giving up and keeping the page's order, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
}

/** One ranked item, best first. */
export interface Ranked {
  /** The item's id, as the page gave it. */
  id: string;
  /** Higher is better. Scores of one call are comparable with each other only. */
  score: number;
}

/** Options of {@link Vitrine.rank}. */
export interface RankOptions {
  /**
   * Item ids the visitor interacted with, oldest first. Until the local profile store lands, the caller
   * supplies the history; ids the model does not know are ignored.
   * @default []
   */
  history?: readonly string[];
}

/** Why the model is not in use. Expected failures are reported, never thrown. */
export interface VitrineError {
  /** A stable code to branch on. */
  code: 'model-fetch' | 'model-invalid' | 'model-integrity' | 'backend' | 'disposed';
  /** A sentence naming what was wrong and what was expected. */
  message: string;
}

/** A personalisation instance, made by {@link createVitrine}. */
export interface Vitrine {
  /** True when the model is loaded and ranking uses it; false when ranking keeps the page's order. */
  readonly ready: boolean;
  /** Why `ready` is false, if it is. */
  readonly error: VitrineError | undefined;
  /** The backend ranking runs on, or `undefined` when no model is loaded. */
  readonly backend: BackendName | undefined;
  /** Why that backend was chosen, in words (e.g. "software WebGL renderer (SwiftShader): using WASM"). */
  readonly backendReason: string;
  /**
   * Orders `ids` best first. Never rejects for a missing model or unknown ids: without a model, or for
   * ids the model does not know, the page's order is the tie-breaker and is kept.
   */
  rank(ids: readonly string[], options?: RankOptions): Promise<Ranked[]>;
  /**
   * What the tensor runtime holds right now, across all instances on the page (tfjs's `tf.memory()`):
   * for debugging views, benchmarks and leak checks.
   */
  memory(): { numTensors: number; numBytes: number };
  /** Frees the model's tensors. Later `rank` calls keep the page's order. */
  dispose(): void;
}
