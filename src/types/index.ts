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
  /**
   * Overrides of the model's scoring weights (docs/model-format.md, Scoring): `lstm` (session model),
   * `last`, `decay`, `repeat` and `repeatDecay` (the session's neighbourhood), `long`, `history` and `seen` (the long-term
   * profile: u · E, the whole history's neighbourhood, and what is added to items the visitor already chose),
   * `page` (the page's own order), `category` (affinity to the categories of what the visitor chose), `dislike`
   * (how far dislikes and dismissals push the items of their categories down; the model's, else 0.3) and `halfLife`
   * (days over which a long-term event loses half its weight; the model's, else 14). The long-term weights
   * of views, add-to-carts and purchases are the model's (`scoring.view`, `add_to_cart`, `purchase` in its
   * manifest, tuned where the training log had them; else 0.1, 2 and 3), not options. The trainer tunes all
   * but `page` (default 0.05); a model without tuned weights uses `long` 0.05 beside a
   * session model and 1 without, and `history`, `seen` and `category` 0.
   * @default {}
   */
  scoring?: Partial<Record<'lstm' | 'last' | 'decay' | 'repeat' | 'repeatDecay' | 'long' | 'history' | 'seen' | 'page' | 'category' | 'halfLife' | 'dislike', number>>;
  /**
   * A session ends after this many minutes without an event; the session model reads the current session.
   * @default 30
   */
  sessionTimeoutMinutes?: number;
  /**
   * The visitor's consent to a stored profile, until the page calls `consent()`. `granted`: events are kept
   * in IndexedDB across visits; `pending`: kept in memory for this page only; `denied`: nothing is recorded
   * and what was stored is erased. A `granted` given through `consent()` is remembered on the device and
   * wins over this default on later visits.
   * @default 'granted'
   */
  consent?: ConsentState;
  /**
   * Honour Global Privacy Control: when the browser sends it, the profile is kept in memory for the page's
   * life only, whatever the consent.
   * @default true
   */
  honorGlobalPrivacyControl?: boolean;
  /** Events older than this many days are deleted. @default 30 */
  retentionDays?: number;
  /** At most this many events are kept; the oldest go first. @default 1000 */
  maxEvents?: number;
  /** The IndexedDB database's name (two instances on one origin need two names). @default 'vitrine' */
  storageName?: string;
  /**
   * Track what the page marks, with no further code: clicks on `[data-vitrine-item]` (the type from
   * `data-vitrine-event`, the list from `data-vitrine-list`), views (half the item on screen for a second)
   * and bounces (back within ten seconds of leaving through an item). The script tag turns it on.
   * @default false
   */
  autoTrack?: boolean;
  /**
   * When the model and the code that runs it (TensorFlow.js, a separate chunk) are fetched: `now`;
   * `idle`, when the browser is next idle (within 2 s); or `manual`, on `load()` or the first `rank` or
   * `recommend`. Tracking starts at once either way. `createVitrine` always loads now.
   * @default 'now'
   */
  loadModel?: 'now' | 'idle' | 'manual';
  /**
   * Lists (and recommend pools) of up to this many items are scored in plain JavaScript; larger ones on
   * the tfjs backend, where the arithmetic outweighs a tfjs call's fixed cost. The default is the
   * crossover measured for each backend (docs/benchmarks.md, Engine); 0 sends everything to the backend,
   * `Infinity` nothing.
   */
  plainScoringUpTo?: number;
}

/** The visitor's consent to a stored profile. */
export type ConsentState = 'granted' | 'denied' | 'pending';

/** Everything Vitrine holds about the visitor, as readable JSON (`profile()`). */
export interface ProfileExport {
  /** Every event stored, oldest first. */
  events: { item: string; type: EventType | 'bounce'; time: number; session: string; list?: string; dwell?: number }[];
  /** Interests by category derived from the events (the model's categories), strongest first. */
  interests: { category: string; weight: number }[];
  consent: { state: ConsentState; globalPrivacyControl: boolean; persistent: boolean };
  retention: { days: number; maxEvents: number };
  storage: {
    /** `indexeddb` across visits; `memory` for this page only; `none` when consent is denied. */
    kind: 'indexeddb' | 'memory' | 'none';
    /** Corrupted records found and deleted. */
    corruptedSkipped: number;
    /** Oldest events dropped because the storage quota was exceeded. */
    droppedForQuota: number;
    /** Why the profile moved from IndexedDB to memory for this page (a write that failed), if it did. */
    failure?: string;
  };
}

/** What a visitor did with an item. `dislike` and `dismiss` ("not interested") push it and its kind away. */
export type EventType = 'view' | 'click' | 'add_to_cart' | 'purchase' | 'like' | 'dislike' | 'dismiss';

/** Something the visitor did, to record with `track`. */
export interface TrackEvent {
  type: EventType;
  /** The item's id (1 to 256 characters). */
  item: string;
  /** The list it was in (`data-vitrine-list`): letters, digits, `_ - . :`, at most 64. */
  list?: string;
  /** Milliseconds since 1970. @default Date.now() */
  time?: number;
  /** How long the visitor looked at it, in milliseconds. */
  dwell?: number;
}

/** One thing the visitor did, as the engine reads it. */
export interface HistoryEvent {
  /** The item's id. */
  id: string;
  /** @default 'click' */
  type?: EventType;
  /** When, in milliseconds since 1970 (`Date.now()`). @default now */
  time?: number;
}

