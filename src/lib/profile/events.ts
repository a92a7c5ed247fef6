import type { EventType, TrackEvent } from '../../types/index.js';
import { EVENT_TYPES, show } from '../options.js';

// Events as the profile stores them, and the checks that keep anything else out. Pure.

export const TRACKED_TYPES = EVENT_TYPES;

/** An event as stored: item ids, event types, list names, times. Never text, URLs or anything personal. */
export interface StoredEvent {
  item: string;
  /** A tracked type, or `bounce`: a click the visitor came straight back from (a negative signal). */
  type: EventType | 'bounce';
  time: number;
  session: string;
  list?: string;
  dwell?: number;
}

export const MAX_ID_LENGTH = 256;
const LIST_NAME = /^[\w.:-]{1,64}$/;

/**
 * Checks an event given to `track`. A programmer's mistake, so it throws a TypeError that names the
 * field, the value and what was expected; nothing of a refused event is stored.
 */
export function checkEvent(event: unknown): TrackEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new TypeError(`vitrine.track: the event must be an object like { type: 'click', item: 'sku-1' }, got ${show(event)}`);
  }
  const e = event as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!['type', 'item', 'list', 'time', 'dwell'].includes(key)) {
      throw new TypeError(`vitrine.track: unknown field ${show(key)}; an event has type, item, list, time and dwell`);
    }
  }
  if (!TRACKED_TYPES.includes(e.type as EventType)) {
    throw new TypeError(`vitrine.track: type must be one of ${TRACKED_TYPES.join(', ')}, got ${show(e.type)}`);
  }
  if (typeof e.item !== 'string' || e.item.length === 0 || e.item.length > MAX_ID_LENGTH) {
    throw new TypeError(`vitrine.track: item must be an id of 1 to ${MAX_ID_LENGTH} characters, got ${show(e.item)}`);
  }
  if (e.list !== undefined && (typeof e.list !== 'string' || !LIST_NAME.test(e.list))) {
    throw new TypeError(`vitrine.track: list must be a list name of 1 to 64 letters, digits, '_', '-', '.' or ':', got ${show(e.list)}`);
  }
  if (e.time !== undefined && (typeof e.time !== 'number' || !Number.isFinite(e.time) || e.time < 0)) {
    throw new TypeError(`vitrine.track: time must be milliseconds since 1970, got ${show(e.time)}`);
  }
  if (e.dwell !== undefined && (typeof e.dwell !== 'number' || !Number.isFinite(e.dwell) || e.dwell < 0)) {
    throw new TypeError(`vitrine.track: dwell must be a non-negative number of milliseconds, got ${show(e.dwell)}`);
  }
  return e as unknown as TrackEvent;
}

/** A stored record as read back: anything malformed (a corrupted record) is `undefined`. */
export function readRecord(value: unknown): StoredEvent | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  const typeOk = TRACKED_TYPES.includes(r.type as EventType) || r.type === 'bounce';
  if (!typeOk || typeof r.item !== 'string' || !r.item || r.item.length > MAX_ID_LENGTH) return undefined;
  if (typeof r.time !== 'number' || !Number.isFinite(r.time) || typeof r.session !== 'string') return undefined;
  if (r.list !== undefined && typeof r.list !== 'string') return undefined;
  if (r.dwell !== undefined && typeof r.dwell !== 'number') return undefined;
  const out: StoredEvent = { item: r.item, type: r.type as StoredEvent['type'], time: r.time, session: r.session };
  if (r.list !== undefined) out.list = r.list as string;
  if (r.dwell !== undefined) out.dwell = r.dwell as number;
  return out;
}

/**
 * Which stored events retention removes: those older than `days`, then the oldest beyond `max`.
 * `events` is in storage order with its keys; returns the keys to delete.
 */
export function expired<K>(events: readonly { key: K; time: number }[], now: number, days: number, max: number): K[] {
  const cutoff = now - days * 86_400_000;
  const old = events.filter((e) => e.time < cutoff);
  const kept = events.filter((e) => e.time >= cutoff);
  const over = Math.max(0, kept.length - max);
  // Oldest by time; a clock moved backwards must not make fresh events look old, so ties keep storage order.
  const byAge = kept.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i).slice(0, over);
  return [...old.map((e) => e.key), ...byAge.map((x) => x.e.key)];
}

/** The session an event belongs to: the current one, unless `gapMs` passed since the last event. */
export function sessionFor(last: { id: string; time: number } | undefined, now: number, gapMs: number, newId: () => string): { id: string; time: number } {
  if (last && now - last.time <= gapMs && now >= last.time - gapMs) return { id: last.id, time: now };
  return { id: newId(), time: now };
}
