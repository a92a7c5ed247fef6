/** Runs `f` when the page is idle (at the latest after `timeout` ms), or soon where there is no idle callback. */
export function whenIdle(f: () => void, timeout = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(f, { timeout });
  else setTimeout(f, 200);
}
