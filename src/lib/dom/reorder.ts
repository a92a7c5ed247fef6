// Puts a list's items in a new order by moving the fewest nodes: the items that are already in relative
// order (a longest increasing subsequence) stay; the others move. Nodes are moved, never rebuilt, so
// their listeners and state stay; focus is kept.

/** Positions (into `a`) of one longest strictly increasing subsequence of `a`. */
export function longestIncreasing(a: readonly number[]): Set<number> {
  const tails: number[] = []; // tails[k]: index into a of the smallest tail of an increasing run of length k+1
  const prev = new Array<number>(a.length).fill(-1);
  a.forEach((x, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[tails[mid]] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

type Movable = Element & { moveBefore?: (node: Node, child: Node | null) => void };

/**
 * Reorders `items` (elements of one parent) into `order` (the same elements), in the slots the items
 * occupy: other children of the parent stay where they are. Returns how many nodes moved.
 */
export function reorder(items: readonly Element[], order: readonly Element[]): number {
  if (items.length < 2) return 0;
  const parent = items[0].parentNode as Movable | null;
  if (!parent || items.some((el) => el.parentNode !== parent)) return 0;
  const focused = document.activeElement;
  // moveBefore (where the browser has it) moves a node without removing it: focus and state survive.
  const move = (node: Element, ref: Node | null) => (parent.moveBefore ? parent.moveBefore(node, ref) : parent.insertBefore(node, ref));
  const contiguous = items.every((el, i) => i === 0 || el.previousElementSibling === items[i - 1]);
  let moved = 0;
  if (contiguous) {
    const where = new Map(items.map((el, i) => [el, i]));
    const keep = longestIncreasing(order.map((el) => where.get(el)!));
    let ref: Node | null = items[items.length - 1].nextSibling;
    for (let i = order.length - 1; i >= 0; i--) {
      const el = order[i];
      if (!keep.has(i)) {
        move(el, ref);
        moved++;
      }
      ref = el;
    }
  } else {
    // Items interleaved with other children: fill each item slot in turn.
    const marks = items.map((el) => {
      const mark = document.createComment('');
      parent.insertBefore(mark, el);
      return mark;
    });
    order.forEach((el, i) => {
      if (marks[i].nextSibling !== el) {
        move(el, marks[i].nextSibling);
        moved++;
      }
    });
    marks.forEach((m) => m.remove());
  }
  if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
  return moved;
}

/**
 * Animates elements from where they were (`before`) to where they are now: First, Last, Invert, Play.
 * Skipped when the visitor prefers reduced motion.
 */
export function flip(before: Map<Element, DOMRect>, ms = 250): void {
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  // Every position is read before any animation starts: an animation dirties style, and a read after it
  // would recalculate the page's style once per item.
  const moves = [...before].map(([el, was]) => [el, was, el.getBoundingClientRect()] as const);
  for (const [el, was, now] of moves) {
    const dx = was.left - now.left;
    const dy = was.top - now.top;
    // An item whose whole path lies above or below the screen is not animated: nobody would see it move.
    if ((dx || dy) && Math.min(was.top, now.top) < innerHeight && Math.max(was.bottom, now.bottom) > 0) el.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: 'none' }], { duration: ms, easing: 'ease-out' });
  }
}