/** Why an item ranks where it does: the history item that contributed most. */
export interface Reason {
  /** The history item ("because you viewed X"). */
  item: string;
  /** `seen`: the visitor had it already; `together`: often chosen with it; `similar`: close in the model. */
  kind: 'seen' | 'together' | 'similar';
}

/** One ranked item, best first. */
export interface Ranked {
  /** The item's id, as the page gave it. */
  id: string;
  /** Higher is better. Scores of one call are comparable with each other only. */
  score: number;
  /** Present with `explain: true` when the visitor's history moved the item. */
  reason?: Reason;
}

/** Options of {@link Vitrine.rank}. */
export interface RankOptions {
  /**
   * What the visitor did, oldest first: item ids (read as clicks now) or events with type and time. When
   * given, it replaces the stored profile for this call; when left out, the profile stored on the device
   * (everything `track` recorded) is read. Ids the model does not know are ignored.
   * @default the stored profile
   */
  history?: readonly (string | HistoryEvent)[];
  /** Ids that keep their position in the page's order (merchandising slots). @default [] */
  pinned?: readonly string[];
  /** Ids to leave out of the result. @default [] */
  exclude?: readonly string[];
  /**
   * 0..1: how strongly to stop one category taking over the top (maximal marginal relevance over the
   * items' categories). 0 turns it off. @default 0
   */
  diversity?: number;
  /** Attach a {@link Reason} to items the history moved. @default false */
  explain?: boolean;
  /**
   * Categories of items, by id, for items the model never saw (they get their categories' vector) and
   * for `diversity`. Items the model knows use the model's categories when this omits them. A `Map`, or
   * an object whose own keys are ids (any id, `__proto__` included, is read as data). @default {}
   */
  categories?: ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link Vitrine.recommend}. */
export interface RecommendOptions {
  /** How many items. */
  k: number;
  /** Ids to leave out (say, what the page already shows). @default [] */
  exclude?: readonly string[];
  /** As in {@link RankOptions.history}. @default [] */
  history?: readonly (string | HistoryEvent)[];
  /** As in {@link RankOptions.explain}. @default false */
  explain?: boolean;
}

/** Why the model is not in use. Expected failures are reported, never thrown. */
export interface VitrineError {
  /** A stable code to branch on. */
  code: 'loading' | 'model-fetch' | 'model-invalid' | 'model-integrity' | 'engine-integrity' | 'backend' | 'disposed';
  /** A sentence naming what was wrong and what was expected. */
  message: string;
}

/** A personalisation instance, made by {@link createVitrine}. */
export interface Vitrine {
  /** True when the model is loaded and ranking uses it; false when ranking keeps the page's order. */
  readonly ready: boolean;
  /** Why `ready` is false, if it is. */
  readonly error: VitrineError | undefined;
  /**
   * The tfjs backend for large candidate sets, or `undefined` while none runs: before the model loads,
   * while the backend starts (it starts when the page is idle after the model loaded; meanwhile, and
   * when none starts, everything is scored in plain loops, with the same results), or when none could start.
   */
  readonly backend: BackendName | undefined;
  /** Why that backend was chosen, in words (e.g. "software WebGL renderer (SwiftShader): using WASM"). */
  readonly backendReason: string;
  /**
   * Orders `ids` best first. Never rejects for a missing model or unknown ids: without a model, or for
   * ids the model does not know, the page's order is the tie-breaker and is kept.
   */
  rank(ids: readonly string[], options?: RankOptions): Promise<Ranked[]>;
  /**
   * The `k` best items of the whole catalog for this visitor, best first. Without a model, or without
   * history and popularity, it resolves to fewer items (possibly none), never rejects.
   */
  recommend(options: RecommendOptions): Promise<Ranked[]>;
  /**
   * What the tensor runtime holds right now, across all instances on the page (tfjs's `tf.memory()`):
   * for debugging views, benchmarks and leak checks.
   */
  memory(): { numTensors: number; numBytes: number };
  /**
   * Records what the visitor did in the local profile; resolves once it is stored (IndexedDB with consent
   * granted, else memory for the page). Rejects with a TypeError naming the field of a malformed event,
   * which is stored nowhere. Without consent (`denied`) it records nothing.
   */
  track(event: TrackEvent): Promise<void>;
  /** Sets the visitor's consent; `denied` erases what was stored. */
  consent(state: ConsentState): Promise<void>;
  /** Everything stored about the visitor, as readable JSON. */
  profile(): Promise<ProfileExport>;
  /** Erases everything stored about the visitor, on this device and in its other tabs. */
  forget(): Promise<void>;
  /**
   * Calls `listener` whenever the profile changes: with the event (here or from another tab), or with
   * nothing after an erase. The page can rank its lists again. Returns a function that stops it.
   */
  onProfileChange(listener: (event?: { type: EventType | 'bounce'; item: string }) => void): () => void;
  /** Frees the model's tensors and stops tracking. Later `rank` calls keep the page's order. */
  dispose(): void;
}

/** An instance that is tracking already; its model loads in the background (`loadModel`) or on `load()`. */
export type StartedVitrine = Vitrine & {
  /** Starts loading the model (code and files) if it has not started; settles when the model and its backend have started, or failed. Never rejects. */
  load(): Promise<void>;
  /** Settles when ranking can use the model (in plain loops; the backend may still be starting) or it failed to load; pending until loading starts. */
  readonly loaded: Promise<void>;
};
