import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type Browser, type Page } from '@playwright/test';
import { writeSection } from '../../scripts/bench-doc.mjs';
import { HISTORY } from './history.js';
import { asIfCached } from '../browser/fixtures.js';

// What Vitrine costs a page view, in headless Chromium against the compressing, caching server: bytes
// transferred (first visit, repeat visit), script start → first personalised order, long tasks and total
// blocking time, each with Vitrine against the same page with Vitrine replaced by an inert stub (so the
// page's own work is subtracted). Medians of RUNS visits, each cold visit in a fresh browser context.
// Writes the loading section of docs/benchmarks.md. Run: npm run bench:browser
//
// test/bench/loading-before.json holds the same measurements of the one-stage build (everything, tfjs
// included, in dist/vitrine.min.js), taken on this machine before the split; the table shows both. To
// re-take it from a build: VITRINE_BENCH_SAVE=before npm run bench:browser
const RUNS = Number(process.env.VITRINE_BENCH_RUNS ?? 5);
const grid = '[data-vitrine-list="home-grid"]';
const beforeFile = join(import.meta.dirname, 'loading-before.json');

type Visit = { bytes: number; vitrineBytes: number; vitrineFiles: number; tfjsLoaded: boolean; firstOrder: number; fromLoad: number; longAfterLoad: number; longestAfterLoad: number; tbt: number; tbtAfterLoad: number };
type Variant = 'wasm' | 'webgl' | 'stub' | 'no-list';

// The baseline: the same page with Vitrine inert. A `window.vitrine` defined first makes the script take
// itself for a second copy and do nothing, and the storefront's calls resolve at once.
const STUB = () => {
  const w = window as any;
  w.vitrine = Object.assign(() => {}, {
    createVitrine: () => {},
    recommend: async () => [],
    rank: async (ids: string[]) => ids.map((id) => ({ id, score: 0 })),
    profile: async () => ({ consent: { state: 'granted' }, events: [], interests: [] }),
    consent: async () => {},
    forget: async () => {},
    track: async () => {},
    on: () => () => {},
    onProfileChange: () => () => {},
    ready: Promise.resolve(undefined),
  });
};

async function prepare(page: Page, variant: Variant) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push({ start: e.startTime, ms: e.duration }))).observe({ type: 'longtask', buffered: true });
  });
  if (variant === 'stub') await page.addInitScript(STUB);
  await page.addInitScript(HISTORY); // (on the stub's page, its calls do nothing)
  // The cold visit as a returning visitor whose script is cached but not the model (a model published
  // since): the lists are held until ranked. With the script fetched too the page starts as a first visit.
  await asIfCached(page);
  // WebGL asked for on the script tag as the parser inserts it (routing the page instead would turn off
  // the HTTP cache).
  if (variant === 'webgl') {
    await page.addInitScript(() =>
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLScriptElement && n.src.includes('vitrine.min.js')) n.dataset.backend = 'webgl';
      }).observe(document, { childList: true, subtree: true }),
    );
  }
}

