// The second stage: everything that needs TensorFlow.js. The first stage (tracking, storage, the DOM)
// imports this module only when a model is to be loaded, so a page that never ranks never downloads it.
import { whenIdle } from './idle.js';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendPreference, ProfileExport, VitrineError } from '../types/index.js';
import { fetchModel, type FetchedModel } from './fetch-model.js';
import type { Manifest } from './manifest.js';
import { chooseBackend, compileShaders, webglContextLost, type BackendChoice, type WasmCheck } from './backend.js';
import { setWasmPaths } from './kernels.js';
import { decodeModel, deviceTable, type HeldRow, type ScoringWeights } from './model.js';
import type { IDBPDatabase } from 'idb';
import { RowSource, type RowCache } from './row-source.js';
import { Engine } from './engine.js';
import { sha256Hex } from './hash.js';
import { interestsByCategory, profileWeights, type NormalEvent } from '../scoring/index.js';

export { webglContextLost };
export { debugPanel } from './dom/debug.js';
export type { Engine };

export interface RankerOptions {
  backend: BackendPreference;
  wasmPaths?: string;
  scoring: Partial<ScoringWeights>;
  /** A session ends after this long without an event. */
  gapMs: number;
  /** Where a version 2 model's rows of the visitor's items are kept between visits (the profile). */
  keep?: { database(): Promise<IDBPDatabase | undefined>; persistent(): Promise<boolean> };
  /** The items the page shows: a version 2 model's rows for them are asked for beside the backend's start. */
  pageItems?: () => readonly string[];
  /** Candidate sets of up to this many items are scored in plain loops (default: below the crossover measured for the backend, src/lib/crossover.ts). */
  plainScoringUpTo?: number;
  /** Told of a backend started later, when a candidate set first needed one (`backend: 'auto'`). */
  onDevice?: (start: RankerStart) => void;
}

export type RankerStart = { engine: Engine; backend: BackendName | undefined; reason: string } | { error: VitrineError; reason: string };

/**
 * An engine with its backend's start under way (the first rank needs none; `device` settles with the
 * engine on its backend, or with none, or with an error when the .wasm failed its hash), or why there is no engine.
 */
export type EngineStart = { engine: Engine; backend: undefined; device: Promise<RankerStart>; reason: string } | { error: VitrineError; reason: string };

/** What starting a backend for an engine gave: one to use, none (plain loops go on), or a binary that failed its hash. */
export type DeviceStart = { backend: BackendName | undefined; reason: string; integrity?: string };

