// The script-tag build (dist/vitrine.min.js, global `vitrine`). The only module that reads page globals:
// the script element's data attributes, the queue of calls made before it loaded, the URL (debug view).
// This first stage tracks, stores and reorders; the second (dist/vitrine-engine.js: TensorFlow.js and the
// engine) is imported from beside it when the page has a marked list: at once when one is on screen,
// else (or on a device with no history yet) when the page is idle.
import { later } from '../lib/idle.js';
import { createWith, pageOrder, startWith, whenIdle, type Ranker, type StartedVitrine } from '../lib/instance.js';
import { applyLimit, readList, sameItems, type PageList } from '../lib/dom/lists.js';
import type { applyOrders, pageMoved } from '../lib/dom/order.js';
import { ownerOf } from '../lib/dom/owner.js';
import type { Ranked, Vitrine, VitrineOptions } from '../types/index.js';
import { checkRankArgs, checkRecommendArgs } from '../lib/options.js';

type RankEvent = { list: string; arm: 'personalised' | 'holdout'; order: string[]; ms: number; backend: string | undefined; ranked: Ranked[]; kept?: string };

const script = document.currentScript as HTMLScriptElement | null;
// The second stage and its .wasm files ship beside this script: found from its own URL, the page configures nothing.
const here = script?.src ? new URL('./', script.src).href : undefined;
const started = performance.now();
/**
 * Imports the second stage, checked against the hash this build carries: a `modulepreload` link with
 * `integrity` fetches and checks it, and the import then takes the module the link loaded. A module
 * import is allowed by a CSP's script-src 'self' and is not a Trusted Types sink; a shop's SRI on this
 * script thus covers the engine too (and the engine checks the .wasm it compiles).
 */
let stage2: Promise<Stage2> | undefined;
const loadRanker = (): Promise<Stage2> => (stage2 ??= importStage2().catch((e) => ((stage2 = undefined), Promise.reject(e))));
type Stage2 = Ranker & { applyOrders: typeof applyOrders; pageMoved: typeof pageMoved };
const importStage2 = async (): Promise<Stage2> => {
  if (!here) throw new Error('the script has no src to find vitrine-engine.js beside');
  const url = `${here}vitrine-engine.js`;
  if (__VITRINE_ENGINE_INTEGRITY__) {
    await new Promise<void>((resolve, reject) => {
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.integrity = __VITRINE_ENGINE_INTEGRITY__;
      link.referrerPolicy = 'no-referrer';
      link.onload = () => resolve();
      // The link fails alike for a missing file and a wrong hash; a failed GET tells them apart.
      link.onerror = () =>
        fetch(url, { referrerPolicy: 'no-referrer' })
          .then((r) => r.ok, () => false)
          .then((ok) =>
            // (code 'engine-integrity': the second stage did not match its hash.)
            reject(ok ? Object.assign(new Error(`${url} does not match the hash this build of Vitrine expects (${__VITRINE_ENGINE_INTEGRITY__})`), { code: 'engine-integrity' }) : new Error(`GET ${url} failed`)),
          );
      link.href = url;
      document.head.append(link);
    });
  }
  return (await import(/* webpackIgnore: true */ url)) as Stage2;
};


/** Same as the npm entry's `createVitrine` (the engine finds the .wasm files beside itself, in this script's folder). */
function create(options: VitrineOptions) {
  return createWith(loadRanker, options);
}

const listeners = new Set<(e: RankEvent) => void>();
let page: StartedVitrine | undefined;
let opening: Promise<StartedVitrine | undefined> = Promise.resolve(undefined);

/** The page's instance: methods wait for it, so calls made early are kept in order. */
async function instance(): Promise<Vitrine> {
  const v = await opening;
  if (!v) throw new Error('vitrine: this page has no instance; add data-model to the script tag or call vitrine.createVitrine');
  return v;
}

