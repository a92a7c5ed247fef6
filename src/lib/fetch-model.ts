import { parseItems, parseManifest, type ItemVocabulary, type Manifest, type ModelFile, type Result } from './manifest.js';
import { sha256Hex } from './hash.js';

/** A model's files, fetched and verified, not yet turned into tensors. */
export interface FetchedModel {
  manifest: Manifest;
  /** The manifest's URL: other files are relative to it. */
  url: URL;
  /** The item vocabulary: a version 1 model's (a version 2 model's items come as rows, page by page). */
  items?: ItemVocabulary;
  /** Weight shards in the order of the manifest's weight groups (a version 2 model's core). */
  shards: ArrayBuffer[];
}

/** The manifest URL of a model option: a directory URL gets `manifest.json` appended. */
export function manifestUrl(model: string, base?: string): URL {
  const url = new URL(model, base);
  if (!url.pathname.endsWith('.json')) {
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.pathname += 'manifest.json';
  }
  return url;
}

/**
 * A GET of a model file that carries nothing about the visitor: no referrer, no query string, cookies only
 * on the page's own origin.
 */
export function requestFile(url: URL, signal?: AbortSignal, fetch = globalThis.fetch): Promise<Response> {
  return fetch(url, { signal, credentials: 'same-origin', referrerPolicy: 'no-referrer' });
}

/**
 * Fetches a model directory and checks every file's size and sha256 against the manifest. The only
 * network use of Vitrine: plain GETs of static files (`requestFile`). `manifest` is the manifest's
 * response when the caller requested it already; `requested` is called with the manifest once every file
 * is asked for (a version 2 model's rows can be asked for from there, while the core downloads).
 * Every failure is returned as a value.
 */
export async function fetchModel(
  url: URL,
  {
    timeoutMs,
    fetch = globalThis.fetch,
    manifest: early,
    requested,
  }: { timeoutMs: number; fetch?: typeof globalThis.fetch; manifest?: Promise<Response>; requested?: (manifest: Manifest) => void },
): Promise<Result<FetchedModel>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const timedOut = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('timeout'))));
  timedOut.catch(() => {});
  const get = async (file: URL, response = requestFile(file, abort.signal, fetch)): Promise<ArrayBuffer> => {
    const r = await Promise.race([response, timedOut]);
    if (!r.ok) throw new Error(`GET ${file.href} answered ${r.status}`);
    return Promise.race([r.arrayBuffer(), timedOut]);
  };
  try {
    const manifestJson = parseJson(await get(url, early), 'manifest.json');
    if (!manifestJson.ok) return manifestJson;
    const manifest = parseManifest(manifestJson.value);
    if (!manifest.ok) return manifest;
    const m = manifest.value;
    // A version 2 model's item rows come page by page (row-source.ts); its vocabulary is for tools.
    const core = new Set(m.weights.flatMap((g) => g.paths));
    const wanted = m.formatVersion === 1 ? m.files : m.files.filter((f) => core.has(f.path));
    const responses = wanted.map((file) => requestFile(new URL(file.path, url), abort.signal, fetch));
    requested?.(m);
    const verified = await Promise.all(
      wanted.map(async (file, i) => {
        const data = await get(new URL(file.path, url), responses[i]);
        return (await checkFile(file, data)) ?? data;
      }),
    );
    const bad = verified.find((v): v is string => typeof v === 'string');
    if (bad) return { ok: false, error: { code: 'model-integrity', message: bad } };
    const byPath = new Map(wanted.map((f, i) => [f.path, verified[i] as ArrayBuffer]));
    const shards = m.weights.flatMap((group) => group.paths.map((p) => byPath.get(p)!));
    if (m.formatVersion !== 1) return { ok: true, value: { manifest: m, url, shards } };
    const itemsJson = parseJson(byPath.get(m.items)!, m.items);
    if (!itemsJson.ok) return itemsJson;
    const items = parseItems(itemsJson.value, m);
    if (!items.ok) return items;
    return { ok: true, value: { manifest: m, url, items: items.value, shards } };
  } catch (e) {
    const message = abort.signal.aborted
      ? `model files did not arrive within ${timeoutMs} ms (from ${url.href})`
      : (e as Error).message || String(e);
    return { ok: false, error: { code: 'model-fetch', message } };
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with a model file's bytes against its manifest entry (size, then sha256), if anything. */
export async function checkFile(file: ModelFile, data: ArrayBuffer | Uint8Array): Promise<string | undefined> {
  if (data.byteLength !== file.bytes) return `${file.path} is ${data.byteLength} bytes, manifest.json says ${file.bytes}`;
  const hash = await sha256Hex(data);
  return hash === file.sha256 ? undefined : `${file.path} has sha256 ${hash}, manifest.json says ${file.sha256}`;
}

export function parseJson(data: ArrayBuffer, name: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(data)) };
  } catch {
    return { ok: false, error: { code: 'model-invalid', message: `${name} is not valid JSON` } };
  }
}
