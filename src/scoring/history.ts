import type { EventType } from '../types/index.js';
import type { NormalEvent } from './events.js';

export { normalise, type NormalEvent } from './events.js';

// What a history says, as plain numbers: which events form the current session (the session model reads
// them), how much each event weighs in the long-term profile, and what the visitor pushed away. The same
// code reads a visitor's history in the browser and a test case's history in the trainer; `K` is the item
// key (the shop's id string in the browser, a model row in the trainer).

/**
 * Long-term weight of each event type: view < click < add to cart < purchase; negatives push away. A view
 * records what the page put on screen more than what the visitor wanted, so it weighs little. A bounce (a
 * click the visitor came straight back from) is a mild negative.
 */
export const EVENT_WEIGHTS: Readonly<Record<EventType | 'bounce', number>> = {
  bounce: -1,
  view: 0.1,
  click: 1,
  add_to_cart: 2,
  purchase: 3,
  like: 2,
  dislike: -2,
  dismiss: -2,
};

/** The event types whose long-term weight a model may set (`scoring.view`, …): the trainer tunes them where its log has them. */
export const TUNED_EVENTS = ['view', 'add_to_cart', 'purchase'] as const;
export type EventWeights = Partial<Record<(typeof TUNED_EVENTS)[number], number>>;

/** EVENT_WEIGHTS with a model's own weights of the tuned types (other keys of `own` are not read). */
export function eventWeights(own: EventWeights | undefined): Readonly<Record<EventType | 'bounce', number>> {
  const table = { ...EVENT_WEIGHTS };
  for (const t of TUNED_EVENTS) if (typeof own?.[t] === 'number') table[t] = own[t];
  return table;
}

/** A long-term event loses half its weight every this many days. */
export const HALF_LIFE_DAYS = 14;

/** A history whose weights sum (in absolute value) to less than this borrows from the nearest user prototype. */
export const THIN = 3;

const DAY = 86_400_000;

const isNegative = (type: EventType | 'bounce') => EVENT_WEIGHTS[type] < 0;

/** What the visitor chose (the session and reasons read it): a positive event, a view only when `views`. */
export const isChoice = (type: EventType | 'bounce', views: boolean) => !isNegative(type) && (views || type !== 'view');

/** Views enter the session only for a session model that trained on them. */
export const readsViews = (types: { trainedTypes?: readonly string[] } | undefined) => types?.trainedTypes?.includes('view') ?? false;

/**
 * The current session: the trailing positive events with no gap longer than `gapMs` between them, the last
 * one within `gapMs` of now. Views enter it only when the session model learned what a view means
 * (`views`: the training log had them); otherwise they record what the page put on screen, and count in the
 * long-term profile only. A clock that went backwards (a later event with an earlier time) is not a gap.
 */
export function currentSession<K>(events: readonly NormalEvent<K>[], now: number, gapMs: number, views = false): NormalEvent<K>[] {
  const positive = events.filter((e) => isChoice(e.type, views));
  if (positive.length === 0 || now - Math.max(...positive.map((e) => e.time)) > gapMs) return [];
  let start = positive.length - 1;
  while (start > 0 && positive[start].time - positive[start - 1].time <= gapMs) start--;
  return positive.slice(start);
}

/**
 * Long-term weights per item: type weight (EVENT_WEIGHTS, the tuned types' from `own` where it sets them)
 * × age decay (halving every `halfLife` days), summed over the item's events.
 */
export function profileWeights<K>(events: readonly NormalEvent<K>[], now: number, halfLife = HALF_LIFE_DAYS, own?: EventWeights): Map<K, number> {
  const weights = new Map<K, number>();
  const of = eventWeights(own);
  for (const e of events) {
    const age = Math.max(0, now - e.time) / DAY;
    const w = of[e.type] * 0.5 ** (age / halfLife);
    weights.set(e.id, (weights.get(e.id) ?? 0) + w);
  }
  return weights;
}

