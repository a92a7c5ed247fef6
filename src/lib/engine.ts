import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, Ranked } from '../types/index.js';
import { BACKEND_FROM, type Crossover } from './crossover.js';
import { deviceTable, disposeModel, holdRows, type Model } from './model.js';
import type { RowCache, RowSource } from './row-source.js';
import { addTerms, byScore, diversify, isChoice, inputGates, keepPinned, longTermInput, lstmStepFrom, mostSimilar, positionsOf, readHistory, readsViews, scoreRows, sessionInput, topRows, userVector, vecMat, type NormalEvent, type Signals, type Vote } from '../scoring/index.js';

const WARM_UP = '\u0000warm-up';

/** One rank request, its options already checked and filled. */
export interface RankRequest {
  ids: readonly string[];
  events: readonly NormalEvent[];
  now: number;
  pinned: ReadonlySet<string>;
  exclude: ReadonlySet<string>;
  diversity: number;
  explain: boolean;
  /** Categories the page gives, by id (a Map: ids are the shop's strings). */
  categories: ReadonlyMap<string, readonly string[]>;
  /** Weight of the page's order; recommend() ranks the catalog and passes 0. */
  page?: number;
}

/**
 * The device's part of a rank: vectors · q (+ lstm · bias with a session). The session model's softmax
 * normaliser is left out: it is the same for every item, so it orders nothing, and a model whose rows
 * come page by page could not compute it.
 */
interface Query {
  /** d values. */
  q: Float32Array;
  /** Whether the session model takes part (its item bias then does too). */
  session: boolean;
}

interface SessionState {
  key: string[];
  c: Float32Array;
  h: Float32Array;
  /** The input part of the gates of each event in the window (inputGates), by key. */
  gates: Map<string, Float32Array>;
}

/**
 * Ranks with a decoded model. The LSTM state is kept between calls: when the session grows by one event,
 * that is one LSTM step, in plain loops (a few tens of thousands of multiply-adds). The query vector is
 * cached until the history changes. Candidate sets below the backend's crossover (src/lib/crossover.ts:
 * a page's lists, a recommend pool) are scored in plain loops too; larger ones with one gather and one
 * matMul on the tfjs backend, whose table is made at the first such call. The neighbourhood votes, the page's order, pinned
 * slots and diversity are applied on the CPU.
 */
export class Engine {
  private _state?: SessionState;
  private _queryKey?: string;
  private _query?: Query;
  /** The query on the backend (d×1), for the large candidate sets. */
  private _deviceQuery?: { of: Query; t: tf.Tensor2D };
  /** Ids whose rows are in the row cache already. */
  private readonly _kept = new Set<string>();

  constructor(
    readonly model: Model,
    private readonly _gapMs: number,
    /** A version 2 model's rows: fetched for the page's items, the visitor's own kept in the cache. */
    private readonly _rowSource?: RowSource,
    private readonly _rowCache?: RowCache,
    /** Candidate sets of up to this many items are scored in plain loops once a backend runs (default: below its crossover). */
    private readonly _plainUpTo?: number,
  ) {}

  /** How many candidates, at most, are scored in plain loops: all of them until a backend runs (useBackend). */
  private _plain: Crossover = { rank: Infinity, catalog: Infinity };

  /**
   * Set where the backend starts only when needed: called once, the first time a candidate set reaches the
   * size where some backend pays (the smallest crossover of src/lib/crossover.ts, or past `plainUpTo`) while
   * none runs. That call, and those until the backend is up, are scored in plain loops.
   */
  wantDevice?: () => void;

  /** The candidate set sizes that call for a backend. */
  readonly deviceFrom: Crossover =
    this._plainUpTo !== undefined
      ? { rank: this._plainUpTo + 1, catalog: this._plainUpTo + 1 }
      : { rank: Math.min(...Object.values(BACKEND_FROM).map((c) => c.rank)), catalog: Math.min(...Object.values(BACKEND_FROM).map((c) => c.catalog)) };

  private _want(kind: keyof Crossover, n: number): void {
    const want = this.wantDevice;
    if (want && n >= this.deviceFrom[kind]) {
      this.wantDevice = undefined;
      want();
    }
  }

  /**
   * On WebGL a gather's shader is specialised to its number of rows, so each new list length would compile
   * one (tens of ms, on the main thread): row lists are padded with the zero row to a power of two (≥ 16)
   * there, and the few shaders that needs are compiled at start-up.
   */
  private _bucketed = false;

