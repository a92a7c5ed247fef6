// `vitrine/react`: the framework path for React (README: "Frameworks"). React renders Vitrine's order
// itself, so its keys, sorting and filtering keep working; nothing outside React moves its nodes.
//
//   <VitrineProvider options={{ model: '/vitrine/model/' }}> … </VitrineProvider>
//   const order = useRanked(ids, { diversity: 0.3 });   // the page's order until the model is ready
//   const vitrine = useVitrine();                        // track(), profile(), forget()…
import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { RankOptions, StartedVitrine, VitrineOptions } from './types/index.js';
import { startVitrine } from './create-vitrine.js';

const Context = createContext<StartedVitrine | undefined>(undefined);

export interface VitrineProviderProps {
  /** Options of `startVitrine`, read once, when the provider mounts. */
  options?: VitrineOptions;
  /** An instance the app started itself (then `options` is not used, and the app disposes it). */
  vitrine?: StartedVitrine;
  children?: ReactNode;
}

/**
 * Starts Vitrine for the components below it (tracking at once; the model as `options.loadModel` says)
 * and disposes of it on unmount. Bad options throw from the render, to the app's error boundary.
 */
export function VitrineProvider({ options, vitrine, children }: VitrineProviderProps) {
  const [own, setOwn] = useState<StartedVitrine>();
  const [failure, setFailure] = useState<unknown>();
  const first = useRef(options);
  useEffect(() => {
    if (vitrine || !first.current) return;
    let live = true;
    let started: StartedVitrine | undefined;
    startVitrine(first.current).then(
      (v) => (live ? setOwn((started = v)) : v.dispose()),
      (e: unknown) => live && setFailure(() => e),
    );
    return () => {
      live = false;
      started?.dispose();
    };
  }, [vitrine]);
  if (failure !== undefined) throw failure;
  return createElement(Context.Provider, { value: vitrine ?? own }, children);
}

/** The instance of the nearest `VitrineProvider`, once it has started (undefined before, or without one). */
export function useVitrine(): StartedVitrine | undefined {
  return useContext(Context);
}

/**
 * `ids` in the visitor's order. Renders the page's order (less `options.exclude`) until a ranking
 * arrives, so nothing shifts while the model loads, and ranks again when the model is ready, when `ids`
 * or `options` change (by value: inline arrays do not loop) and when the profile changes (an event in
 * this tab or another). While a new ranking is on its way, the ids still present keep the last order
 * and new ones follow in the page's order. The result is the same array until the order changes.
 */
export function useRanked(ids: readonly string[], options?: RankOptions): readonly string[] {
  const vitrine = useContext(Context);
  const key = JSON.stringify([ids, options ?? null]);
  const [ranked, setRanked] = useState<{ key: string; order: readonly string[] }>();
  const latest = useRef(0);
  useEffect(() => {
    if (!vitrine) return;
    let live = true;
    const run = () => {
      const call = ++latest.current;
      vitrine.rank(ids, options).then(
        (r) => {
          if (!live || call !== latest.current) return;
          const order = r.map((x) => x.id);
          setRanked((last) => (last?.key === key && same(last.order, order) ? last : { key, order }));
        },
        () => undefined, // rank rejects only for bad arguments, which the page order below already shows
      );
    };
    run();
    void vitrine.loaded.then(() => live && run());
    const stop = vitrine.onProfileChange(run);
    return () => {
      live = false;
      stop();
    };
    // (`key` stands for ids and options, by value.)
  }, [vitrine, key]);
  const previous = ranked?.order;
  const current = ranked?.key === key ? ranked.order : undefined;
  return useMemo(() => {
    if (current) return current;
    const exclude = new Set(options?.exclude ?? []);
    const wanted = ids.filter((id) => !exclude.has(id));
    if (!previous) return wanted;
    const present = new Set(wanted);
    const kept = previous.filter((id) => present.has(id));
    const known = new Set(kept);
    return [...kept, ...wanted.filter((id) => !known.has(id))];
  }, [current, previous, key]);
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