const api = Object.assign((method: string, ...args: unknown[]) => (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args), {
  version: __VITRINE_VERSION__,
  createVitrine: create,
  track: async (...a: Parameters<Vitrine['track']>) => (await instance()).track(...a),
  // A device in the holdout arm keeps the page's order everywhere and loads nothing to rank with: rank
  // returns the page's order and recommend nothing (arguments are still checked). On a first visit they
  // wait for the page to paint (or the visitor's first input) before the model loads.
  rank: async (...a: Parameters<Vitrine['rank']>) => {
    const v = await instance();
    const { exclude } = checkRankArgs(...a);
    if (armOf() === 'holdout') return pageOrder(a[0], exclude);
    await painted;
    return v.rank(...a);
  },
  recommend: async (...a: Parameters<Vitrine['recommend']>) => {
    const v = await instance();
    checkRecommendArgs(...a);
    if (armOf() === 'holdout') return [];
    await painted;
    return v.recommend(...a);
  },

  profile: async () => (await instance()).profile(),
  consent: async (...a: Parameters<Vitrine['consent']>) => (await instance()).consent(...a),
  forget: async () => {
    await (await instance()).forget();
    try {
      localStorage.removeItem(ARM);
    } catch {
      // no localStorage
    }
  },
  /** Calls `listener` when the profile changes (an event here or in another tab, an erase). */
  onProfileChange(listener: Parameters<Vitrine['onProfileChange']>[0]) {
    let stop: (() => void) | undefined;
    let stopped = false;
    void opening.then((v) => {
      if (v && !stopped) stop = v.onProfileChange(listener);
    });
    return () => {
      stopped = true;
      stop?.();
    };
  },
  /** Hears every rank of a marked list: its name, the arm, the order. Returns a function that stops it. */
  on(event: 'rank', listener: (e: RankEvent) => void) {
    if (event !== 'rank') throw new TypeError(`vitrine.on: the only event is 'rank', got ${JSON.stringify(event)}`);
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Ranks every marked list again now. */
  rerank: () => rankAll(true),
});

// Getters (Object.assign would copy a value): `arm`, 'personalised' or 'holdout' on a device that keeps the
// page's order (`data-holdout`); `ready`, the page's instance once its model has loaded (or failed to).
Object.defineProperty(api, 'arm', { get: armOf, enumerable: true });
Object.defineProperty(api, 'ready', { get: () => opening.then(async (v) => (v && armOf() === 'personalised' ? (await v.load(), v) : v)), enumerable: true });

// Calls queued on a stub (`vitrine('track', {...})` before this script loaded) replay in order.
const stub = (globalThis as unknown as { vitrine?: { q?: ArrayLike<unknown>[]; createVitrine?: unknown } }).vitrine;
const queued = Array.from(stub?.q ?? [], (args) => Array.from(args));
// The script included twice: the first copy keeps the page; this one changes nothing.
const twice = typeof stub?.createVitrine === 'function';

// ---- The page's instance, from the script tag's attributes ----

const ARM = 'vitrine:arm';
/**
 * Set in localStorage once this device's profile holds an event, removed when it is erased: read before
 * the page paints, it says whether a list can move at all. With no history every list keeps the page's
 * order, so a first visit holds nothing back (the page paints as it would without Vitrine) and the engine
 * loads when the page is idle.
 */
const HISTORY = 'vitrine:history';
const d = script?.dataset ?? {};
const holdMs = Number(d.hold ?? 300);
const holdout = Number(d.holdout ?? 0);
let arm: RankEvent['arm'] | undefined;
/**
 * This device's arm, read from localStorage at its first use: a device in the holdout keeps the page's
 * order, so it hides nothing and loads no engine, no .wasm and no model; it still tracks and reports its
 * rank events.
 */
function armOf(): RankEvent['arm'] {
  if (!arm) {
    let stored;
    try {
      stored = localStorage.getItem(ARM);
    } catch {}
    arm = stored === 'holdout' || stored === 'personalised' ? stored : Math.random() < holdout ? 'holdout' : 'personalised';
    try {
      if (holdout > 0) localStorage.setItem(ARM, arm);
    } catch {}
  }
  return arm;
}
// Each list as Vitrine last left it (or found it, where it kept the page's order), and why it keeps the
// page's order for good, if it does. Weak: a list an SPA removes is forgotten with its element.
const lists = new WeakMap<HTMLElement, PageList & { kept?: string }>();
const warned = new Set<string>();
/** The sheet that holds lists back; null once released for good. */
let holdSheet: CSSStyleSheet | undefined | null;
/**
 * Nothing moves before the visitor acts: no history when the page started (HISTORY unset; without storage
 * the profile is in memory, empty), or this script came over the network (see {@link fetched}).
 */
let cold = true;
/**
 * Whether this script came over the network rather than from the HTTP cache: its resource entry shows a
 * body transferred whole (not 0 bytes from the cache, nor a revalidation's few hundred bytes of headers).
 * Then the second stage and the model come over the network too, seconds on a phone's network: holding
 * the lists for them would cost the page its largest paint, so the page starts as a first visit does (its
 * lists shown in the page's order, moving from the visitor's first action). A cross-origin script without
 * Timing-Allow-Origin reports 0 bytes: counted as cached, as before. (Called where the script has a src.)
 */
function fetched(entry = performance.getEntriesByName(script!.src, 'resource')[0] as PerformanceResourceTiming | undefined): boolean {
  return !!entry && entry.encodedBodySize > 0 && entry.transferSize > entry.encodedBodySize;
}
/**
 * Settles when a page that started with no history may load the engine and the model: once the page has
 * painted (its load event, then a second with no larger paint where the browser reports them) and is idle,
 * or at the visitor's first input (a tap, a click, a key). Nothing can move before, and a download started
 * earlier competes with the page's own largest paint (its images, on a phone's network). At once elsewhere.
 */
let go!: () => void;
const painted = new Promise<void>((r) => (go = r));
function afterPaint(last = 0): void {
  const lcp = 'largest-contentful-paint';
  const po = new PerformanceObserver((l) => l.getEntries().forEach((e) => (last = Math.max(last, e.startTime))));
  if (PerformanceObserver.supportedEntryTypes?.includes(lcp)) po.observe({ type: lcp, buffered: true });
  // The load event is seen from timers, not listened to: see {@link domReady}.
  let loaded = 0;
  const check = () => {
    loaded ||= document.readyState === 'complete' ? performance.now() : 0;
    const wait = loaded ? Math.max(last, loaded) + 1000 - performance.now() : 100;
    if (wait > 0) return void setTimeout(check, wait);
    po.disconnect();
    whenIdle(go);
  };
  check();
  for (const input of ['pointerdown', 'keydown']) addEventListener(input, go, { once: true, capture: true });
}
/** Stops holding lists back: a list a framework renders is never ranked by the script tag, so never held. */
const release = () => {
  if (holdSheet) document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== holdSheet);
  holdSheet = null;
};
const wantDebug = /[?&]vitrine-debug\b/.test(location.search) || d.debug !== undefined;
// The debug view comes with the second stage.
let debug: ReturnType<Ranker['debugPanel']> | undefined;
if (wantDebug && !twice) void loadRanker().then((r) => (debug = r.debugPanel())).catch(() => undefined);