  /**
   * The tfjs backend now running (tf.setBackend done), or none: candidate sets past its crossover
   * (src/lib/crossover.ts) or past `plainUpTo` go to it from the next call on. Until then, and with none,
   * every score is computed in plain loops: the same scores, slower for large sets.
   */
  useBackend(name: BackendName | undefined): void {
    this._deviceQuery?.t.dispose();
    this._deviceQuery = undefined;
    disposeModel(this.model);
    const from: Crossover = (name && BACKEND_FROM[name]) || { rank: Infinity, catalog: Infinity };
    const upTo = name ? this._plainUpTo : undefined;
    this._plain = upTo === undefined ? { rank: from.rank - 1, catalog: from.catalog - 1 } : { rank: upTo, catalog: upTo };
    this._bucketed = name === 'webgl';
  }

  /** Rows the cache holds (the visitor's own items): held before the first rank, with no request. */
  async restore(): Promise<void> {
    const d = this.model.d;
    const stored = (await this._rowCache?.load().catch(() => [])) ?? [];
    // What the store gives back is checked like any input: a damaged record is dropped, not held.
    const rows = (Array.isArray(stored) ? stored : []).filter(
      (r) =>
        typeof r?.id === 'string' &&
        r.row?.embedding instanceof Float32Array &&
        r.row.embedding.length === d &&
        Number.isInteger(r.row.slot) &&
        [r.row.categories, r.row.neighbours, r.row.neighbourWeights].every(Array.isArray),
    );
    rows.forEach((r) => this._kept.add(r.id));
    holdRows(this.model, rows);
  }

  /**
   * Holds the rows of a page's items (a request per item, whatever the history), and keeps the rows of
   * the history's items in the cache: exactly those, so that an item whose events are gone (retention,
   * forget) loses its row too.
   */
  private async _need(ids: readonly string[], events: readonly NormalEvent[]): Promise<void> {
    if (!this._rowSource) return;
    holdRows(this.model, await this._rowSource.fetch(ids));
    const m = this.model;
    const mine = new Set(events.map((e) => e.id).filter((id) => m.index.has(id)));
    if (!this._rowCache || (mine.size === this._kept.size && [...mine].every((id) => this._kept.has(id)))) return;
    const added = [...mine].filter((id) => !this._kept.has(id)).map((id) => ({ id, row: m.held.rows[m.index.get(id)!] }));
    this._kept.clear();
    mine.forEach((id) => this._kept.add(id));
    // Not awaited: the rank needs the rows held, not stored (a click's rerank must not wait on IndexedDB).
    // Only the new rows are written (a long history is not copied again at every click); not written: the
    // next rank writes every row again.
    void this._rowCache.save(added, mine).catch(() => this._kept.clear());
  }

