import { expect, test } from 'vitest';
import { checkEvent, expired, readRecord, sessionFor } from '../../src/lib/profile/events.js';

test('checkEvent accepts a well-formed event and names the bad field otherwise', () => {
  expect(checkEvent({ type: 'like', item: 'sku-1', list: 'rail:top', time: 5, dwell: 0 })).toEqual({ type: 'like', item: 'sku-1', list: 'rail:top', time: 5, dwell: 0 });
  expect(() => checkEvent(null)).toThrow(/the event must be an object/);
  expect(() => checkEvent({ type: 'click' })).toThrow(/item must be an id of 1 to 256 characters, got undefined/);
  expect(() => checkEvent({ type: 'click', item: 'a', dwell: -1 })).toThrow(/dwell must be a non-negative number of milliseconds, got -1/);
  expect(() => checkEvent({ type: 'click', item: 'a', list: 'x'.repeat(65) })).toThrow(/list must be a list name/);
  expect(() => checkEvent({ type: 'bounce', item: 'a' })).toThrow(/type must be one of view, click/);
});

test('readRecord returns undefined for anything malformed', () => {
  expect(readRecord({ item: 'a', type: 'bounce', time: 1, session: 's' })).toEqual({ item: 'a', type: 'bounce', time: 1, session: 's' });
  for (const bad of [null, 'x', { item: 'a', type: 'click', time: 1 }, { item: 'a', type: 'x', time: 1, session: 's' }, { item: 'a', type: 'click', time: NaN, session: 's' }, { item: 'a', type: 'click', time: 1, session: 's', list: 3 }]) {
    expect(readRecord(bad)).toBeUndefined();
  }
});

test('expired drops what is too old, then the oldest beyond the count', () => {
  const day = 86_400_000;
  const now = 100 * day;
  const events = [
    { key: 1, time: now - 40 * day },
    { key: 2, time: now - 3 * day },
    { key: 3, time: now - 2 * day },
    { key: 4, time: now - 1 * day },
  ];
  expect(expired(events, now, 30, 10)).toEqual([1]);
  expect(expired(events, now, 30, 2)).toEqual([1, 2]);
  expect(expired(events, now, 1, 10)).toEqual([1, 2, 3]);
});

test('sessionFor keeps a session through short gaps and starts a new one after the timeout', () => {
  let n = 0;
  const id = () => `s${++n}`;
  const a = sessionFor(undefined, 1000, 60_000, id);
  const b = sessionFor(a, 50_000, 60_000, id);
  const c = sessionFor(b, 200_000, 60_000, id);
  expect([a.id, b.id, c.id]).toEqual(['s1', 's1', 's2']);
  // A clock moved far back starts a new session rather than joining one "in the future".
  expect(sessionFor(c, 0, 60_000, id).id).toBe('s3');
});
