import * as tf from '@tensorflow/tfjs-core';
import type {
  BackendName,
  EventType,
  ConsentState,
  HistoryEvent,
  ProfileExport,
  Ranked,
  RankOptions,
  RecommendOptions,
  TrackEvent,
  Vitrine,
  VitrineError,
  VitrineOptions,
} from './types/index.js';
import { CONSENT_STATES, checkRankArgs, checkRecommendArgs, resolveOptions, show } from './lib/options.js';
import { fetchModel, manifestUrl, type FetchedModel } from './lib/fetch-model.js';
import { chooseBackend, webglContextLost } from './lib/backend.js';
import { decodeModel, disposeModel } from './lib/model.js';
import { Engine } from './lib/engine.js';
import { interestsByCategory, normalise, profileWeights, type NormalEvent } from './lib/signals.js';
import { Profile } from './lib/profile/profile.js';
import { autoTrack } from './lib/profile/auto-track.js';

/**
 * Loads a model and starts a backend. Resolves even when the model cannot be used: the instance then
 * has `ready: false`, an `error` saying why, and `rank` keeps the page's order. Throws only for bad options.
 */
export async function createVitrine(options: VitrineOptions): Promise<Vitrine> {
  const vitrine = await startVitrine(options);
  await vitrine.loaded;
  return vitrine;
}

/** An instance that is tracking already while its model loads; `loaded` settles when ranking can use it. */
export type StartedVitrine = Vitrine & { readonly loaded: Promise<void> };

/**
 * Opens the profile and starts tracking at once, and loads the model in the background: events are kept
 * even before (or without) a model. Resolves as soon as the profile is open.
 */
export async function startVitrine(options: VitrineOptions): Promise<StartedVitrine> {
  const opts = resolveOptions(options);
  const base = typeof document !== 'undefined' ? document.baseURI : undefined;
  let url: URL;
  try {
    url = manifestUrl(opts.model, base);
  } catch {
    throw new TypeError(`vitrine: options.model ${JSON.stringify(opts.model)} is not a valid URL`);
  }
  // Fetching and backend start-up begin now and overlap the profile's opening.
  const fetching = fetchModel(url, { timeoutMs: opts.timeoutMs });
  const starting = chooseBackend(opts.backend, { wasmPaths: opts.wasmPaths });
  const profile = await Profile.open({
    consent: opts.consent,
    honorGpc: opts.honorGlobalPrivacyControl,
    retentionDays: opts.retentionDays,
    maxEvents: opts.maxEvents,
    sessionTimeoutMs: opts.sessionTimeoutMinutes * 60_000,
    storageName: opts.storageName,
  });
  const stopTracking =
    opts.autoTrack && typeof document !== 'undefined'
      ? autoTrack(
          document,
          (event) => void profile.track(event).catch((e) => console.warn(`vitrine: ${(e as Error).message}`)),
          (item, list) => void profile.record({ item, list, type: 'bounce', time: Date.now() }),
        )
      : () => {};
  const gapMs = opts.sessionTimeoutMinutes * 60_000;
  const build = async (files: FetchedModel) => {
    const engine = new Engine(decodeModel(files, opts.scoring), gapMs);
    await engine.warmUp();
    return engine;
  };
  let files: FetchedModel | undefined;
  const instance = new Instance(profile, stopTracking, async () => {
    // A lost WebGL context: rebuild the engine on WASM (or CPU) from the files already fetched.
    const next = await chooseBackend('wasm', { wasmPaths: opts.wasmPaths });
    if (!next.backend || !files) return undefined;
    return { engine: await build(files), backend: next.backend, reason: `WebGL context lost: using ${next.backend}` };
  });
  const loaded = (async () => {
    const [fetched, choice] = await Promise.all([fetching, starting]);
    let engine: Engine | undefined;
    let error: VitrineError | undefined;
    if (!fetched.ok) error = fetched.error;
    else if (!choice.backend) error = { code: 'backend', message: choice.reason };
    else {
      files = fetched.value;
      try {
        engine = await build(fetched.value);
      } catch (e) {
        error = { code: 'model-invalid', message: `weights could not be decoded: ${(e as Error).message}` };
      }
    }
    if (error && typeof console !== 'undefined') console.warn(`vitrine: keeping the page's order (${error.message})`);
    instance._attach(engine, error, engine ? choice.backend : undefined, choice.reason);
  })();
  return Object.assign(instance, { loaded });
}

type Rebuild = () => Promise<{ engine: Engine; backend: BackendName; reason: string } | undefined>;

