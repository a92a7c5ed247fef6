import type { EventType, HistoryEvent } from '../types/index.js';

// A history as the scoring core reads it. Apart from the rest of the core: the first stage (tracking)
// needs this alone, the ranking code comes with the engine.

export interface NormalEvent<K = string> {
  id: K;
  type: EventType | 'bounce';
  time: number;
}

/** Fills defaults: a bare id is a click now. */
export function normalise(history: readonly (string | HistoryEvent)[], now: number): NormalEvent[] {
  return history.map((e) => (typeof e === 'string' ? { id: e, type: 'click', time: now } : { id: e.id, type: e.type ?? 'click', time: e.time ?? now }));
}