async function visit(page: Page, variant: Variant, n: number): Promise<Visit> {
  if (variant === 'no-list') {
    await page.goto(`/test/pages/article.html?visit=${n}`);
    await page.waitForTimeout(4000); // long past any idle time
  } else {
    await page.goto(`/demo/?visit=${n}#/`);
    if (variant === 'stub') await page.locator(`${grid} [data-vitrine-item]`).first().waitFor({ state: 'attached' });
    // Ranked, or shown in the page's order when the engine missed the hold budget (then no first order).
    else await page.locator(`${grid}[data-vitrine-ranked], ${grid}[data-vitrine-late]`).waitFor({ state: 'attached', timeout: 60_000 });
    await page.waitForTimeout(2500); // views, idle work and any late task settle
  }
  return page.evaluate(() => {
    const w = window as any;
    const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const ours = resources.filter((r) => /\/dist\/|\/model\//.test(new URL(r.name).pathname));
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
    const long = w.__long as { start: number; ms: number }[];
    const blocking = (tasks: { ms: number }[]) => tasks.reduce((s, t) => s + Math.max(0, t.ms - 50), 0);
    const after = long.filter((t) => t.start >= nav.loadEventEnd);
    return {
      bytes: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
      vitrineBytes: ours.reduce((s, r) => s + r.transferSize, 0),
      vitrineFiles: ours.length,
      tfjsLoaded: ours.some((r) => /\.wasm$|engine|tfjs/.test(r.name)) || ours.some((r) => /\/model\//.test(r.name)),
      firstOrder: mark('vitrine:first-order') - mark('vitrine:start'),
      // From the load's start (the list on screen) to the first order: the second stage's own time.
      fromLoad: mark('vitrine:first-order') - (Number.isNaN(mark('vitrine:load')) ? mark('vitrine:start') : mark('vitrine:load')),
      longAfterLoad: after.length,
      longestAfterLoad: Math.max(0, ...after.map((t) => t.ms)),
      tbt: blocking(long.filter((t) => t.start >= fcp)),
      tbtAfterLoad: blocking(after),
    };
  });
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

async function measure(browser: Browser, variant: Variant) {
  const cold: Visit[] = [];
  const cached: Visit[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await prepare(page, variant);
    cold.push(await visit(page, variant, 1));
    cached.push(await visit(page, variant, 2)); // same context: the HTTP cache holds what the first visit fetched
    await context.close();
  }
  const summary = (vs: Visit[]) =>
    Object.fromEntries(Object.keys(vs[0]).map((k) => [k, k === 'tfjsLoaded' ? vs.some((v) => v.tfjsLoaded) : median(vs.map((v) => (v as any)[k]))])) as unknown as Visit;
  return { cold: summary(cold), cached: summary(cached) };
}

test('loading', async ({ browser }) => {
  const now: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const variant of ['stub', 'wasm', 'webgl', 'no-list'] as const) now[variant] = await measure(browser, variant);
  console.log(JSON.stringify(now));
  if (process.env.VITRINE_BENCH_SAVE === 'before') {
    writeFileSync(beforeFile, `${JSON.stringify({ measured: new Date().toISOString().slice(0, 10), ...now }, null, 1)}\n`);
    return;
  }
  const before = existsSync(beforeFile) ? JSON.parse(readFileSync(beforeFile, 'utf8')) : undefined;
  const kb = (b: number) => (b / 1024).toFixed(1);
  const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(0));
  const cell = (f: (r: typeof now) => string) => `${before ? `${f(before)} → ` : ''}**${f(now)}**`;
  const row = (what: string, f: (r: typeof now, v: 'cold' | 'cached') => string) => `| ${what} | ${cell((r) => f(r, 'cold'))} | ${cell((r) => f(r, 'cached'))} |`;
  const caused = (r: typeof now, v: 'cold' | 'cached', backend: 'wasm' | 'webgl', key: 'tbt' | 'tbtAfterLoad' | 'longAfterLoad') =>
    ms(Math.max(0, r[backend][v][key] - r.stub[v][key]));
  const section = `<!-- loading:start -->
## Loading: bytes, first order, long tasks (browser)

Reproduce: \`npm run bench:browser\` (test/bench/loading.bench.ts). Headless Chromium on this machine against
\`scripts/serve.mjs --cache\` (gzip, cacheable), median of ${RUNS} visits each; a cold visit is a fresh browser
profile, the cached one is the next visit in it, each by a visitor with a history (three clicks queued on the
stub before the script; a first visit keeps the page's order and loads the engine once the page has painted). The cold visit's script reads as cached (its
resource entry): a returning visitor whose model is not in the cache (one published since, say), whose lists are held until ranked; with the script
fetched too, the page would start as a first visit does. Each cell reads *before → **now***: before is the one-stage
build (tfjs in \`vitrine.min.js\`), measured ${before?.measured ?? '(not recorded)'}; now is this build, written ${new Date().toISOString().slice(0, 10)}.
"Caused by Vitrine" is the storefront with Vitrine minus the same storefront with an inert stub in its place
(${ms(now.stub.cold.tbt)} ms of blocking time cold are the demo page's own rendering).

| demo storefront, home page (grid above the fold) | cold | cached |
| --- | ---: | ---: |
${row('Vitrine bytes transferred, auto (KB)', (r, v) => kb(r.wasm[v].vitrineBytes))}
${row('whole page view bytes transferred, auto (KB)', (r, v) => kb(r.wasm[v].bytes))}
${row('script start → first order, auto (ms)', (r, v) => ms(r.wasm[v].firstOrder))}
${row('script start → first order, WebGL (ms)', (r, v) => ms(r.webgl[v].firstOrder))}
${row('start of the model load → first order, auto / WebGL (ms)', (r, v) => `${ms(r.wasm[v].fromLoad ?? r.wasm[v].firstOrder)} / ${ms(r.webgl[v].fromLoad ?? r.webgl[v].firstOrder)}`)}
${row('long tasks after the load event caused by Vitrine, auto', (r, v) => caused(r, v, 'wasm', 'longAfterLoad'))}
${row('long tasks after the load event caused by Vitrine, WebGL', (r, v) => caused(r, v, 'webgl', 'longAfterLoad'))}
${row('longest task after the load event, auto / WebGL (ms)', (r, v) => `${ms(r.wasm[v].longestAfterLoad)} / ${ms(r.webgl[v].longestAfterLoad)}`)}
${row('total blocking time caused by Vitrine, auto (ms)', (r, v) => caused(r, v, 'wasm', 'tbt'))}
${row('total blocking time caused by Vitrine, WebGL (ms)', (r, v) => caused(r, v, 'webgl', 'tbt'))}

| a page of the shop with no marked list (test/pages/article.html) | cold | cached |
| --- | ---: | ---: |
${row('Vitrine bytes transferred (KB)', (r, v) => kb(r['no-list'][v].vitrineBytes))}
${row('Vitrine files fetched', (r, v) => String(r['no-list'][v].vitrineFiles))}
${row('model or TensorFlow.js fetched', (r, v) => (r['no-list'][v].tfjsLoaded ? 'yes' : 'no'))}

The one-stage build started loading at the script's start; the two-stage build starts when the page has a
marked list on screen (the storefront renders its grid after fetching its catalog), so its script start →
first order includes the page's own time to put the list there; the next row is the load alone. WebGL runs
on SwiftShader here (no GPU): its times show what blocks the page, not how fast a GPU is. "auto" is the
script tag as a shop adds it: on this page no candidate set is large enough for a tfjs backend to pay, so
none starts (no .wasm; it was WASM before the backend started only when needed), and a cold visit is a
first visit, whose first order is the page's own (nothing held back; README, Script tag).
<!-- loading:end -->`;
  writeSection(section);
});
