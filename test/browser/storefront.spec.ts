import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures.js';
import { clickSciFi, grid, home } from './demo.js';

// The demo storefront end to end: a real shop page with the script tag, the model trained on MovieLens.

const order = (page: Page, list: string) => page.locator(`${list} > [data-vitrine-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.vitrineItem!));
/** The share of science fiction among the first `top` items of a list, leaving out `skip` (what was clicked). */
const sciFiShare = (page: Page, list: string, top = 12, skip: string[] = []) =>
  page.locator(`${list} > [data-vitrine-item]`).evaluateAll(
    (els, [top, skip]) => {
      const shown = els.slice(0, top as number).filter((e) => !(skip as string[]).includes((e as HTMLElement).dataset.vitrineItem!));
      return shown.filter((e) => (e as HTMLElement).dataset.vitrineCategory!.split('|').includes('Sci-Fi')).length / shown.length;
    },
    [top, skip] as const,
  );
const shot = async (page: Page, info: TestInfo, name: string) => info.attach(name, { body: await page.screenshot(), contentType: 'image/png' });


test('three science-fiction clicks move science fiction up; a reload keeps it; erase resets', async ({ page }, info) => {
  await home(page);
  // window.vitrine is the page's instance: ready once its model loaded. No list or recommendation of the demo
  // is large enough for a tfjs backend to pay, so none starts: no .wasm, no WebGL context.
  expect(await page.evaluate(async () => { const v = await window.vitrine.ready; return [v?.ready, v?.backend]; })).toEqual([true, undefined]);
  const original = await order(page, grid);
  expect(original).toHaveLength(48);
  const rail = '[data-vitrine-list="for-you"]';
  const coldRail = await order(page, rail);
  await shot(page, info, 'home, first visit');
  const clicked = await clickSciFi(page, 3);
  expect(new Set(clicked).size).toBe(3);
  // Beyond the films just clicked (the model knows a film once watched is rarely watched again, and
  // moves them down): more science fiction in the top 12 than the first visit's order had.
  const beforeUnclicked = await page.evaluate(
    ([ids, skip]) => {
      const byId = new Map([...document.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((e) => [e.dataset.vitrineItem, e.dataset.vitrineCategory ?? '']));
      const shown = (ids as string[]).slice(0, 12).filter((id) => !(skip as string[]).includes(id));
      return shown.filter((id) => (byId.get(id) ?? '').split('|').includes('Sci-Fi')).length / shown.length;
    },
    [original, clicked] as const,
  );
  await expect.poll(() => sciFiShare(page, grid, 12, clicked)).toBeGreaterThan(beforeUnclicked);
  // The rail, beyond the films just clicked (a film once watched is rarely watched again, and the model
  // knows it): more science fiction than the first visit's rail had.
  const railBefore = await page.evaluate(
    ([ids, skip]) => {
      const byId = new Map([...document.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((e) => [e.dataset.vitrineItem, e.dataset.vitrineCategory ?? '']));
      const shown = (ids as string[]).filter((id) => !(skip as string[]).includes(id));
      return shown.filter((id) => (byId.get(id) ?? '').split('|').includes('Sci-Fi')).length / shown.length;
    },
    [coldRail, clicked] as const,
  );
  await expect.poll(() => sciFiShare(page, rail, 12, clicked)).toBeGreaterThan(railBefore);
  await shot(page, info, 'home, after three science-fiction films');
  const after = await sciFiShare(page, grid, 12, clicked);

  await page.reload();
  await expect(page.locator(`${grid}[data-vitrine-ranked]`)).toBeAttached({ timeout: 20_000 });
  expect(await sciFiShare(page, grid, 12, clicked)).toBeGreaterThanOrEqual(after - 1 / 12);
  expect(await sciFiShare(page, grid, 12, clicked)).toBeGreaterThan(beforeUnclicked);

  await page.getByRole('button', { name: 'Your profile' }).click();
  // The panel lists what the visitor did: the three clicks, newest first, by title.
  const titles = await page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-vitrine-item="${id}"] .poster b`)!.textContent), clicked);
  const clicks = page.locator('#events li', { hasText: /^click · / });
  await expect(clicks).toHaveCount(3);
  expect((await clicks.allTextContents()).map((t) => t.split(' · ')[1]).sort()).toEqual(titles.sort());
  await expect(page.getByLabel('Keep a profile on this device')).toBeChecked();
  await shot(page, info, 'profile panel');
  await page.getByRole('button', { name: 'Erase everything' }).click();
  await expect.poll(() => order(page, grid)).toEqual(original);
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('vitrine');
  // Erased, and the switch says what the profile now does: nothing kept on the device until it is ticked again.
  await expect(page.locator('#events li')).toHaveCount(0);
  await expect(page.getByLabel('Keep a profile on this device')).not.toBeChecked();
  expect((await page.evaluate(() => window.vitrine.profile())).storage.kind).toBe('memory');
});

