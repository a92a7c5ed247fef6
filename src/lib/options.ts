import type { BackendPreference, RankOptions, VitrineOptions } from '../types/index.js';

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgl', 'wasm', 'cpu'];
const KNOWN_OPTIONS = ['model', 'backend', 'wasmPaths', 'timeoutMs'];

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<VitrineOptions, 'wasmPaths'>> & Pick<VitrineOptions, 'wasmPaths'>;

/** Shows a value the way a developer would write it, for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
}

/**
 * Checks options and fills defaults. Bad options are a programmer's mistake, so this throws a
 * TypeError naming the option, the value and what was expected.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`vitrine: options must be an object like { model: '/vitrine/model/' }, got ${show(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      throw new TypeError(`vitrine: unknown option ${show(key)}; expected one of ${KNOWN_OPTIONS.join(', ')}`);
    }
  }
  if (typeof o.model !== 'string' || o.model.trim() === '') {
    throw new TypeError(`vitrine: options.model must be the model directory's URL, got ${show(o.model)}`);
  }
  const backend = o.backend ?? 'auto';
  if (!BACKENDS.includes(backend as BackendPreference)) {
    throw new TypeError(`vitrine: options.backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}, got ${show(backend)}`);
  }
  if (o.wasmPaths !== undefined && (typeof o.wasmPaths !== 'string' || !o.wasmPaths.endsWith('/'))) {
    throw new TypeError(`vitrine: options.wasmPaths must be a URL prefix ending in '/', got ${show(o.wasmPaths)}`);
  }
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`vitrine: options.timeoutMs must be a positive number of milliseconds, got ${show(timeoutMs)}`);
  }
  return {
    model: o.model,
    backend: backend as BackendPreference,
    wasmPaths: o.wasmPaths as string | undefined,
    timeoutMs,
  };
}

/** Checks the arguments of `rank`; a wrong type is a programmer's mistake and throws. */
export function checkRankArgs(ids: unknown, options: unknown): Required<RankOptions> {
  if (!Array.isArray(ids)) throw new TypeError(`vitrine.rank: ids must be an array of strings, got ${show(ids)}`);
  ids.forEach((id, i) => {
    if (typeof id !== 'string') throw new TypeError(`vitrine.rank: ids[${i}] must be a string, got ${show(id)}`);
  });
  if (options === undefined) return { history: [] };
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`vitrine.rank: options must be an object, got ${show(options)}`);
  }
  const history = (options as RankOptions).history ?? [];
  if (!Array.isArray(history) || history.some((h) => typeof h !== 'string')) {
    throw new TypeError(`vitrine.rank: options.history must be an array of item id strings, got ${show(history)}`);
  }
  return { history };
}