  private _padded(rows: Int32Array): Int32Array {
    if (!this._bucketed) return rows;
    const out = new Int32Array(Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(1, rows.length))))).fill(this.model.zeroRow);
    out.set(rows);
    return out;
  }

  /** Rows of ids: known items, then items with a known category (its vector), else the zero row. */
  private _rows(ids: readonly string[], categories: ReadonlyMap<string, readonly string[]>): Int32Array {
    const m = this.model;
    const rows = new Int32Array(ids.length);
    // A plain loop: Int32Array.from with a mapping function is several times slower in V8.
    for (let i = 0; i < ids.length; i++) {
      let row = m.index.get(ids[i]);
      if (row === undefined) {
        for (const c of categories.get(ids[i]) ?? []) if ((row = m.categoryRow.get(c)) !== undefined) break;
      }
      rows[i] = row ?? m.zeroRow;
    }
    return rows;
  }

  /**
   * Advances the LSTM to the end of the session, stepping only over events it has not read yet. When the
   * window slides (the session is longer than it), every step is run again from a zero state, as the
   * trainer does; each event's input part of the gates is kept, so only the recurrent part is recomputed.
   */
  private _advance(session: readonly NormalEvent[]): void {
    const m = this.model;
    const s = m.session;
    if (!s) return;
    const input = sessionInput(session, (id) => m.index.get(id), s);
    const key = input.rows.map((row, i) => `${input.types[i]}:${row}`);
    const old = this._state;
    const extends_ = old && old.key.length <= key.length && old.key.every((k, i) => k === key[i]) && key.length <= s.window;
    if (old && extends_ && old.key.length === key.length) return;
    // Until the steps are done there is no state: one that fails midway leaves none, and the next call starts over.
    this._state = undefined;
    const from = old && extends_ ? old.key.length : 0;
    const [c, h] = old && extends_ ? [old.c, old.h] : [new Float32Array(s.hidden), new Float32Array(s.hidden)];
    const d = m.d;
    const gates = new Map<string, Float32Array>();
    for (let i = 0; i < key.length; i++) {
      let g = gates.get(key[i]) ?? old?.gates.get(key[i]);
      if (!g) {
        const [row, type] = [input.rows[i], input.types[i]];
        const x = new Float32Array(d);
        for (let a = 0; a < d; a++) x[a] = m.vectors[row * d + a] + s.T[type * d + a];
        g = inputGates(s, x);
      }
      gates.set(key[i], g);
      if (i >= from) lstmStepFrom(s, g, d, c, h);
    }
    this._state = { key, c, h, gates };
  }

  /**
   * The query column q (d×1) and a constant shift such that table · q + lstm·bias + shift is the
   * device's part of every score: lstm · log_softmax(session) + long · (u · E).
   */
  private _signals(events: readonly NormalEvent[], now: number): Signals<string> {
    return readHistory(events, now, { gapMs: this._gapMs, views: readsViews(this.model.session), halfLife: this.model.scoring.halfLife, events: this.model.scoring });
  }

  private _queryFor(signals: Signals<string>): Query | undefined {
    const m = this.model;
    const w = m.scoring;
    this._advance(signals.session);
    const rowOf = (id: string) => m.index.get(id);
    const r = longTermInput(signals.weights, rowOf);
    const useSession = Boolean(m.session && this._state && this._state.key.length > 0 && w.lstm !== 0);
    const useLong = r.rows.length > 0 && w.long !== 0;
    const key = `${useSession ? this._state!.key.join(',') : ''}|${useLong ? r.rows.map((row, i) => `${row}=${r.values[i].toFixed(3)}`).join(',') : ''}`;
    if (key === this._queryKey) return this._query;
    this._queryKey = key;
    this._query = undefined;
    if (!useSession && !useLong) return undefined;
    const q = new Float32Array(m.d);
    if (useSession) {
      const qs = vecMat(this._state!.h, m.session!.P, m.d);
      for (let a = 0; a < m.d; a++) q[a] += w.lstm * qs[a];
    }
    if (useLong) {
      // u = (Eᵀ r) F, with F the model's fold-in map (Eᵀ r without one), and a thin history's prototype.
      const u = userVector({ E: m.vectors, M: m.foldIn, d: m.d, prototypes: m.prototypes }, signals, rowOf)!;
      for (let a = 0; a < m.d; a++) q[a] += w.long * u[a];
    }
    this._query = { q, session: useSession };
    return this._query;
  }

  /** The query on the backend. */
  private _onDevice(query: Query): tf.Tensor2D {
    if (this._deviceQuery?.of !== query) {
      this._deviceQuery?.t.dispose();
      this._deviceQuery = { of: query, t: tf.keep(tf.tensor2d(query.q, [query.q.length, 1])) };
    }
    return this._deviceQuery.t;
  }

  /** The device's part of the scores of `rows` (then padding, on WebGL), on the backend. The item bias belongs to the session model's logits. */
  private _deviceScores(rows: Int32Array, query: Query): tf.Tensor1D {
    const padded = this._padded(rows);
    return tf.tidy(() => {
      const { table, bias } = deviceTable(this.model);
      const scores = tf.reshape(tf.matMul(tf.gather(table, padded), this._onDevice(query)), [padded.length]);
      return (query.session ? tf.add(scores, tf.gather(bias, padded)) : scores) as tf.Tensor1D;
    });
  }

  /** The device's part of the score of every row of the table, on the backend. */
  private _catalogScores(query: Query): tf.Tensor1D {
    return tf.tidy(() => {
      const { table, bias } = deviceTable(this.model);
      const scores = tf.reshape(tf.matMul(table, this._onDevice(query)), [-1]);
      return (query.session ? tf.add(scores, bias) : scores) as tf.Tensor1D;
    });
  }

  /** For each of `rows`, which of `others` is most similar in the model, on the backend. */
  private _mostSimilar(rows: Int32Array, others: number[]): tf.Tensor1D {
    return tf.tidy(() => {
      const { table } = deviceTable(this.model);
      return tf.argMax(tf.matMul(tf.gather(table, rows), tf.transpose(tf.gather(table, others))), 1);
    });
  }

  async rank(req: RankRequest): Promise<Ranked[]> {
    await this._need(req.ids, req.events);
    return this._rank(req, this._signals(req.events, req.now));
  }

  private async _rank(req: RankRequest, signals: Signals<string>): Promise<Ranked[]> {
    const m = this.model;
    const w = m.scoring;
    const ids = req.ids.filter((id) => !req.exclude.has(id));
    if (ids.length === 0) return [];
    const rows = this._rows(ids, req.categories);
    const query = this._queryFor(signals);
    this._want('rank', ids.length);
    const scores = new Float32Array(ids.length);
    if (query && ids.length <= this._plain.rank) scores.set(scoreRows(m.vectors, m.d, rows, query.q, query.session ? m.biases : undefined, w.lstm));
    else if (query) {
      const device = this._deviceScores(rows, query);
      let values: Float32Array | Int32Array | Uint8Array;
      try {
        values = await device.data();
      } finally {
        device.dispose();
      }
      for (let i = 0; i < scores.length; i++) scores[i] = values[i];
    }
    const categoriesOf = (id: string) => req.categories.get(id) ?? (m.index.has(id) ? m.categories?.[m.index.get(id)!] : undefined);
    const positions = positionsOf(ids);
    const space = { rowOf: (id: string) => m.index.get(id), idOf: (row: number) => m.ids[row], categoriesOf, neighbours: m.neighbours };
    const votes = addTerms(scores, ids, (id) => positions.get(id), signals, space, w, req.page ?? w.page);

    let ranked: Ranked[] = ids.map((id, i) => ({ id, score: scores[i] }));
    if (req.explain) await this._explain(ranked, rows, votes, req.events);
    ranked = byScore(ranked);
    if (req.diversity > 0) ranked = diversify(ranked, categoriesOf, req.diversity);
    ranked = keepPinned(ids, ranked, req.pinned);
    // On a page list, a reason explains a move up: an item the history left in place or pushed down keeps
    // none ("because you viewed X" on an item shown lower than the shop put it would be false).
    if (req.explain && req.page === undefined) ranked.forEach((r, i) => i >= positions.get(r.id)![0] && delete r.reason);
    return ranked;
  }

  /** Reasons: the session item whose vote counted most, else the history item most similar in the model. */
  private async _explain(ranked: Ranked[], rows: Int32Array, votesByRow: Map<number, Vote>, events: readonly NormalEvent[]) {
    const m = this.model;
    // Votes go to items the model knows (a cold-start item's row is its category's).
    const votes = Array.from(rows, (row) => (row < m.n ? votesByRow.get(row) : undefined));
    // What the visitor chose: an item merely shown on screen (a view) explains nothing, unless the model learned views.
    const views = readsViews(m.session);
    const positive = [...new Set(events.filter((e) => isChoice(e.type, views) && m.index.has(e.id)).map((e) => e.id))];
    let similar: Int32Array | undefined;
    const others = positive.map((id) => m.index.get(id)!);
    if (positive.length > 0 && ranked.some((_, i) => !votes[i]) && rows.length <= this._plain.rank) similar = mostSimilar(m.vectors, m.d, rows, others);
    else if (positive.length > 0 && ranked.some((_, i) => !votes[i])) {
      const t = this._mostSimilar(rows, others);
      try {
        similar = (await t.data()) as Int32Array;
      } finally {
        t.dispose();
      }
    }
    ranked.forEach((r, i) => {
      const vote = votes[i];
      if (vote) r.reason = { item: m.ids[vote.by], kind: vote.kind === 2 ? 'seen' : 'together' };
      else if (similar && rows[i] < m.n) r.reason = { item: positive[similar[i]], kind: 'similar' };
    });
  }

  /** Top k of the whole catalog: the device's best, joined with what the session's neighbours vote for. */
  async recommend(k: number, events: readonly NormalEvent[], now: number, exclude: ReadonlySet<string>, explain: boolean): Promise<Ranked[]> {
    const m = this.model;
    // A model whose rows come page by page ranks what the device holds: the popular set (one file, the
    // same for every visitor), the pages' items and the visitor's own.
    if (this._rowSource) holdRows(m, await this._rowSource.popular());
    if (m.n === 0) return [];
    const signals = this._signals(events, now);
    const query = this._queryFor(signals);
    const pool = new Set<number>();
    const want = Math.min(m.n, k + exclude.size + 32);
    this._want('catalog', m.n);
    if (query && m.n <= this._plain.catalog) {
      topRows(m.vectors, m.d, m.n, query.q, want, query.session ? m.biases : undefined, m.scoring.lstm).forEach((r) => pool.add(r));
    } else if (query) {
      // Over every row of the table (no copy of its item part); the few category and zero rows are dropped after.
      const extra = m.zeroRow + 1 - m.n;
      const top = tf.tidy(() => tf.topk(this._catalogScores(query), want + extra).indices);
      try {
        (await top.data()).forEach((r) => r < m.n && pool.size < want && pool.add(r));
      } finally {
        top.dispose();
      }
    } else if (m.popularity) {
      // Cold start: the most popular items.
      Array.from(m.popularity.keys()).sort((a, b) => m.popularity![b] - m.popularity![a]).slice(0, want).forEach((r) => pool.add(r));
    }
    // The session's items and their neighbours; with the whole history's votes, every chosen item's too.
    const voters = m.scoring.history ? [...signals.chosen] : [];
    for (const id of [...signals.session.map((e) => e.id), ...voters]) {
      const row = m.index.get(id);
      if (row === undefined) continue;
      pool.add(row);
      if (m.neighbours) for (let j = 0; j < m.neighbours.top && m.neighbours.ids[row * m.neighbours.top + j] >= 0; j++) pool.add(m.neighbours.ids[row * m.neighbours.top + j]);
    }
    // Popularity orders the pool before ranking, so ties keep the more popular item first.
    const ids = [...pool].sort((a, b) => (m.popularity?.[b] ?? 0) - (m.popularity?.[a] ?? 0) || a - b).map((r) => m.ids[r]);
    const ranked = await this._rank({ ids, events, now, pinned: new Set(), exclude, diversity: 0, explain, categories: new Map(), page: 0 }, signals);
    return ranked.slice(0, k);
  }

  /**
   * Runs every kind of operation once (an LSTM step, a rank with reasons, a catalog top-k) so that the
   * JIT, and on WebGL the shaders, are warm before the page's first rank, then forgets the made-up
   * history. `pause` runs between the steps.
   */
  async warmUp(pause: () => Promise<void> = async () => {}): Promise<void> {
    const m = this.model;
    const events = this._warmUpHistory();
    // Two items, as compileSteps' explanation step has (on WebGL, a new number of rows is a new shader).
    await this._rank({ ids: m.n ? m.ids.slice(0, 2) : [WARM_UP, `${WARM_UP}2`], events, now: 0, pinned: new Set(), exclude: new Set(), diversity: 0, explain: true, categories: new Map() }, this._signals(events, 0));
    await pause();
    // (A model whose rows come page by page holds no catalog to recommend from yet: warming that would
    // fetch the popular file, which only recommend() needs.)
    if (!this._rowSource) await this.recommend(1, events, 0, new Set(), false);
    this.dispose();
  }

  /** Whether a recommend over the rows held runs on the backend (its table is then worth uploading early). */
  get catalogOnDevice(): boolean {
    return this.model.n > this._plain.catalog;
  }

  /**
   * The backend operations of a recommend over the catalog, when it runs there, in steps that read nothing
   * back; each returns the tensor its real run would read, if any. Run in WebGL's compile-only mode, they
   * compile the shaders the engine uses.
   */
  compileSteps(): (() => tf.Tensor | void)[] {
    if (!this.catalogOnDevice) return [];
    let query: ReturnType<Engine['_queryFor']>;
    const signals = this._signals(this._warmUpHistory(), 0);
    return [
      () => void (query = this._queryFor(signals)),
      () => query && this._deviceScores(new Int32Array(16), query),
      // A history with no current session (a returning visitor): the long-term part alone, no bias.
      () => query && this._catalogScores({ ...query, session: false }),
      () => query && this._catalogScores(query),
      () => query && this._mostSimilar(new Int32Array(2), [0]),
      () => this.dispose(),
    ];
  }

  /**
   * A made-up history that takes every path: one click (a session step, a thin long-term profile). A model
   * holding no row yet (its rows come with the page) warms up on its zero row, under an id no page has
   * (HTML attributes cannot hold U+0000); dispose() forgets it.
   */
  private _warmUpHistory(): NormalEvent[] {
    const m = this.model;
    if (m.n === 0) m.index.set(WARM_UP, m.zeroRow);
    return [{ id: m.n ? m.ids[0] : WARM_UP, type: 'click', time: 0 }];
  }

  /** Frees the engine's state and its model's tensors. */
  release(): void {
    this.dispose();
    disposeModel(this.model);
  }

  dispose(): void {
    this.model.index.delete(WARM_UP);
    this._deviceQuery?.t.dispose();
    this._deviceQuery = undefined;
    this._state = undefined;
    this._query = undefined;
    this._queryKey = undefined;
  }
}
