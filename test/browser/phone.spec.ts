import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.js';
import { clickSciFi, home } from './demo.js';

// The demo storefront as a phone shows it (390 × 844) and as a desktop does (1280 × 800). The screenshots
// in the README come from here: `VITRINE_SCREENSHOTS=1 npx playwright test phone` writes them to docs/.
const write = process.env.VITRINE_SCREENSHOTS === '1';


async function shot(page: Page, name: string) {
  const body = await page.screenshot();
  await test.info().attach(name, { body, contentType: 'image/png' });
  if (write) await page.screenshot({ path: join(import.meta.dirname, '../../docs/screenshots', `${name}.png`) });
}

test('at 390 px the header is two rows, the genres one line that scrolls sideways, and the first screen shows products', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await home(page);
  const layout = await page.evaluate(() => {
    const box = (el: Element | null) => el!.getBoundingClientRect();
    const genres = [...document.querySelectorAll('#genres a')].map((a) => box(a));
    return {
      pageWidth: document.scrollingElement!.scrollWidth,
      header: box(document.querySelector('header')).height,
      genreRows: new Set(genres.map((g) => Math.round(g.top))).size,
      shortestGenre: Math.min(...genres.map((g) => g.height)),
      navScrolls: document.getElementById('genres')!.scrollWidth > document.getElementById('genres')!.clientWidth,
      firstCardTop: box(document.querySelector('[data-vitrine-item]')).top,
      gridColumns: new Set([...document.querySelectorAll('[data-vitrine-list="home-grid"] > [data-vitrine-item]')].slice(0, 6).map((e) => Math.round(box(e).left))).size,
    };
  });
  expect(layout.pageWidth).toBeLessThanOrEqual(390);
  expect(layout.genreRows).toBe(1);
  expect(layout.navScrolls).toBe(true);
  expect(layout.shortestGenre).toBeGreaterThanOrEqual(24); // a finger's target
  expect(layout.header).toBeLessThan(844 * 0.15);
  expect(layout.firstCardTop).toBeLessThan(844 / 3);
  expect(layout.gridColumns).toBeGreaterThanOrEqual(2);
  await shot(page, 'phone-home');
});

test("the profile panel leads with what the visitor did, folds the views and shows interests as bars", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await home(page);
  await clickSciFi(page, 2);
  await page.getByRole('button', { name: 'Your profile' }).click();
  const panel = page.locator('#panel');
  await expect(panel.locator('#events li')).toHaveCount(2);
  await expect(panel.locator('#events li').first()).toHaveText(/^click · /);
  // The views are there, folded: the list of them is not shown until the visitor opens it.
  await expect(panel.locator('#views-summary')).toHaveText(/^Pages viewed \(\d+\)$/);
  await expect(panel.locator('#views')).toBeHidden();
  // Interests as bars, the strongest full.
  const bars = panel.locator('#interests meter');
  expect(await bars.count()).toBeGreaterThan(0);
  expect(await bars.first().evaluate((m) => (m as HTMLMeterElement).value)).toBe(1);
  expect(await panel.locator('#interests li').allTextContents()).toContain('Sci-Fi');
  // The panel fits the phone's width.
  expect((await panel.boundingBox())!.width).toBeLessThanOrEqual(390);
  await shot(page, 'phone-profile');
});

test('at 1280 px the header is one row', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await home(page);
  const header = await page.locator('header').boundingBox();
  expect(header!.height).toBeLessThan(80);
  await shot(page, 'desktop-home');
});
