import { test, expect } from './fixtures.js';

test('the demo page reranks its list from the items clicked', async ({ page }) => {
  await page.goto('/demo/');
  await expect(page.locator('#backend')).toContainText('wasm');
  const order = () => page.locator('#grid li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.item));
  expect(await order()).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
  await page.getByText('Item C').click();
  // History [c]: c scores 1, e 0.5, b 0.1, and f, d, a tie at 0 in the page's order.
  await expect.poll(order).toEqual(['c', 'e', 'b', 'f', 'd', 'a']);
  await expect(page.locator('#history')).toHaveText('c');
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(order).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
});
