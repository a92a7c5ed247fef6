import type { Page } from '@playwright/test';
import { expect } from './fixtures.js';

// The demo storefront as the browser tests visit it: its home grid, the home page once the grid is ranked,
// and a visitor who opens science-fiction films from the grid.
export const grid = '[data-vitrine-list="home-grid"]';

export async function home(page: Page): Promise<void> {
  await page.goto('/demo/#/');
  await expect(page.locator(`${grid}[data-vitrine-ranked]`)).toBeAttached({ timeout: 20_000 });
  await settledRail(page);
}

/** Waits until the "for you" rail holds recommend()'s picks (it shows the popular picks until then). */
export async function settledRail(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    const picks = (await window.vitrine.recommend({ k: 12 }).catch(() => [])).map((r) => r.id);
    const rail = [...document.querySelectorAll<HTMLElement>('[data-vitrine-list="for-you"] > [data-vitrine-item]')].map((e) => e.dataset.vitrineItem);
    return picks.length === 0 || (rail.length > 0 && picks.every((id) => rail.includes(id)));
  });
}

/** Opens the first `n` science-fiction films the grid shows, coming back home after each; returns their ids. */
export async function clickSciFi(page: Page, n: number): Promise<string[]> {
  const ids = await page.locator(`${grid} > [data-vitrine-category*="Sci-Fi"]`).evaluateAll((els, n) => els.slice(0, n).map((e) => (e as HTMLElement).dataset.vitrineItem!), n);
  for (const id of ids) {
    await page.locator(`${grid} > [data-vitrine-item="${id}"] a`).click();
    await expect(page).toHaveURL(new RegExp(`#/movie/${id}$`));
    await page.goBack();
    await expect(page.locator(`${grid}[data-vitrine-ranked]`)).toBeAttached();
  }
  return ids;
}