/** Lets the page run between steps of the start-up, so that none of them is a long task. */
const yieldToPage = (): Promise<void> =>
  typeof (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler?.yield === 'function'
    ? (globalThis as unknown as { scheduler: { yield: () => Promise<void> } }).scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Fetches the model (a version 2 model's rows for the page's items asked for as soon as the manifest is
 * read) and decodes it into an engine that scores in plain loops: ranking needs no tfjs backend. The
 * backend starts afterwards (startDevice), off the path to the first order: its download and compilation
 * would compete with the rows. Failures are values: the page keeps its order. `files` is kept to rebuild
 * on another backend (`startRanker`).
 */
export async function loadEngine(
  url: URL,
  fetchOptions: Parameters<typeof fetchModel>[1],
  opts: RankerOptions,
): Promise<EngineStart & { files?: FetchedModel }> {
  let requested!: (manifest: Manifest) => void;
  const issued = new Promise<Manifest>((resolve) => (requested = resolve));
  const fetching = fetchModel(url, { ...fetchOptions, requested });
  const manifest = await Promise.race([issued, fetching.then(() => undefined)]);
  // Not awaited: the rows arrive while the core downloads and decodes, and the first rank waits for them.
  let source: RowSource | undefined;
  let pageRows: Promise<unknown> | undefined;
  if (manifest?.rows) {
    source = new RowSource(manifest, url, undefined, opts.keep?.persistent, fetchOptions.timeoutMs);
    const items = opts.pageItems?.() ?? [];
    if (items.length) pageRows = source.fetch(items);
  }
  const fetched = await fetching;
  if (!fetched.ok) return { error: fetched.error, reason: 'not started' };
  const built = await build(fetched.value, opts, source);
  if (!('engine' in built)) return built;
  // With `backend: 'auto'`, a backend starts only once a candidate set needs one: below the crossovers (a
  // page's lists; a recommend over fewer rows than where the fastest backend pays; or up to
  // plainScoringUpTo) plain loops are as fast, and a phone is spared the WebGL probe, the .wasm and tfjs's
  // start.
  if (opts.backend === 'auto') {
    const engine = built.engine;
    engine.wantDevice = () => void withDevice(engine, opts).then((start) => opts.onDevice?.(start));
    const reason = `no tfjs backend started: plain loops score every candidate set up to where a backend pays (${needs(engine.deviceFrom)})`;
    return { ...built, backend: undefined, device: Promise.resolve({ engine, backend: undefined, reason }), files: fetched.value };
  }
  // A backend the page asks for by name starts once the page's rows are in and the page is idle (after its
  // first rank, as a rule): a .wasm download and compilation, or a WebGL context, competing with the rows
  // would delay the first order for nothing. (The page idles while it waits for the rows: an idle callback
  // alone came too soon.)
  const device = Promise.resolve(pageRows)
    .then(idle)
    .then(() => withDevice(built.engine, opts));
  return { ...built, backend: undefined, device, files: fetched.value };
}

/** When a backend pays, in words. */
const needs = ({ rank, catalog }: { rank: number; catalog: number }) =>
  [rank < Infinity && `a list of ${rank} items`, catalog < Infinity && `a recommend over ${catalog} rows`].filter(Boolean).join(' or ') || 'none of any size';

const idle = () => new Promise<void>((resolve) => whenIdle(resolve, 1000));

/** An engine on `opts.backend`, its backend started, from files fetched already: after a lost WebGL context. */
export async function startRanker(files: FetchedModel, opts: RankerOptions): Promise<RankerStart> {
  const built = await build(files, opts);
  return 'engine' in built ? withDevice(built.engine, opts) : built;
}

/** `engine` with its backend started, or with none; released when the .wasm failed its hash (nothing of it may run then). */
async function withDevice(engine: Engine, opts: RankerOptions): Promise<RankerStart> {
  const d = await startDevice(engine, opts).catch((e: Error): DeviceStart => ({ backend: undefined, reason: `no backend started (${e.message})` }));
  if (!d.integrity) return { engine, backend: d.backend, reason: d.reason };
  engine.release();
  return { error: { code: 'engine-integrity', message: d.integrity }, reason: d.reason };
}

/**
 * Starts a tfjs backend for `engine`'s large candidate sets (a recommend over a large catalog, or any set
 * past `plainScoringUpTo`). When none starts, the engine goes on in plain loops.
 */
export async function startDevice(engine: Engine, opts: RankerOptions): Promise<DeviceStart> {
  const choice = await chooseDevice(opts);
  if (choice.integrity || !choice.backend) return choice;
  try {
    engine.useBackend(choice.backend);
    if (engine.catalogOnDevice) {
      // WebGL compiles every shader first, a few per task, in parallel where the browser can.
      if (choice.backend === 'webgl') await compileShaders(engine.compileSteps(), yieldToPage, [deviceTable(engine.model).table]);
      await engine.warmUp(yieldToPage);
    }
  } catch (e) {
    engine.useBackend(undefined);
    return { backend: undefined, reason: `${choice.reason}, which failed to run the model (${(e as Error).message}): plain loops only` };
  }
  return choice;
}

const WASM = 'tfjs-backend-wasm.wasm';
const WASM_SIMD = 'tfjs-backend-wasm-simd.wasm';

/**
 * Where the .wasm binaries are: under `wasmPaths` when given; else, in the build with its own tfjs (the
 * script tag's second stage, which `vitrine` imports too), beside this module, written so that a bundler
 * (Vite, webpack 5, Parcel) emits both files with the chunk; else tfjs's own default (the app's tfjs).
 */
function wasmUrls(prefix: string | undefined): Record<string, string> | undefined {
  if (prefix) {
    const base = new URL(prefix, typeof document !== 'undefined' ? document.baseURI : undefined);
    return { [WASM]: new URL(WASM, base).href, [WASM_SIMD]: new URL(WASM_SIMD, base).href };
  }
  if (__VITRINE_OWN_TFJS__) {
    return { [WASM]: new URL('./tfjs-backend-wasm.wasm', import.meta.url).href, [WASM_SIMD]: new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href };
  }
  return undefined;
}

function chooseDevice(opts: RankerOptions): Promise<BackendChoice> {
  const urls = wasmUrls(opts.wasmPaths);
  // The build with its own tfjs knows each .wasm file's hash: the binary is fetched and checked here, then
  // handed to the WASM backend, which compiles those very bytes (no second fetch that could differ).
  // (Where the build has no hashes, the constant is null: the branch and verifyWasm drop out of it.)
  const hashes = __VITRINE_WASM_SHA256__;
  if (hashes && urls) return chooseBackend(opts.backend, { beforeWasm: () => verifyWasm(urls, hashes) });
  if (urls) setWasmPaths({ ...urls, 'tfjs-backend-wasm-threaded-simd.wasm': urls[WASM_SIMD] });
  return chooseBackend(opts.backend, { wasmFrom: urls ? `${urls[WASM_SIMD]} or ${urls[WASM]}` : undefined });
}

/** Fetches the .wasm binary this browser will run, checks its sha256, and serves those bytes to the WASM backend. */
async function verifyWasm(urls: Record<string, string>, hashes: Readonly<Record<string, string>>): Promise<WasmCheck> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const file = simd ? WASM_SIMD : WASM;
  const url = urls[file];
  let bytes: ArrayBuffer;
  try {
    const response = await fetch(url, { credentials: 'same-origin', referrerPolicy: 'no-referrer' });
    if (!response.ok) return { unavailable: `GET ${url} answered ${response.status}` };
    bytes = await response.arrayBuffer();
  } catch (e) {
    return { unavailable: `GET ${url} failed (${(e as Error).message})` };
  }
  const hash = await sha256Hex(bytes);
  if (hash !== hashes[file]) return { integrity: `${url} has sha256 ${hash}, this build of Vitrine expects ${hashes[file]}` };
  // tfjs fetches the binary through its platform's fetch when told to (setWasmPaths' second argument):
  // answer that one request with the bytes just checked. This tfjs is Vitrine's own copy.
  const platform = tf.env().platform;
  const platformFetch = platform.fetch.bind(platform);
  platform.fetch = (path: string, init?: RequestInit) => (path === url ? Promise.resolve(new Response(bytes)) : platformFetch(path, init));
  setWasmPaths({ [WASM]: url, [WASM_SIMD]: url, 'tfjs-backend-wasm-threaded-simd.wasm': url }, true);
  return undefined;
}

