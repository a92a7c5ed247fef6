import type { BackendPreference, EventType, HistoryEvent, RankOptions, RecommendOptions, VitrineOptions } from '../types/index.js';

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgl', 'wasm', 'cpu'];
const KNOWN_OPTIONS = [
  'model',
  'backend',
  'wasmPaths',
  'timeoutMs',
  'scoring',
  'sessionTimeoutMinutes',
  'consent',
  'honorGlobalPrivacyControl',
  'retentionDays',
  'maxEvents',
  'storageName',
  'autoTrack',
  'loadModel',
  'plainScoringUpTo',
];
const LOAD_MODEL = ['now', 'idle', 'manual'];
export const CONSENT_STATES = ['granted', 'denied', 'pending'] as const;
const SCORING_KEYS = ['lstm', 'last', 'decay', 'repeat', 'repeatDecay', 'long', 'history', 'seen', 'page', 'category', 'halfLife', 'dislike'];
export const EVENT_TYPES: readonly EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'like', 'dislike', 'dismiss'];

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<VitrineOptions, 'wasmPaths' | 'plainScoringUpTo'>> & Pick<VitrineOptions, 'wasmPaths' | 'plainScoringUpTo'>;

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
  const scoring = (o.scoring ?? {}) as Record<string, unknown>;
  if (typeof scoring !== 'object' || scoring === null) throw new TypeError(`vitrine: options.scoring must be an object, got ${show(scoring)}`);
  for (const [k, v] of Object.entries(scoring)) {
    if (!SCORING_KEYS.includes(k)) throw new TypeError(`vitrine: unknown options.scoring.${k}; expected one of ${SCORING_KEYS.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`vitrine: options.scoring.${k} must be a finite number, got ${show(v)}`);
  }
  if (scoring.repeatDecay !== undefined && !((scoring.repeatDecay as number) >= 0 && (scoring.repeatDecay as number) <= 1)) {
    throw new TypeError(`vitrine: options.scoring.repeatDecay must be a number in 0..1, got ${show(scoring.repeatDecay)}`);
  }
  if (scoring.halfLife !== undefined && !((scoring.halfLife as number) > 0)) {
    throw new TypeError(`vitrine: options.scoring.halfLife must be a positive number of days, got ${show(scoring.halfLife)}`);
  }
  const sessionTimeoutMinutes = o.sessionTimeoutMinutes ?? 30;
  if (typeof sessionTimeoutMinutes !== 'number' || !(sessionTimeoutMinutes > 0)) {
    throw new TypeError(`vitrine: options.sessionTimeoutMinutes must be a positive number, got ${show(sessionTimeoutMinutes)}`);
  }
  const consent = o.consent ?? 'granted';
  if (!CONSENT_STATES.includes(consent as never)) {
    throw new TypeError(`vitrine: options.consent must be one of ${CONSENT_STATES.map((c) => `'${c}'`).join(', ')}, got ${show(consent)}`);
  }
  const honorGlobalPrivacyControl = o.honorGlobalPrivacyControl ?? true;
  if (typeof honorGlobalPrivacyControl !== 'boolean') {
    throw new TypeError(`vitrine: options.honorGlobalPrivacyControl must be true or false, got ${show(honorGlobalPrivacyControl)}`);
  }
  const whole = (name: string, value: unknown, fallback: number, max: number) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) {
      throw new TypeError(`vitrine: options.${name} must be a whole number in 1..${max}, got ${show(v)}`);
    }
    return v as number;
  };
  const storageName = o.storageName ?? 'vitrine';
  if (typeof storageName !== 'string' || !/^[\w.-]{1,64}$/.test(storageName)) {
    throw new TypeError(`vitrine: options.storageName must be 1 to 64 letters, digits, '_', '-' or '.', got ${show(storageName)}`);
  }
  const loadModel = o.loadModel ?? 'now';
  if (!LOAD_MODEL.includes(loadModel as string)) {
    throw new TypeError(`vitrine: options.loadModel must be one of ${LOAD_MODEL.map((l) => `'${l}'`).join(', ')}, got ${show(loadModel)}`);
  }
  const plain = o.plainScoringUpTo;
  if (plain !== undefined && plain !== Infinity && !(Number.isInteger(plain) && (plain as number) >= 0)) {
    throw new TypeError(`vitrine: options.plainScoringUpTo must be a whole number ≥ 0 or Infinity, got ${show(plain)}`);
  }
  return {
    plainScoringUpTo: plain as number | undefined,
    loadModel: loadModel as ResolvedOptions['loadModel'],
    model: o.model,
    backend: backend as BackendPreference,
    wasmPaths: o.wasmPaths as string | undefined,
    timeoutMs,
    scoring: scoring as ResolvedOptions['scoring'],
    sessionTimeoutMinutes,
    consent: consent as ResolvedOptions['consent'],
    honorGlobalPrivacyControl,
    retentionDays: whole('retentionDays', o.retentionDays, 30, 3650),
    maxEvents: whole('maxEvents', o.maxEvents, 1000, 100_000),
    storageName,
    autoTrack: Boolean(o.autoTrack),
  };
}


function checkIds(value: unknown, where: string, what = 'item id strings'): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${where} must be an array of ${what}, got ${show(value)}`);
  value.forEach((id, i) => {
    if (typeof id !== 'string') throw new TypeError(`${where}[${i}] must be a string, got ${show(id)}`);
  });
  return value;
}

