/** Runs `f` when the page is idle (at the latest after `timeout` ms), or soon where there is no idle callback. */
export function whenIdle(f: () => void, timeout = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(f, { timeout });
  else setTimeout(f, 200);
}

/** An observer's callback that runs `f` in a task of its own, not in the page's task that changed the DOM. */
export const later = (f: (records: MutationRecord[]) => void) => setTimeout.bind(globalThis, f as () => void, 0) as unknown as MutationCallback;