function emit(e: RankEvent): void {
  debug?.rank(e);
  for (const l of listeners) {
    try {
      l(e);
    } catch (err) {
      console.warn('vitrine: a rank listener threw', err);
    }
  }
}

/** Shows a list not ranked yet in the page's order, at its limit, marked late. */
function showLate(el: HTMLElement): void {
  if (el.dataset.vitrineRanked !== undefined || el.dataset.vitrineLate !== undefined) return;
  const list = readList(el);
  if (ownerOf(list)) return void release();
  el.dataset.vitrineLate = '';
  applyLimit(list);
}

/** Shows every marked list not ranked yet in the page's order now, rather than when its hold budget ends. */
function showAsIs(): void {
  document.querySelectorAll<HTMLElement>('[data-vitrine-list]').forEach(showLate);
}

/**
 * Ranks the marked lists: all of them (or `only` these: just added, or `changed` by the page), or the live
 * ones after the visitor acted (animated). Never rejects: a failure anywhere leaves the lists in the page's
 * order, shown.
 */
async function rankAll(live: boolean, only?: HTMLElement[], changed?: boolean): Promise<void> {
  try {
    await rankLists(live, only, changed);
  } catch (e) {
    console.warn("vitrine: could not rank the page's lists; keeping their order", e);
    showAsIs();
  }
}

