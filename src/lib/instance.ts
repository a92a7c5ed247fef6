import type {
  BackendName,
  EventType,
  ConsentState,
  HistoryEvent,
  ProfileExport,
  Ranked,
  RankOptions,
  RecommendOptions,
  StartedVitrine,
  TrackEvent,
  Vitrine,
  VitrineError,
  VitrineOptions,
} from '../types/index.js';
import { whenIdle } from './idle.js';
export { whenIdle };
import { CONSENT_STATES, checkRankArgs, checkRecommendArgs, resolveOptions, show } from './options.js';
import { manifestUrl, requestFile, type FetchedModel } from './fetch-model.js';
import type { Engine } from './engine.js';
import { normalise, type NormalEvent } from '../scoring/events.js';
import { Profile } from './profile/profile.js';
import { autoTrack } from './profile/auto-track.js';

/** The second stage: the module that needs TensorFlow.js (./ranker.ts), fetched on first use. */
export type Ranker = typeof import('./ranker.js');
type RankerStart = import('./ranker.js').RankerStart;
export type LoadRanker = () => Promise<Ranker>;

export type { StartedVitrine };

/** The page's own order, less the excluded ids: what `rank` returns when it does not personalise. */
export const pageOrder = (ids: readonly string[], exclude: readonly string[]): Ranked[] => ids.filter((id) => !exclude.includes(id)).map((id) => ({ id, score: 0 }));

/** `createVitrine` with the second stage imported through `loadRanker`. */
export async function createWith(loadRanker: LoadRanker, options: VitrineOptions): Promise<Vitrine> {
  const vitrine = await startWith(loadRanker, { ...options, loadModel: 'now' });
  await vitrine.load();
  return vitrine;
}

/**
 * Opens the profile and starts tracking at once; the model loads as `options.loadModel` says (at once by
 * default), its code imported through `loadRanker`. Resolves once the profile is open (in a later task).
 */
export async function startWith(loadRanker: LoadRanker, options: VitrineOptions): Promise<StartedVitrine> {
  const opts = resolveOptions(options);
  const base = typeof document !== 'undefined' ? document.baseURI : undefined;
  let url: URL;
  try {
    url = manifestUrl(opts.model, base);
  } catch {
    throw new TypeError(`vitrine: options.model ${JSON.stringify(opts.model)} is not a valid URL`);
  }
  const profile = new Promise((r) => setTimeout(r)).then(() => Profile.open({
    consent: opts.consent,
    honorGpc: opts.honorGlobalPrivacyControl,
    retentionDays: opts.retentionDays,
    maxEvents: opts.maxEvents,
    sessionTimeoutMs: opts.sessionTimeoutMinutes * 60_000,
    storageName: opts.storageName,
  }));
  const rankerOptions = {
    backend: opts.backend,
    wasmPaths: opts.wasmPaths,
    scoring: opts.scoring,
    gapMs: opts.sessionTimeoutMinutes * 60_000,
    plainScoringUpTo: opts.plainScoringUpTo,
    // Model rows of the visitor's own items, kept with the profile (and erased with it).
    keep: {
      database: async () => (await profile).database,
      persistent: async () => (await profile).persistent,
    },
  };
  let files: FetchedModel | undefined;
  // `loaded` settles when ranking can use the model (in plain loops), `load()` once its backend started too.
  let usable!: () => void;
  const loaded = new Promise<void>((resolve) => (usable = resolve));
  let loading: Promise<void> | undefined;
  // The instance exists once the profile is open; a load started before that attaches to it then.
  let resolveInstance!: (instance: Instance) => void;
  const instanceMade = new Promise<Instance>((resolve) => (resolveInstance = resolve));
  // The items the page shows (the script tag's lists): their rows are asked for with the model's core.
  let pageItems: (() => readonly string[]) | undefined;
  const load = (): Promise<void> =>
    (loading ??= loadOnce()
      .catch(async (e: Error) => {
        // Whatever went wrong, the instance learns it as a value and the page keeps its order.
        (await instanceMade)._attach(undefined, { error: { code: 'backend', message: `the engine failed to start (${e?.message ?? e})` }, reason: 'not started' });
      })
      .catch(() => {})
      .finally(usable));
  const loadOnce = async () => {
    performance.mark('vitrine:load');
    // The manifest and the code that reads it download side by side; the code fetches the rest while
    // it starts a backend.
    const manifest = requestFile(url);
    manifest.catch(() => {});
    const ranker = await loadRanker().catch((e: Error) => e);
    if (ranker instanceof Error) {
      const tampered = (ranker as { code?: string }).code === 'engine-integrity';
      const message = tampered ? ranker.message : `the ranking code could not be loaded (${ranker.message})`;
      return (await instanceMade)._attach(undefined, { error: { code: tampered ? 'engine-integrity' : 'model-fetch', message }, reason: 'not started' });
    }
    // (A throw here is caught by load(): the instance learns it as an error.)
    // A backend started later (when a candidate set first needs one) replaces the engine's state as the first did.
    const onDevice = (start: RankerStart) => void instanceMade.then((i) => i._attach(ranker, start));
    const started = await ranker.loadEngine(url, { timeoutMs: opts.timeoutMs, manifest }, { ...rankerOptions, pageItems, onDevice });
    files = started.files;
    const instance = await instanceMade;
    instance._attach(ranker, started);
    usable();
    // The backend's start: the engine on it, or on none (plain loops go on), or an error (then nothing runs).
    if ('device' in started) instance._attach(ranker, await started.device);
  };
  // Model files and engine code download while the profile opens.
  if (opts.loadModel === 'now') void load();
  // Tracks at once: events wait for the profile, with their time.
  const stopTracking =
    opts.autoTrack && typeof document !== 'undefined'
      ? autoTrack(
          document,
          (event, time = Date.now()) => void instanceMade.then((i) => i.track({ ...event, time })).catch((e) => console.warn(`vitrine: ${(e as Error).message}`)),
          (item, list, time = Date.now()) => void profile.then((p) => p.record({ item, list, type: 'bounce', time })),
        )
      : () => {};
  const opened = await profile;
  const instance = new Instance(opened, load, async (ranker) => {
    // A lost WebGL context: rebuild the engine on WASM (or CPU) from the files already fetched.
    const next = files && (await ranker.startRanker(files, { ...rankerOptions, backend: 'wasm' }));
    return next && 'engine' in next ? { ...next, reason: `WebGL context lost: using ${next.backend}` } : undefined;
  });
  instance._stopTracking = stopTracking;
  resolveInstance(instance);
  if (opts.loadModel === 'idle') whenIdle(() => void load());
  return Object.assign(instance, { load, loaded, _showing: (items: () => readonly string[]) => void (pageItems = items) });
}

