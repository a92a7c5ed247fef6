import type { Ranked } from '../types/index.js';

// From scores to the order shown: best first (ties keep the page's order), an optional diversity step,
// then pinned items back in their slots.

/** Best score first; equal scores keep their input order. */
export function byScore(ranked: readonly Ranked[]): Ranked[] {
  const order = Array.from(ranked.keys());
  order.sort((a, b) => ranked[b].score - ranked[a].score || a - b);
  return order.map((i) => ranked[i]);
}

/**
 * Greedy maximal marginal relevance over categories: each pick is the best score minus `strength` times
 * the spread of scores for every earlier pick sharing a category. 0 keeps the order.
 */
export function diversify(ranked: Ranked[], categories: (id: string) => readonly string[] | undefined, strength: number): Ranked[] {
  if (strength <= 0 || ranked.length < 3) return ranked;
  const scores = ranked.map((r) => r.score);
  const spread = Math.max(...scores) - Math.min(...scores) || 1;
  const seen = new Map<string, number>();
  const left = ranked.slice();
  const out: Ranked[] = [];
  while (left.length) {
    let bestAt = 0;
    let bestValue = -Infinity;
    left.forEach((r, i) => {
      const overlap = (categories(r.id) ?? []).reduce((m, c) => Math.max(m, seen.get(c) ?? 0), 0);
      const value = r.score - strength * spread * overlap;
      if (value > bestValue) [bestAt, bestValue] = [i, value];
    });
    const [pick] = left.splice(bestAt, 1);
    for (const c of categories(pick.id) ?? []) seen.set(c, (seen.get(c) ?? 0) + 1);
    out.push(pick);
  }
  return out;
}

/** Puts pinned items back at the positions they had on the page; the others fill the remaining slots. */
export function keepPinned(page: readonly string[], ranked: Ranked[], pinned: ReadonlySet<string>): Ranked[] {
  if (pinned.size === 0) return ranked;
  const fixed = new Map<number, Ranked>();
  const byId = new Map(ranked.map((r) => [r.id, r]));
  page.forEach((id, i) => {
    const r = byId.get(id);
    if (pinned.has(id) && r && !fixed.has(i)) fixed.set(i, r);
  });
  const free = ranked.filter((r) => !pinned.has(r.id));
  const out: Ranked[] = [];
  for (let i = 0; out.length < ranked.length; i++) out.push(fixed.get(i) ?? free.shift()!);
  return out;
}
