import { whenIdle } from './idle.js';
import { checkFile, requestFile } from './fetch-model.js';
import type { Manifest } from './manifest.js';
import type { HeldRow } from './model.js';
import { decodeRow, findRow, rowBytes, windowOf, type Row, type RowsInfo } from './rows.js';

/** Cache Storage names of kept buckets start with this (profile.ts's forget() deletes them). */
export const ROW_CACHE = 'vitrine-rows-';

/** Where rows the visitor's own items had are kept between visits (the profile's store). */
export interface RowCache {
  load(): Promise<HeldRow[]>;
  /** Adds `rows` and keeps only the rows of `only` (each row is written once). */
  save(rows: HeldRow[], only: ReadonlySet<string>): Promise<void>;
}

/**
 * The item rows of a version 2 model, fetched for the items a page shows: for each id, a range request
 * of its first bucket, and of its second when the row is not in the first (windowOf), a function of the id alone, so two visitors on one page make the same
 * requests whatever their histories. A host that ignores `Range` (200 with the whole file) or refuses it
 * (416, 501…) is served by fetching the whole row file once, checked against its sha256.
 */
export class RowSource {
  private readonly _info: RowsInfo;
  private readonly _rows = new Map<string, Promise<Row | undefined>>();
  private readonly _whole = new Map<number, Promise<Uint8Array>>();
  private readonly _buckets = new Map<string, Promise<Uint8Array>>();
  private _popular?: Promise<HeldRow[]>;
  /** The popular file's rows by id (built once per page load). */
  private _popularById?: Promise<Map<string, Row>>;
  /** Failures (a damaged file, a host that answers neither way): kept, warned of once, never thrown. */
  readonly errors: string[] = [];

  private _failed(e: unknown): void {
    const message = (e as Error).message ?? String(e);
    if (this.errors.length === 0 && typeof console !== 'undefined') console.warn(`vitrine: item rows unavailable, those items keep their place (${message})`);
    this.errors.push(message);
  }

