import type { RankOptions } from '../../types/index.js';

/** A marked list as the page describes it (`data-vitrine-*` attributes). */
export interface PageList {
  element: HTMLElement;
  name: string;
  /** The items that move: marked, with an id, all children of one parent. */
  items: HTMLElement[];
  ids: string[];
  options: Pick<RankOptions, 'pinned' | 'diversity'> & { categories: Map<string, string[]> };
  /** Rerank after the visitor acts (`data-vitrine-live`). */
  live: boolean;
  /** Show only this many (`data-vitrine-limit`); the rest get `hidden`. */
  limit?: number;
}

const number = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value));

/** Reads a list's items and options from its markup. Items of nested lists belong to those lists. */
export function readList(element: HTMLElement): PageList {
  const all = [...element.querySelectorAll<HTMLElement>('[data-vitrine-item]')].filter(
    (el) => el.closest('[data-vitrine-list]') === element && el.dataset.vitrineItem,
  );
  const parent = all[0]?.parentNode;
  const items = all.filter((el) => el.parentNode === parent);
  const ids = items.map((el) => el.dataset.vitrineItem!);
  const categories = new Map<string, string[]>();
  for (const el of items) {
    const c = el.dataset.vitrineCategory;
    if (c) categories.set(el.dataset.vitrineItem!, c.split('|').map((x) => x.trim()).filter(Boolean));
  }
  const diversity = number(element.dataset.vitrineDiversity);
  const limit = number(element.dataset.vitrineLimit);
  return {
    element,
    name: element.dataset.vitrineList || 'list',
    items,
    ids,
    options: {
      pinned: items.filter((el) => el.hasAttribute('data-vitrine-pinned')).map((el) => el.dataset.vitrineItem!),
      diversity: diversity !== undefined && diversity >= 0 && diversity <= 1 ? diversity : 0,
      categories,
    },
    live: element.hasAttribute('data-vitrine-live') && element.dataset.vitrineLive !== 'false',
    limit: limit !== undefined && Number.isInteger(limit) && limit > 0 ? limit : undefined,
  };
}

/** Whether two reads of a list hold the same items, with the same ids, in the same order. */
export function sameItems(a: PageList, b: PageList): boolean {
  return a.items.length === b.items.length && a.items.every((el, i) => el === b.items[i] && a.ids[i] === b.ids[i]);
}

/** Shows the first `limit` items of a list in its current order and hides the rest (`data-vitrine-limit`). */
export function applyLimit(list: PageList): void {
  if (list.limit !== undefined) list.items.forEach((el, i) => (el.hidden = i >= list.limit!));
}