async function rankLists(live: boolean, only?: HTMLElement[], changed?: boolean): Promise<void> {
  const v = page;
  if (!v) return;
  // The second stage reorders (already loaded where a model ranks; the holdout arm loads none).
  const dom = armOf() === 'personalised' && v.ready ? await loadRanker() : undefined;
  const todo: (PageList & { kept?: string })[] = [];
  for (const element of only ?? document.querySelectorAll<HTMLElement>('[data-vitrine-list]')) {
    if (!element.isConnected) continue;
    // Read at every rank: the page may have added, removed, moved or rewritten items since.
    const list: PageList & { kept?: string } = readList(element);
    const was = lists.get(element);
    // What changed is Vitrine's own move: nothing to do.
    if (changed && was && sameItems(was, list)) continue;
    // The page's order stands for good where the page reordered a list (Vitrine does not fight it) or a
    // framework renders it (moving nodes a framework owns would scramble its next render, or its hydration).
    const owner = ownerOf(list);
    list.kept = was?.kept ?? (was && dom?.pageMoved(was, list) ? 'the page reordered it' : owner && `a framework renders it (${owner})`);
    if (live && !list.live) continue;
    // A list shown in the page's order when the hold budget ran out keeps it until the visitor acts.
    if (!live && element.dataset.vitrineLate !== undefined) continue;
    if (list.kept && !warned.has(list.name)) {
      warned.add(list.name);
      if (owner) release();
      console.warn(`vitrine: list "${list.name}" keeps the page's order: ${list.kept}. Use vitrine.rank() in the page's code (README: Frameworks)`);
    }
    todo.push(list);
  }
  // Rank every list first, then touch the DOM once for all of them: one layout, one frame. One list after
  // another, the page let run between two once they have taken a few milliseconds (a slow phone): no long task.
  const results: ({ ranked: Ranked[]; started: number } | undefined)[] = [];
  let slice = performance.now();
  for (const list of todo) {
    const started = performance.now();
    results.push(
      // `data-vitrine-off`: the page shows its own order here (a comparison switch, say); clicks still count.
      // A page that started with no history showed its lists at once: they move only once the visitor acts.
      armOf() === 'holdout' || !v.ready || list.kept || list.element.hasAttribute('data-vitrine-off') || (cold && !live)
        ? undefined
        : // Reasons cost a second read-back; only the debug view shows them.
          await v.rank(list.ids, { ...list.options, explain: wantDebug }).then(
            (ranked) => ({ ranked, started }),
            (e) => void console.warn('vitrine: could not rank a list; keeping its order', e),
          ),
    );
    // (5 ms of ranks in a task at most, then the page runs.)
    if (performance.now() - slice > 5) await new Promise((r) => setTimeout(r)), (slice = performance.now());
  }
  // A list the page changed while it was ranked is left alone: its change brings a rank of its own. A list
  // kept for a framework is never written to (not even an attribute: hydration would see it).
  const jobs = todo
    .map((list, i) => ({ list, ...results[i] }))
    .filter(({ list }) => sameItems(list, readList(list.element)));
  if (dom) dom.applyOrders(jobs.filter(({ list }) => !list.kept), live);
  else jobs.forEach(({ list }) => list.kept || applyLimit(list));
  for (const { list, ranked, started } of jobs) {
    lists.set(list.element, list);
    if (!list.kept) list.element.dataset.vitrineRanked = '';
    emit({
      list: list.name,
      arm: armOf(),
      // What is on screen: Vitrine's order where it applied one, else the page's.
      order: list.ids.slice(),
      ms: started ? performance.now() - started : 0,
      backend: v.backend,
      ranked: ranked ?? list.ids.map((id) => ({ id, score: 0 })),
      ...(list.kept && { kept: list.kept }),
    });
  }
}

