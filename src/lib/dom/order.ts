// Putting a page's lists in their ranked orders: part of the script tag's second stage (it runs only once
// a model ranks), so the first stage carries no reordering code.
import type { Ranked } from '../../types/index.js';
import { applyLimit, type PageList } from './lists.js';
import { flip, reorder } from './reorder.js';

/**
 * Puts lists in their ranked orders (duplicate ids keep their relative order), animating when asked. All
 * positions are read before any list moves, so the page lays out once.
 */
export function applyOrders(jobs: readonly { list: PageList; ranked?: readonly Ranked[] }[], animate: boolean): void {
  const work = jobs.filter((j): j is { list: PageList; ranked: readonly Ranked[] } => j.ranked !== undefined);
  const before = animate ? new Map(work.flatMap(({ list }) => list.items.map((el) => [el, el.getBoundingClientRect()] as const))) : undefined;
  for (const { list, ranked } of work) {
    const pool = new Map<string, HTMLElement[]>();
    list.items.forEach((el, i) => pool.set(list.ids[i], [...(pool.get(list.ids[i]) ?? []), el]));
    const order = ranked.map((r) => pool.get(r.id)?.shift()).filter((el): el is HTMLElement => el !== undefined);
    // Anything the ranking left out (never, but cheap to be sure) keeps its place at the end.
    for (const rest of pool.values()) order.push(...rest);
    reorder(list.items, order);
    list.items = order;
    list.ids = order.map((el) => el.dataset.vitrineItem!);
  }
  // Every list shows its limit, ranked or not (the holdout arm, a list switched off, no model): the arms
  // of a comparison must show as many items.
  for (const { list } of jobs) applyLimit(list);
  if (before) flip(before);
}

/**
 * Whether the page moved or rewrote items since `was` (items kept in another relative order, or holding
 * another id): the page chose an order. Items only added or removed are not a move.
 */
export function pageMoved(was: PageList, now: PageList): boolean {
  let last = -1;
  return now.items.some((el, i) => {
    const at = was.items.indexOf(el);
    if (at < 0) return false;
    if (at < last || was.ids[at] !== now.ids[i]) return true;
    last = at;
    return false;
  });
}