function checkHistory(value: unknown, where: string): (string | HistoryEvent)[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${where} must be an array of ids or { id, type?, time? } events, got ${show(value)}`);
  value.forEach((e, i) => {
    if (typeof e === 'string') return;
    if (e === null || typeof e !== 'object' || typeof e.id !== 'string') {
      throw new TypeError(`${where}[${i}] must be an id or { id, type?, time? }, got ${show(e)}`);
    }
    if (e.type !== undefined && !EVENT_TYPES.includes(e.type)) {
      throw new TypeError(`${where}[${i}].type must be one of ${EVENT_TYPES.join(', ')}, got ${show(e.type)}`);
    }
    if (e.time !== undefined && (typeof e.time !== 'number' || !Number.isFinite(e.time))) {
      throw new TypeError(`${where}[${i}].time must be milliseconds since 1970, got ${show(e.time)}`);
    }
  });
  return value;
}

/** Checks the options of `recommend`. */
export function checkRecommendArgs(options: unknown): Required<RecommendOptions> {
  if (options === null || typeof options !== 'object') throw new TypeError(`vitrine.recommend: options must be an object like { k: 10 }, got ${show(options)}`);
  const o = options as RecommendOptions;
  if (!Number.isInteger(o.k) || o.k < 0 || o.k > 10_000) throw new TypeError(`vitrine.recommend: options.k must be a whole number in 0..10000, got ${show(o.k)}`);
  return {
    k: o.k,
    exclude: o.exclude === undefined ? [] : checkIds(o.exclude, 'vitrine.recommend: options.exclude'),
    history: checkHistory(o.history, 'vitrine.recommend: options.history'),
    explain: Boolean(o.explain),
  };
}


/** Options of `rank`, checked; categories are a Map (ids are the shop's strings, never object keys). */
export type CheckedRankOptions = Required<Omit<RankOptions, 'categories'>> & { categories: ReadonlyMap<string, readonly string[]> };

/** Checks the arguments of `rank`; a wrong type is a programmer's mistake and throws. */
export function checkRankArgs(ids: unknown, options: unknown): CheckedRankOptions {
  checkIds(ids, 'vitrine.rank: ids', 'strings');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`vitrine.rank: options must be an object, got ${show(options)}`);
  }
  const o = (options ?? {}) as RankOptions;
  const diversity = o.diversity ?? 0;
  if (typeof diversity !== 'number' || !(diversity >= 0 && diversity <= 1)) {
    throw new TypeError(`vitrine.rank: options.diversity must be a number in 0..1, got ${show(diversity)}`);
  }
  const given = o.categories ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`vitrine.rank: options.categories must be a Map or an object of id → category names, got ${show(given)}`);
  }
  // Own keys only, into a Map: an id such as "__proto__" or "constructor" is data, never a property lookup.
  const categories = new Map<string, readonly string[]>();
  for (const [id, list] of given instanceof Map ? given : Object.entries(given)) {
    if (typeof id !== 'string') throw new TypeError(`vitrine.rank: options.categories keys must be item id strings, got ${show(id)}`);
    categories.set(id, checkIds(list, `vitrine.rank: options.categories[${JSON.stringify(id)}]`, 'category names'));
  }
  return {
    history: checkHistory(o.history, 'vitrine.rank: options.history'),
    pinned: o.pinned === undefined ? [] : checkIds(o.pinned, 'vitrine.rank: options.pinned'),
    exclude: o.exclude === undefined ? [] : checkIds(o.exclude, 'vitrine.rank: options.exclude'),
    diversity,
    explain: Boolean(o.explain),
    categories,
  };
}