if (twice) console.warn('vitrine: the script is included twice; this copy does nothing');
else if (script?.dataset.model) {
  // A script that came over the network starts cold without reading localStorage: a first read of it loads
  // the origin's storage, milliseconds on the main thread, left to a later task there (the arm's first use).
  try {
    // (Events queued on the stub before this script count: they are history by the first rank.)
    cold = fetched() || (!localStorage.getItem(HISTORY) && !queued.some(([m]) => m === 'track'));
  } catch {}
  cold ? afterPaint() : go();
  // Each list stays hidden (its space kept, so nothing shifts) from when it appears until it is ranked or
  // the hold budget runs out; then it shows in the page's order, marked late. This holds for lists in the
  // first HTML and for lists an SPA adds later, on a device with a history (without one nothing would move).
  // (On a page that started cold, from the visitor's first event on: lists it adds later are held.)
  const holdLists = () => {
    if (holdMs > 0 && armOf() === 'personalised' && holdSheet === undefined && 'adoptedStyleSheets' in document) {
      holdSheet = new CSSStyleSheet();
      holdSheet.replaceSync('[data-vitrine-list]:not([data-vitrine-ranked]):not([data-vitrine-late]){visibility:hidden}');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, holdSheet];
    }
  };
  if (!cold) holdLists();
  // A list's hold budget runs from when it is on screen: one further down has until the visitor scrolls to it.
  const onScreen = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) onScreen.unobserve(e.target), setTimeout(showLate, holdMs, e.target);
  });
  const hold = (lists: Iterable<HTMLElement>) => {
    if (holdSheet) for (const el of lists) onScreen.observe(el);
  };
  // The second stage loads when the page has a marked list: at once when one is on screen, else when idle.
  // Whether one is on screen comes from the next rendering (an IntersectionObserver), not from reading
  // positions now, which would force a layout of the page in the middle of its own DOM work.
  const whenShown = (lists: HTMLElement[], load: () => void) => {
    if (cold) return void painted.then(load); // nothing will move: no hurry
    const io = new IntersectionObserver((entries) => {
      io.disconnect();
      if (entries.some((e) => e.isIntersecting)) load();
      else whenIdle(load);
    });
    lists.forEach((el) => io.observe(el));
  };
  const want = (lists: HTMLElement[]) => {
    if (lists.some((el) => ownerOf(readList(el)))) release();
    if (lists.length === 0 || armOf() === 'holdout') return;
    void opening.then((v) => {
      if (!v) return;
      // The rows of what the marked lists show are asked for with the model (a function of the page alone).
      (v as StartedVitrine & { _showing: (items: () => readonly string[]) => void })._showing(() =>
        [...document.querySelectorAll<HTMLElement>('[data-vitrine-list] [data-vitrine-item]')].map((el) => el.dataset.vitrineItem!).filter(Boolean),
      );
      whenShown(lists, () => void v.load());
    });
  };
  const listsIn = (nodes: Iterable<Node>) =>
    [...nodes].flatMap((n) => (n instanceof HTMLElement ? [...(n.matches('[data-vitrine-list]') ? [n] : []), ...n.querySelectorAll<HTMLElement>('[data-vitrine-list]')] : []));
  hold(document.querySelectorAll<HTMLElement>('[data-vitrine-list]'));
  // Lists added later (an SPA's next view, infinite scroll) are held, and ranked as soon as the model allows.
  // A list already ranked whose items the page changed (added, removed, moved, rewritten) is ranked again,
  // or, where the page chose an order, reported as kept: its rank events say what is on screen. (In a task
  // of this script's own, not the page's: see {@link later}.)
  new MutationObserver(later((records) => {
    const added = listsIn(records.flatMap((r) => [...r.addedNodes]));
    const changed = new Set(records.map((r) => (r.target as Element).closest?.<HTMLElement>('[data-vitrine-list]')).filter((l) => l && lists.has(l) && !added.includes(l)));
    if (page && changed.size) void rankAll(false, [...changed] as HTMLElement[], true);
    if (added.length === 0) return;
    hold(added);
    if (page) void rankAll(false, added);
    else want(added);
  })).observe(document.documentElement, { childList: true, subtree: true, attributeFilter: ['data-vitrine-item'] });
  performance.mark('vitrine:start');
  // Automatic tracking starts now (a click while the page parses is recorded); the profile (IndexedDB)
  // opens in a task of its own: the page's parsing goes on between this script's evaluation and that work,
  // and neither is a long task on a slow phone.
  const model = script.dataset.model;
  opening = startWith(loadRanker, {
    model,
    autoTrack: true,
    loadModel: 'manual',
    ...(d.backend && { backend: d.backend as VitrineOptions['backend'] }),
    ...(d.consent && { consent: d.consent as VitrineOptions['consent'] }),
  }).catch((e) => {
    console.warn(`vitrine: ${(e as Error).message}`);
    showAsIs();
    return undefined;
  });
  /**
   * Settles once the document is parsed, seen from timers of this script's own. A DOMContentLoaded or load
   * listener would run inside the browser's task that dispatches the event (with the page's own handlers
   * and layout), and a trace attributes a task to every script whose code ran in it: the page's load task
   * would count as Vitrine's.
   */
  const domReady = new Promise<void>((r) => {
    const parsed = () => (document.readyState === 'loading' ? void setTimeout(parsed, 10) : r());
    parsed();
  });
  void domReady.then(() => want([...document.querySelectorAll<HTMLElement>('[data-vitrine-list]')]));
  opening
    .then(async (v) => {
      if (!v) return;
      // HISTORY follows the profile: set by an event, removed when it is erased (no storage: nothing to keep;
      // a profile from before the flag is flagged by its next event, a view included). On a page that started
      // cold, the lists shown keep the page's order until the visitor acts; once they are ranked (in that
      // order) and the visitor has done something, lists the page adds are held and ranked (an SPA's next view).
      // After the first rank, the visitor's choices move live lists; views (what the page showed) do not.
      // Events of one task coalesce into one rerank, started in a microtask so the new order is on screen in
      // the next frame.
      let revealed = false;
      let acted = false;
      let pending = false;
      const warm = () => ((cold = false), holdLists());
      // (Written once a page, and again after an erase: not a synchronous storage write at every click.)
      let flagged = false;
      v.onProfileChange((e) => {
        try {
          if (!e || !flagged) {
            localStorage[e ? 'setItem' : 'removeItem'](HISTORY, '1');
            flagged = !!e;
          }
        } catch {}
        if (e) revealed ? warm() : (acted = true);
        if (!revealed || e?.type === 'view' || pending) return;
        pending = true;
        queueMicrotask(() => {
          pending = false;
          void rankAll(true);
        });
      });
      if (armOf() === 'personalised') await v.loaded;
      page = v;
      try {
        debug?.loaded(v, performance.now() - started);
      } catch (e) {
        console.warn('vitrine: the debug view failed', e);
      }
      await domReady;
      await rankAll(false);
      revealed = true;
      performance.mark('vitrine:first-order');
      if (acted) warm();
    })
    .catch((e) => {
      console.warn("vitrine: keeping the page's order", e);
      showAsIs();
    });
}

// An async call: a method that throws at once and one that rejects later are reported alike.
for (const [method, ...args] of twice ? [] : queued) {
  (async () => (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method as string](...args))().catch((e) => console.warn(`vitrine: queued ${String(method)} failed`, e));
}

export default (twice ? stub : api) as typeof api & { readonly ready: Promise<Vitrine | undefined>; readonly arm: 'personalised' | 'holdout' };
