import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.js';
import { grid, home } from './demo.js';

// The demo storefront with Vitrine at work: no serious accessibility violation (axe-core), and a
// reordering that keeps keyboard focus where it was and the DOM order equal to the order on screen.


const serious = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`);

for (const width of [1280, 390]) {
  test(`axe finds no serious or critical violation on the demo's home and a product page at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: width > 400 ? 800 : 844 });
    await home(page);
    expect(await serious(page)).toEqual([]);
    const first = await page.locator(`${grid} > [data-vitrine-item] a`).first();
    await first.click();
    await expect(page).toHaveURL(/#\/movie\//);
    await expect(page.locator('[data-vitrine-list][data-vitrine-ranked]').first()).toBeAttached();
    expect(await serious(page)).toEqual([]);
  });
}

test('a live rerank keeps keyboard focus on the item that had it, and the DOM order is the order on screen', async ({ page }) => {
  await home(page);
  await page.evaluate(() => window.vitrine.ready);
  const ids = await page.locator(`${grid} > [data-vitrine-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.vitrineItem!));
  // Keyboard focus on the fifth item's link, as a Tab would put it.
  const focused = ids[4];
  await page.locator(`${grid} > [data-vitrine-item="${focused}"] a`).focus();
  // Clicks recorded elsewhere (another tab, the page's own code) move the live grid.
  let moved = false;
  for (let i = 0; i < 6 && !moved; i++) {
    await page.evaluate((item) => window.vitrine.track({ type: 'click', item }), ids[(i * 7 + 11) % ids.length]);
    moved = await page
      .waitForFunction((before) => [...document.querySelectorAll<HTMLElement>('[data-vitrine-list="home-grid"] > [data-vitrine-item]')].map((e) => e.dataset.vitrineItem).join() !== before, ids.join(), { timeout: 2000 })
      .then(() => true, () => false);
  }
  expect(moved, 'the grid was reordered').toBe(true);
  const after = await page.evaluate(async () => {
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
    const items = [...document.querySelectorAll<HTMLElement>('[data-vitrine-list="home-grid"] > [data-vitrine-item]')];
    const dom = items.map((e) => e.dataset.vitrineItem!);
    // Reading order on screen: by row, then from left to right.
    const onScreen = items
      .map((e) => ({ id: e.dataset.vitrineItem!, r: e.getBoundingClientRect() }))
      .sort((a, b) => (Math.abs(a.r.top - b.r.top) > 2 ? a.r.top - b.r.top : a.r.left - b.r.left))
      .map((x) => x.id);
    const active = document.activeElement;
    return { dom, onScreen, focusedItem: (active?.closest('[data-vitrine-item]') as HTMLElement | null)?.dataset.vitrineItem, isLink: active?.tagName === 'A' };
  });
  expect(after.dom.indexOf(focused)).not.toBe(4);
  expect(after.focusedItem).toBe(focused);
  expect(after.isLink).toBe(true);
  expect(after.onScreen).toEqual(after.dom);
});

for (const motion of ['no-preference', 'reduce'] as const) {
  test(`a live rerank (prefers-reduced-motion: ${motion}) animates ${motion === 'reduce' ? 'nothing' : 'the items seen moving and none whose path is off screen'}`, async ({ page }) => {
    await page.emulateMedia({ reducedMotion: motion });
    await home(page);
    await page.evaluate(() => window.vitrine.ready);
    const r = await page.evaluate(async () => {
      const list = document.querySelector('[data-vitrine-list="home-grid"]')!;
      const items = () => [...list.querySelectorAll<HTMLElement>(':scope > [data-vitrine-item]')];
      const ids = items().map((e) => e.dataset.vitrineItem!);
      let before = new Map<HTMLElement, DOMRect>();
      // The animations running right after the grid moved (they start in the same task as the move).
      let animated: Set<Element> | undefined;
      const mo = new MutationObserver(() => {
        animated ??= new Set(document.getAnimations().map((a) => (a.effect as KeyframeEffect).target!).filter((t) => t.parentNode === list));
      });
      mo.observe(list, { childList: true });
      for (let i = 0; i < 8 && !animated; i++) {
        // Positions right before the click: the page may have moved things since the last one (the demo
        // replaces its "for you" rail after each event).
        before = new Map(items().map((e) => [e, e.getBoundingClientRect()]));
        await window.vitrine.track({ type: 'click', item: ids[(i * 7 + 11) % ids.length] });
        for (let w = 0; w < 20 && !animated; w++) await new Promise((done) => setTimeout(done, 25));
      }
      mo.disconnect();
      if (!animated) return undefined;
      await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
      const count = { seenMoved: 0, seenAnimated: 0, unseenMoved: 0, unseenAnimated: 0 };
      for (const [el, was] of before) {
        const now = el.getBoundingClientRect();
        if (now.top === was.top && now.left === was.left) continue;
        const seen = Math.min(was.top, now.top) < innerHeight && Math.max(was.bottom, now.bottom) > 0;
        count[seen ? 'seenMoved' : 'unseenMoved']++;
        if (animated.has(el)) count[seen ? 'seenAnimated' : 'unseenAnimated']++;
      }
      return count;
    });
    expect(r, 'the grid was reordered').toBeDefined();
    // Both kinds of move happened, so the counts below say something.
    expect(r!.seenMoved).toBeGreaterThan(0);
    expect(r!.unseenMoved).toBeGreaterThan(0);
    expect(r!.unseenAnimated).toBe(0);
    expect(r!.seenAnimated).toBe(motion === 'reduce' ? 0 : r!.seenMoved);
  });
}