type Rebuild = (ranker: Ranker) => Promise<{ engine: Engine; backend: BackendName | undefined; reason: string } | undefined>;

class Instance implements Vitrine {
  private _ranker: Ranker | undefined;
  private _engine: Engine | undefined;
  private _error: VitrineError | undefined = { code: 'loading', message: 'the model is still loading' };
  private _backend: BackendName | undefined;
  private _backendReason = 'the model is still loading';
  private _disposed = false;
  _stopTracking = () => {};

  constructor(
    private readonly _profile: Profile,
    private readonly _load: () => Promise<void>,
    private readonly _rebuild: Rebuild,
  ) {}

  /** The model's outcome: an engine to rank with, or why there is none. */
  _attach(ranker: Ranker | undefined, started: { engine: Engine; backend?: BackendName; reason: string } | { error: VitrineError; reason: string }): void {
    this._ranker = ranker;
    if ('error' in started) {
      console.warn(`vitrine: keeping the page's order (${started.error.message})`);
      [this._engine, this._error, this._backendReason] = [undefined, started.error, started.reason];
    } else if (this._disposed) {
      started.engine.release();
    } else {
      [this._engine, this._error, this._backend, this._backendReason] = [started.engine, undefined, started.backend, started.reason];
    }
  }

  get backend(): BackendName | undefined {
    return this._backend;
  }

  get backendReason(): string {
    return this._backendReason;
  }

  /** The engine to use now (starting the model's load if it has not started); after a lost WebGL context, a new one. */
  private async _current(): Promise<Engine | undefined> {
    if (!this._disposed) void this._load();
    if (this._engine && this._backend === 'webgl' && this._ranker?.webglContextLost()) {
      const old = this._engine;
      this._engine = undefined;
      try {
        old.release();
      } catch {
        // The lost context's textures are gone already.
      }
      const next = await this._rebuild(this._ranker).catch(() => undefined);
      if (next) [this._engine, this._backend, this._backendReason] = [next.engine, next.backend, next.reason];
      else this._error = { code: 'backend', message: 'WebGL context lost and no other backend started' };
      console.warn(`vitrine: ${this._engine ? this._backendReason : this._error!.message}`);
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
    const keep = () => pageOrder(ids, o.exclude);
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
    return given !== undefined ? normalise(checked, now) : this._stored();
  }

  /** The stored profile's events, as the engine reads them. */
  private _stored(): NormalEvent[] {
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
    return this._profile.export(this._ranker?.interests(this._engine, this._stored(), Date.now()) ?? []);
  }

  forget(): Promise<void> {
    return this._profile.forget();
  }

  onProfileChange(listener: (event?: { type: EventType | 'bounce'; item: string }) => void): () => void {
    return this._profile.onChange((e) => listener(e && { type: e.type, item: e.item }));
  }

  memory(): { numTensors: number; numBytes: number } {
    return this._ranker?.memory() ?? { numTensors: 0, numBytes: 0 };
  }

  private _fail(e: unknown): void {
    console.warn(`vitrine: ranking failed, keeping the page's order (${(e as Error)?.message ?? e})`);
  }

  dispose(): void {
    this._disposed = true;
    this._stopTracking();
    this._profile.dispose();
    this._engine?.release();
    this._engine = undefined;
    this._error = { code: 'disposed', message: 'dispose() was called' };
  }
}