function rowSource(files: FetchedModel, opts: RankerOptions, timeoutMs?: number): RowSource {
  return new RowSource(files.manifest, files.url, undefined, opts.keep?.persistent, timeoutMs);
}

/** The engine, scoring in plain loops (no tensor made), its JIT warmed up. */
async function build(files: FetchedModel, opts: RankerOptions, source?: RowSource): Promise<RankerStart> {
  await yieldToPage();
  let engine: Engine;
  try {
    const model = await decodeModel(files, opts.scoring, yieldToPage);
    if (model.partial) {
      // Rows come page by page; the visitor's own are kept under the name of the model's first row file
      // (content-addressed: another model's rows are never read as this one's).
      const cache = opts.keep && keptRows(opts.keep.database, `kept:rows:${(files.manifest.rows as { files: string[] }).files[0]}:`);
      engine = new Engine(model, opts.gapMs, source ?? rowSource(files, opts), cache, opts.plainScoringUpTo);
      await engine.restore();
    } else engine = new Engine(model, opts.gapMs, undefined, undefined, opts.plainScoringUpTo);
    await engine.warmUp(yieldToPage);
    // The page's first rank follows in a task of its own, not in the warm-up's last.
    await yieldToPage();
  } catch (e) {
    return { error: { code: 'model-invalid', message: `weights could not be decoded: ${(e as Error).message}` }, reason: 'not started' };
  }
  return { engine, backend: undefined, reason: 'a backend is starting: plain loops meanwhile' };
}

/**
 * The rows of the visitor's items in the profile's database ('meta'), one record each under `prefix` + id:
 * a new item's row is written once, not every row at every click.
 */
function keptRows(database: () => Promise<IDBPDatabase | undefined>, prefix: string): RowCache {
  // The keys that start with `prefix` (which ends with ':'): up to, not including, the same ending with ';'.
  const under = IDBKeyRange.bound(prefix, `${prefix.slice(0, -1)};`, false, true);
  return {
    load: async () => ((await (await database())?.getAll('meta', under).catch(() => [])) ?? []) as HeldRow[],
    async save(rows, only) {
      const db = await database();
      if (!db) return;
      const tx = db.transaction('meta', 'readwrite');
      for (const r of rows) void tx.store.put(r, prefix + r.id);
      for (const k of await tx.store.getAllKeys(under)) if (!only.has((k as string).slice(prefix.length))) void tx.store.delete(k);
      await tx.done;
    },
  };
}

/** The tensors held on the backend. */
export function memory(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}

/** The visitor's interests by the model's categories. */
export function interests(engine: Engine | undefined, events: readonly NormalEvent[], now: number): ProfileExport['interests'] {
  const m = engine?.model;
  if (!m?.categories) return [];
  return interestsByCategory(profileWeights(events, now, m.scoring.halfLife, m.scoring), (id) => (m.index.has(id) ? m.categories![m.index.get(id)!] : undefined));
}