test('with consent denied nothing is stored', async ({ page }, info) => {
  await home(page);
  await page.getByRole('button', { name: 'Your profile' }).click();
  await page.getByLabel('Keep a profile on this device').uncheck();
  await page.getByRole('button', { name: 'Your profile' }).click();
  await clickSciFi(page, 3);
  const p = await page.evaluate(() => window.vitrine.profile());
  expect(p.events).toEqual([]);
  expect(p.storage.kind).toBe('none');
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('vitrine');
  // Nor the model rows of the pages seen, kept while consent was given.
  expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('vitrine-rows-')))).toEqual([]);
  await shot(page, info, 'consent denied');
});

test('the holdout arm keeps the page order, loads no engine, WASM or model, and says so in its rank events', async ({ page }, info) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.addInitScript(() => localStorage.setItem('vitrine:arm', 'holdout'));
  await page.addInitScript(() => {
    (window as any).arms = [];
    addEventListener('DOMContentLoaded', () => (window as any).vitrine.on('rank', (e: { arm: string }) => (window as any).arms.push(e.arm)));
  });
  await home(page);
  const original = await order(page, grid);
  await clickSciFi(page, 3);
  expect(await order(page, grid)).toEqual(original);
  const arms: string[] = await page.evaluate(() => (window as any).arms);
  expect(arms.length).toBeGreaterThan(0);
  expect(new Set(arms)).toEqual(new Set(['holdout']));
  expect((await page.evaluate(() => window.vitrine.profile())).events.length).toBeGreaterThan(0); // still tracked
  expect(fetched).toContain('/dist/vitrine.min.js');
  const api = await page.evaluate(async () => ({
    arm: window.vitrine.arm,
    ranked: (await window.vitrine.rank(['318', '356', '296'], { history: ['2571'] })).map((r) => r.id),
    recommended: await window.vitrine.recommend({ k: 3 }),
  }));
  expect(api).toEqual({ arm: 'holdout', ranked: ['318', '356', '296'], recommended: [] });
  expect(fetched.filter((p) => p.endsWith('/vitrine-engine.js') || p.endsWith('.wasm') || p.startsWith('/demo/model/'))).toEqual([]);
  await shot(page, info, 'holdout arm');
});

test('a visitor’s evident intent shows: after three films of one genre, the grid’s top 12 holds more of it, and reasons explain moves up only', async ({ page }) => {
  await home(page);
  const original = await order(page, grid);
  const genre = (page: Page) =>
    page.locator(`${grid} > [data-vitrine-item]`).evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.vitrineItem!, (e as HTMLElement).dataset.vitrineCategory!.split('|')])));
  const categories: Record<string, string[]> = await genre(page);
  const share = (ids: string[], skip: string[]) => {
    const shown = ids.slice(0, 12).filter((id) => !skip.includes(id));
    return shown.filter((id) => categories[id].includes('Sci-Fi')).length / shown.length;
  };
  const clicked = await clickSciFi(page, 3);
  // The page's own list, ranked with reasons from the stored profile (the three clicks).
  const ranked = await page.evaluate(async (ids) => (await window.vitrine.ready)!.rank(ids, { explain: true }), original);
  const ids = ranked.map((r) => r.id);
  expect(share(ids, clicked)).toBeGreaterThan(share(original, clicked));
  // Every reason stands on an item the history moved up, and names an item of the history.
  const from = new Map(original.map((id, i) => [id, i]));
  const explained = ranked.filter((r, i) => r.reason && i < from.get(r.id)!);
  expect(ranked.filter((r, i) => r.reason && i >= from.get(r.id)!).map((r) => r.id)).toEqual([]);
  for (const r of explained) expect(clicked).toContain(r.reason!.item);
  // The science fiction that rose into the top 12 says why.
  const risen = ranked.slice(0, 12).filter((r) => from.get(r.id)! >= 12 && categories[r.id].includes('Sci-Fi'));
  expect(risen.length).toBeGreaterThan(0);
  expect(risen.filter((r) => r.reason).length).toBeGreaterThan(0);
});
