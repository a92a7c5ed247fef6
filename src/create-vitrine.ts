import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, Ranked, RankOptions, RecommendOptions, Vitrine, VitrineError, VitrineOptions } from './types/index.js';
import { checkRankArgs, checkRecommendArgs, resolveOptions } from './lib/options.js';
import { fetchModel, manifestUrl } from './lib/fetch-model.js';
import { chooseBackend } from './lib/backend.js';
import { decodeModel, disposeModel } from './lib/model.js';
import { Engine } from './lib/engine.js';
import { normalise } from './lib/signals.js';

/**
 * Loads a model and starts a backend. Resolves even when the model cannot be used: the instance then
 * has `ready: false`, an `error` saying why, and `rank` keeps the page's order. Throws only for bad options.
 */
export async function createVitrine(options: VitrineOptions): Promise<Vitrine> {
  const opts = resolveOptions(options);
  const base = typeof document !== 'undefined' ? document.baseURI : undefined;
  let url: URL;
  try {
    url = manifestUrl(opts.model, base);
  } catch {
    throw new TypeError(`vitrine: options.model ${JSON.stringify(opts.model)} is not a valid URL`);
  }
  // Fetching and backend start-up overlap; tensors are made only once both are done.
  const [fetched, choice] = await Promise.all([
    fetchModel(url, { timeoutMs: opts.timeoutMs }),
    chooseBackend(opts.backend, { wasmPaths: opts.wasmPaths }),
  ]);
  let engine: Engine | undefined;
  let error: VitrineError | undefined;
  if (!fetched.ok) error = fetched.error;
  else if (!choice.backend) error = { code: 'backend', message: choice.reason };
  else {
    try {
      engine = new Engine(decodeModel(fetched.value, opts.scoring), opts.sessionTimeoutMinutes * 60_000);
    } catch (e) {
      error = { code: 'model-invalid', message: `weights could not be decoded: ${(e as Error).message}` };
    }
  }
  if (error && typeof console !== 'undefined') console.warn(`vitrine: keeping the page's order (${error.message})`);
  return new Instance(engine, error, engine ? choice.backend : undefined, choice.reason);
}

class Instance implements Vitrine {
  constructor(
    private _engine: Engine | undefined,
    private _error: VitrineError | undefined,
    readonly backend: BackendName | undefined,
    readonly backendReason: string,
  ) {}

  get ready(): boolean {
    return this._engine !== undefined;
  }

  get error(): VitrineError | undefined {
    return this._error;
  }

  async rank(ids: readonly string[], options?: RankOptions): Promise<Ranked[]> {
    const o = checkRankArgs(ids, options);
    const keep = () => ids.filter((id) => !o.exclude.includes(id)).map((id) => ({ id, score: 0 }));
    if (!this._engine) return keep();
    const now = Date.now();
    try {
      return await this._engine.rank({
        ids,
        events: normalise(o.history, now),
        now,
        pinned: new Set(o.pinned),
        exclude: new Set(o.exclude),
        diversity: o.diversity,
        explain: o.explain,
        categories: o.categories,
      });
    } catch (e) {
      // A failure inside the engine (a lost GPU context, say) must not break the page: keep its order.
      this._fail(e);
      return keep();
    }
  }

  async recommend(options: RecommendOptions): Promise<Ranked[]> {
    const o = checkRecommendArgs(options);
    if (!this._engine || o.k === 0) return [];
    const now = Date.now();
    try {
      return await this._engine.recommend(o.k, normalise(o.history, now), now, new Set(o.exclude), o.explain);
    } catch (e) {
      this._fail(e);
      return [];
    }
  }

  memory(): { numTensors: number; numBytes: number } {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  }

  private _fail(e: unknown): void {
    if (typeof console !== 'undefined') console.warn(`vitrine: ranking failed, keeping the page's order (${(e as Error)?.message ?? e})`);
  }

  dispose(): void {
    if (this._engine) {
      this._engine.dispose();
      disposeModel(this._engine.model);
    }
    this._engine = undefined;
    this._error ??= { code: 'disposed', message: 'dispose() was called' };
  }
}