class Instance implements Vitrine {
  private _engine: Engine | undefined;
  private _error: VitrineError | undefined = { code: 'loading', message: 'the model is still loading' };
  private _backend: BackendName | undefined;
  private _backendReason = 'the model is still loading';
  private _disposed = false;

  constructor(
    private readonly _profile: Profile,
    private readonly _stopTracking: () => void,
    private readonly _rebuild: Rebuild,
  ) {}

  /** The model's outcome: an engine to rank with, or why there is none. */
  _attach(engine: Engine | undefined, error: VitrineError | undefined, backend: BackendName | undefined, reason: string): void {
    if (this._disposed) {
      if (engine) {
        engine.dispose();
        disposeModel(engine.model);
      }
      return;
    }
    [this._engine, this._error, this._backend, this._backendReason] = [engine, error, backend, reason];
  }

  get backend(): BackendName | undefined {
    return this._backend;
  }

  get backendReason(): string {
    return this._backendReason;
  }

  /** The engine to use now; after a lost WebGL context, a new one on another backend. */
  private async _current(): Promise<Engine | undefined> {
    if (this._engine && this._backend === 'webgl' && webglContextLost()) {
      const old = this._engine;
      this._engine = undefined;
      try {
        old.dispose();
        disposeModel(old.model);
      } catch {
        // The lost context's textures are gone already.
      }
      const next = await this._rebuild().catch(() => undefined);
      if (next) [this._engine, this._backend, this._backendReason] = [next.engine, next.backend, next.reason];
      else this._error = { code: 'backend', message: 'WebGL context lost and no other backend started' };
      if (typeof console !== 'undefined') console.warn(`vitrine: ${this._engine ? this._backendReason : this._error!.message}`);
    }
    return this._engine;
  }

  get ready(): boolean {
    return this._engine !== undefined;
  }

  get error(): VitrineError | undefined {
    return this._error;
  }

  async rank(ids: readonly string[], options?: RankOptions): Promise<Ranked[]> {
    const o = checkRankArgs(ids, options);
    const keep = () => ids.filter((id) => !o.exclude.includes(id)).map((id) => ({ id, score: 0 }));
    const engine = await this._current();
    if (!engine) return keep();
    const now = Date.now();
    try {
      return await engine.rank({
        ids,
        events: this._history(options?.history, o.history, now),
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
    const engine = await this._current();
    if (!engine || o.k === 0) return [];
    const now = Date.now();
    try {
      return await engine.recommend(o.k, this._history(options.history, o.history, now), now, new Set(o.exclude), o.explain);
    } catch (e) {
      this._fail(e);
      return [];
    }
  }

  /** The history a rank reads: the page's own when it passes one, else the stored profile. */
  private _history(given: unknown, checked: readonly (string | HistoryEvent)[], now: number): NormalEvent[] {
    if (given !== undefined) return normalise(checked, now);
    return this._profile.events.map((e) => ({ id: e.item, type: e.type, time: e.time }));
  }

  track(event: TrackEvent): Promise<void> {
    return this._profile.track(event);
  }

  async consent(state: ConsentState): Promise<void> {
    if (!CONSENT_STATES.includes(state)) {
      throw new TypeError(`vitrine.consent: state must be one of ${CONSENT_STATES.map((c) => `'${c}'`).join(', ')}, got ${show(state)}`);
    }
    await this._profile.consent(state);
  }

  async profile(): Promise<ProfileExport> {
    const m = this._engine?.model;
    const weights = profileWeights(this._profile.events.map((e) => ({ id: e.item, type: e.type, time: e.time })), Date.now());
    const interests = m?.categories ? interestsByCategory(weights, (id) => (m.index.has(id) ? m.categories![m.index.get(id)!] : undefined)) : [];
    return this._profile.export(interests);
  }

  forget(): Promise<void> {
    return this._profile.forget();
  }

  onProfileChange(listener: (event?: { type: EventType | 'bounce'; item: string }) => void): () => void {
    return this._profile.onChange((e) => listener(e && { type: e.type, item: e.item }));
  }

  memory(): { numTensors: number; numBytes: number } {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  }

  private _fail(e: unknown): void {
    if (typeof console !== 'undefined') console.warn(`vitrine: ranking failed, keeping the page's order (${(e as Error)?.message ?? e})`);
  }

  dispose(): void {
    this._disposed = true;
    this._stopTracking();
    this._profile.dispose();
    if (this._engine) {
      this._engine.dispose();
      disposeModel(this._engine.model);
    }
    this._engine = undefined;
    this._error = { code: 'disposed', message: 'dispose() was called' };
  }
}