  constructor(
    private readonly _manifest: Manifest,
    private readonly _base: URL,
    private readonly _fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init),
    /** Whether buckets may be kept in Cache Storage (the profile is persistent: consent given). */
    private readonly _keep: () => Promise<boolean> = async () => false,
    /** A request still unanswered after this long is given up (its items keep their place). */
    private readonly _timeoutMs = 10_000,
  ) {
    this._info = _manifest.rows as RowsInfo;
  }

  private _signal(): AbortSignal | undefined {
    return typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(this._timeoutMs) : undefined;
  }

  private _cache?: Promise<{ cache: Cache; held: Set<string> } | undefined>;
  /** Buckets fetched, to be put in the cache when the page is idle (not on the way to a rank). */
  private readonly _toKeep: [string, Uint8Array<ArrayBuffer>][] = [];

  /**
   * Browsers do not keep range responses in their HTTP cache: buckets are kept in Cache Storage instead,
   * under this model's name (another model's are deleted), as a cache would keep them: for every page
   * alike, whatever the visitor did. forget() deletes them. What it holds is read once (`held`): a bucket
   * it lacks costs no lookup, and a first visit looks up nothing.
   */
  private _bucketCache(): Promise<{ cache: Cache; held: Set<string> } | undefined> {
    this._cache ??= (async () => {
      try {
        if (typeof caches === 'undefined' || !(await this._keep())) return undefined;
        const name = `${ROW_CACHE}${this._info.files[0]}`;
        let had = false;
        for (const k of await caches.keys()) {
          if (k === name) had = true;
          else if (k.startsWith(ROW_CACHE)) await caches.delete(k);
        }
        const cache = await caches.open(name);
        return { cache, held: new Set(had ? (await cache.keys()).map((r) => r.url) : []) };
      } catch {
        return undefined; // no Cache Storage (an opaque origin, a private mode): the network, every page load
      }
    })();
    return this._cache;
  }

  private _keepLater(key: string, bytes: Uint8Array<ArrayBuffer>): void {
    if (this._toKeep.push([key, bytes]) > 1) return;
    const flush = async () => {
      const c = await this._bucketCache();
      // Kept only while the profile is (consent may have been withdrawn since the cache opened).
      const keep = c && (await this._keep().catch(() => false));
      for (const [k, b] of this._toKeep.splice(0)) {
        if (!keep) continue;
        c.held.add(k);
        void c.cache.put(k, new Response(b)).catch(() => c.held.delete(k));
      }
    };
    whenIdle(() => void flush());
  }

  /**
   * The rows of `ids` the model has (unknown ids have none); each id is fetched once per page load. The
   * popular file comes first (one request, the same for every visitor, which recommend() needs anyway):
   * an item in it costs no range request, so a page of popular items is one request, not one per item.
   */
  async fetch(ids: readonly string[]): Promise<HeldRow[]> {
    const popular = await (this._popularById ??= this.popular().then((held) => new Map(held.map((h) => [h.id, h.row]))));
    const rows = await Promise.all(
      ids.map(async (id) => {
        let row = this._rows.get(id);
        if (!row) this._rows.set(id, (row = popular.has(id) ? Promise.resolve(popular.get(id)) : this._row(id)));
        const r = await row;
        return r && { id, row: r };
      }),
    );
    return rows.filter((r): r is HeldRow => r !== undefined);
  }

  private async _row(id: string): Promise<Row | undefined> {
    const w = windowOf(this._info, id);
    try {
      // The second bucket only when the item is not in the first: a function of the id and the model alone.
      const look = async (k: 0 | 1) => findRow(this._info, w, k, await this._bytes(w.buckets[k].file, w.buckets[k].start, w.buckets[k].end));
      return (await look(0)) ?? (await look(1));
    } catch (e) {
      this._failed(e);
      return undefined;
    }
  }

  /** A bucket's bytes: one request per bucket and page load (two items may share one). */
  private _bytes(file: number, start: number, end: number): Promise<Uint8Array> {
    const key = `${file}:${start}`;
    let bytes = this._buckets.get(key);
    if (!bytes) {
      const whole = this._whole.get(file);
      this._buckets.set(key, (bytes = whole ? whole.then((w) => w.subarray(start, end)) : this._range(file, start, end)));
      bytes.catch(() => this._buckets.delete(key));
    }
    return bytes;
  }

  private async _range(file: number, start: number, end: number): Promise<Uint8Array> {
    const url = new URL(this._info.files[file], this._base);
    const cached = await this._bucketCache();
    const key = `${url.href}?bytes=${start}-${end - 1}`;
    const hit = cached?.held.has(key) ? await cached.cache.match(key).catch(() => undefined) : undefined;
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.byteLength === end - start) return bytes;
    }
    // Not through the HTTP cache: it keeps no ranges, and it makes requests for one file wait for each other.
    const r = await this._fetch(url, { credentials: 'same-origin', referrerPolicy: 'no-referrer', cache: 'no-store', headers: { Range: `bytes=${start}-${end - 1}` }, signal: this._signal() });
    if (r.status === 206) {
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (bytes.byteLength !== end - start) throw new Error(`GET ${url.href} bytes ${start}-${end - 1} answered ${bytes.byteLength} bytes`);
      if (cached) this._keepLater(key, bytes);
      return bytes;
    }
    // 200: the host ignored the range and sends the whole file; anything else: fetch the whole file once.
    if (r.status !== 200) void r.body?.cancel();
    let whole = this._whole.get(file);
    if (!whole) {
      this._whole.set(file, (whole = this._wholeFile(file, r.status === 200 ? r : undefined)));
      whole.catch(() => this._whole.delete(file));
    } else if (r.status === 200) void r.body?.cancel();
    return (await whole).subarray(start, end);
  }

  private async _wholeFile(file: number, response?: Response): Promise<Uint8Array> {
    const path = this._info.files[file];
    const url = new URL(path, this._base);
    const r = response ?? (await requestFile(url, this._signal(), this._fetch));
    if (!r.ok) throw new Error(`GET ${url.href} answered ${r.status}`);
    return this._verified(path, new Uint8Array(await r.arrayBuffer()));
  }

  private async _verified(path: string, bytes: Uint8Array): Promise<Uint8Array> {
    const wrong = await checkFile(this._manifest.files.find((f) => f.path === path)!, bytes);
    if (wrong) throw new Error(wrong);
    return bytes;
  }

  /** The model's popular items with their rows: one file, the same for every visitor. */
  popular(): Promise<HeldRow[]> {
    this._popular ??= (async () => {
      const path = this._manifest.popular as string;
      try {
        const url = new URL(path, this._base);
        const r = await requestFile(url, this._signal(), this._fetch);
        if (!r.ok) throw new Error(`GET ${url.href} answered ${r.status}`);
        return readPopular(this._info, await this._verified(path, new Uint8Array(await r.arrayBuffer())));
      } catch (e) {
        this._failed(e);
        return [];
      }
    })();
    return this._popular;
  }
}

/** Decodes the popular file (src/cli/write-model.ts writes it). */
export function readPopular(info: RowsInfo, bytes: Uint8Array): HeldRow[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const R = view.getUint32(4, true);
  if (R !== rowBytes(info)) throw new Error(`the popular file's rows are ${R} bytes, the model's ${rowBytes(info)}`);
  const text = new TextDecoder();
  const out: HeldRow[] = [];
  for (let k = 0, p = 8; k < count; k++) {
    const slot = view.getUint32(p, true);
    const row = decodeRow(info, bytes, p + 4, slot);
    const len = view.getUint16(p + 4 + R, true);
    out.push({ id: text.decode(bytes.subarray(p + 6 + R, p + 6 + R + len)), row });
    p += 6 + R + len;
  }
  return out;
}
