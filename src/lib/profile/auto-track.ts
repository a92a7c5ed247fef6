import type { EventType, TrackEvent } from '../../types/index.js';
import { TRACKED_TYPES } from './events.js';
import { later } from '../idle.js';

export interface AutoTrackOptions {
  /** Share of an item that must be on screen for a view. @default 0.5 */
  viewRatio: number;
  /** How long it must stay there, in milliseconds. @default 1000 */
  viewMs: number;
  /** A click followed by a return to this page within this many milliseconds is a bounce. @default 10000 */
  bounceMs: number;
}

const ITEM = '[data-vitrine-item]';
const PENDING = 'vitrine:last-click';

/**
 * Tracks what the page marks, with one delegated click listener, one IntersectionObserver for views and
 * one MutationObserver for items added later; SPA route changes let items be viewed again. Returns a
 * function that removes every listener and observer.
 */
export function autoTrack(
  root: Document,
  track: (event: TrackEvent) => void,
  bounce: (item: string, list: string | undefined) => void,
  o: AutoTrackOptions = { viewRatio: 0.5, viewMs: 1000, bounceMs: 10_000 },
): () => void {
  const cleanups: (() => void)[] = [];
  const listOf = (el: Element) => el.closest<HTMLElement>('[data-vitrine-list]')?.dataset.vitrineList || undefined;

  const onClick = (e: Event) => {
    const target = e.target instanceof Element ? e.target : null;
    const el = target?.closest<HTMLElement>(ITEM);
    if (!el) return;
    const item = el.dataset.vitrineItem;
    if (!item) return;
    const declared = target!.closest<HTMLElement>('[data-vitrine-event]')?.dataset.vitrineEvent;
    const type = (declared ?? 'click') as EventType;
    if (!TRACKED_TYPES.includes(type)) {
      console.warn(`vitrine: data-vitrine-event="${declared}" is not one of ${TRACKED_TYPES.join(', ')}; not tracked`);
      return;
    }
    const list = listOf(el);
    track({ type, item, ...(list && { list }) });
    // Leaving the page through this item: remember it, to recognise a quick return as a bounce.
    const link = target!.closest('a[href]');
    if (type === 'click' && link) {
      try {
        sessionStorage.setItem(PENDING, JSON.stringify({ item, list, time: Date.now(), page: location.pathname }));
      } catch {
        // No sessionStorage (some private modes): no bounce detection.
      }
    }
  };
  root.addEventListener('click', onClick, true);
  cleanups.push(() => root.removeEventListener('click', onClick, true));

  // A bounce: this page is shown again, by going back, soon after the visitor left it through an item.
  const checkBounce = (restored: boolean) => {
    try {
      const raw = sessionStorage.getItem(PENDING);
      if (!raw) return;
      sessionStorage.removeItem(PENDING);
      const p = JSON.parse(raw) as { item: string; list?: string; time: number; page: string };
      // Back to this page: a restore from the back/forward cache, or a load whose navigation says so.
      const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
      const back = restored || nav?.type === 'back_forward';
      if (back && p.page === location.pathname && Date.now() - p.time < o.bounceMs) bounce(p.item, p.list);
    } catch {
      // Unreadable: ignore.
    }
  };
  checkBounce(false);
  // (From a pagehide on: not run in the page's load task.)
  const onShow = (e: PageTransitionEvent) => e.persisted && checkBounce(true);
  const onHide = () => addEventListener('pageshow', onShow);
  addEventListener('pagehide', onHide);
  cleanups.push(() => (removeEventListener('pagehide', onHide), removeEventListener('pageshow', onShow)));

  // Views: at least viewRatio of the item on screen for viewMs, once per item per page view.
  const viewed = new Set<string>();
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  if (typeof IntersectionObserver !== 'undefined') {
    const io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const el = entry.target as HTMLElement;
          const item = el.dataset.vitrineItem;
          if (!item) continue;
          if (entry.intersectionRatio >= o.viewRatio && !viewed.has(item)) {
            if (!timers.has(el)) {
              timers.set(
                el,
                setTimeout(() => {
                  timers.delete(el);
                  if (viewed.has(item) || !el.isConnected) return;
                  viewed.add(item);
                  const list = listOf(el);
                  track({ type: 'view', item, dwell: o.viewMs, ...(list && { list }) });
                }, o.viewMs),
              );
            }
          } else {
            clearTimeout(timers.get(el));
            timers.delete(el);
          }
        }
      },
      { threshold: [0, o.viewRatio] },
    );
    const observe = (node: ParentNode) => {
      if (node instanceof Element && node.matches(ITEM)) io.observe(node);
      node.querySelectorAll?.(ITEM).forEach((el) => io.observe(el));
    };
    observe(root);
    // (Records read after the tracking stopped, `cleanups` emptied, are dropped.)
    const mo = new MutationObserver(later((records) => cleanups.length && records.forEach((r) => r.addedNodes.forEach((n) => n instanceof Element && observe(n)))));
    mo.observe(root.documentElement ?? root, { childList: true, subtree: true });
    cleanups.push(() => {
      io.disconnect();
      mo.disconnect();
      timers.forEach((t) => clearTimeout(t));
      timers.clear();
    });
  }

  // SPA route changes: a new "page", so its items can be viewed again.
  const onRoute = () => viewed.clear();
  addEventListener('popstate', onRoute);
  cleanups.push(() => removeEventListener('popstate', onRoute));
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  if (nav) {
    nav.addEventListener('navigatesuccess', onRoute);
    cleanups.push(() => nav.removeEventListener('navigatesuccess', onRoute));
  }

  return () => cleanups.splice(0).forEach((c) => c());
}
