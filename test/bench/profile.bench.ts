import { test } from '@playwright/test';
import { writeSection } from '../../scripts/bench-doc.mjs';

// Profile benchmarks in real Chromium: tracking into IndexedDB. Writes the profile section of
// docs/benchmarks.md. Run: npm run bench:browser

test('profile', async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  const r = await page.evaluate(async () => {
    const v = await window.vitrine.createVitrine({ model: '/test/fixtures/tiny-model/', backend: 'cpu', maxEvents: 20_000 });
    const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
    // One at a time: each track awaited before the next (one transaction each).
    const single: number[] = [];
    let t = performance.now();
    for (let i = 0; i < 300; i++) {
      const s = performance.now();
      await v.track({ type: 'view', item: `single-${i}` });
      single.push(performance.now() - s);
    }
    const singleRate = 300 / ((performance.now() - t) / 1000);
    // A burst: 10,000 tracks at once, batched into a few transactions.
    t = performance.now();
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => v.track({ type: 'view', item: `burst-${i}` })));
    const burstMs = performance.now() - t;
    v.dispose();
    // Everything persisted? Read it back in a new instance.
    t = performance.now();
    const again = await window.vitrine.createVitrine({ model: '/test/fixtures/tiny-model/', backend: 'cpu', maxEvents: 20_000 });
    const reopenMs = performance.now() - t;
    const stored = (await again.profile()).events.length;
    await again.forget();
    again.dispose();
    // profile() at 1,000 events.
    const third = await window.vitrine.createVitrine({ model: '/test/fixtures/tiny-model/', backend: 'cpu' });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => third.track({ type: 'click', item: `p-${i}` })));
    const reads: number[] = [];
    for (let i = 0; i < 21; i++) {
      const s = performance.now();
      await third.profile();
      reads.push(performance.now() - s);
    }
    await third.forget();
    return {
      singleRate,
      singleMedian: pct(single, 0.5),
      singleP95: pct(single, 0.95),
      burstRate: 10_000 / (burstMs / 1000),
      burstMs,
      stored,
      reopenMs,
      profileRead: pct(reads, 0.5),
    };
  });
  const section = `<!-- profile:start -->
## Profile (browser)

Reproduce: \`npm run bench:browser\`. Headless Chromium, IndexedDB on this machine's disk. Written ${new Date().toISOString().slice(0, 10)}.

| what | figure |
| --- | ---: |
| \`track()\` one at a time, each awaited (one transaction each) | ${Math.round(r.singleRate)} events/s |
| time for \`track()\` to resolve (durable), one at a time: median / p95 | ${r.singleMedian.toFixed(2)} / ${r.singleP95.toFixed(2)} ms |
| a burst of 10,000 \`track()\` calls at once, batched | ${Math.round(r.burstRate)} events/s (${Math.round(r.burstMs)} ms) |
| of those 10,300 events, found on reopening | ${r.stored} |
| opening a profile of 10,300 events (createVitrine with a small model) | ${Math.round(r.reopenMs)} ms |
| \`profile()\` at 1,000 events, median | ${r.profileRead.toFixed(2)} ms |
<!-- profile:end -->`;
  writeSection(section);
  console.log(JSON.stringify(r));
});