/** What one rank reads from a history, once. */
export interface Signals<K> {
  /** The current session, oldest first. */
  session: NormalEvent<K>[];
  /** Long-term weight per item (profileWeights). */
  weights: Map<K, number>;
  /** Each item's own negative feedback (dislike, dismiss, bounce), decayed: ≤ 0. */
  negative: Map<K, number>;
  /** The items of each dislike and dismissal, one entry per event: their categories are pushed down. */
  against: K[];
  /** The items the visitor chose (a click, add to cart, purchase or like; views do not count), once each. */
  chosen: Set<K>;
}

/** How a history is read: the session gap, whether views enter the session, the long-term half-life in days, the tuned event weights. */
export interface Reading {
  gapMs: number;
  views?: boolean;
  halfLife?: number;
  events?: EventWeights;
}

export function readHistory<K>(events: readonly NormalEvent<K>[], now: number, { gapMs, views = false, halfLife = HALF_LIFE_DAYS, events: own }: Reading): Signals<K> {
  return {
    session: currentSession(events, now, gapMs, views),
    weights: profileWeights(events, now, halfLife, own),
    negative: profileWeights(
      events.filter((e) => isNegative(e.type)),
      now,
      halfLife,
    ),
    against: events.filter((e) => e.type === 'dislike' || e.type === 'dismiss').map((e) => e.id),
    chosen: new Set(events.filter((e) => isChoice(e.type, false)).map((e) => e.id)),
  };
}

/** What the session model knows of event types: its input rows' names, and those training saw. */
export interface SessionTypes {
  eventTypes: readonly string[];
  /** Types the training log held; other rows of the type embeddings are untrained. Absent: all of them. */
  trainedTypes?: readonly string[];
  window: number;
}

/**
 * The session model's input: the rows and type rows of the session's last `window` items the model knows.
 * A like reads as a click; a type the model never trained (an add to cart, on a log of clicks) reads as a
 * click too, never as its untrained row.
 */
export function sessionInput<K>(session: readonly NormalEvent<K>[], rowOf: (id: K) => number | undefined, t: SessionTypes): { rows: number[]; types: number[] } {
  const click = Math.max(0, t.eventTypes.indexOf('click'));
  const typeRow = (type: string) => {
    const name = type === 'like' ? 'click' : type;
    const at = t.eventTypes.indexOf(name);
    return at < 0 || (t.trainedTypes && !t.trainedTypes.includes(name)) ? click : at;
  };
  const rows: number[] = [];
  const types: number[] = [];
  for (const e of session) {
    const row = rowOf(e.id);
    if (row === undefined) continue;
    rows.push(row);
    types.push(typeRow(e.type));
  }
  return { rows: rows.slice(-t.window), types: types.slice(-t.window) };
}

/**
 * The long-term profile's input r: the known items of the history with a non-zero weight, and how much of
 * the nearest user prototype a thin history borrows (1 − mass / THIN, 0 past THIN).
 */
export function longTermInput<K>(weights: ReadonlyMap<K, number>, rowOf: (id: K) => number | undefined): { rows: number[]; values: number[]; prototype: number } {
  const rows: number[] = [];
  const values: number[] = [];
  let mass = 0;
  for (const [id, v] of weights) {
    const row = rowOf(id);
    if (row === undefined || v === 0) continue;
    rows.push(row);
    values.push(v);
    mass += Math.abs(v);
  }
  return { rows, values, prototype: Math.max(0, 1 - mass / THIN) };
}

/** Interests by category: the positive long-term weight of each category's items, strongest first. */
export function interestsByCategory(weights: ReadonlyMap<string, number>, categoriesOf: (id: string) => readonly string[] | undefined) {
  const sums = new Map<string, number>();
  for (const [id, w] of weights) {
    if (w <= 0) continue;
    for (const c of categoriesOf(id) ?? []) sums.set(c, (sums.get(c) ?? 0) + w);
  }
  return [...sums].map(([category, weight]) => ({ category, weight: Math.round(weight * 1000) / 1000 })).sort((a, b) => b.weight - a.weight);
}
