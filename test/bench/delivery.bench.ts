import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type Page } from '@playwright/test';
import { POPULAR_ITEMS, writeModel, type ExportTensor } from '../../src/cli/write-model.js';
import { decodeWeights } from '../../src/lib/weights.js';
import type { Manifest } from '../../src/lib/manifest.js';
import { seededRandom } from '../../src/trainer/random.js';
import { writeSection } from '../../scripts/bench-doc.mjs';

// Model bytes a page view transfers (version 2 delivery), in headless Chromium against the compressing,
// caching server: a cold page with 48 items, the next page with 48 others, and a returning visitor on the
// first page; on the demo's catalog and on a generated one of GENERATED items (the demo's core, random
// rows). Median of RUNS visits, each in a fresh browser context. Writes the delivery section of
// docs/benchmarks.md. Run: npm run bench:browser (or: npx playwright test -c playwright.bench.config.ts delivery)
const root = join(import.meta.dirname, '../..');
const RUNS = Number(process.env.VITRINE_BENCH_RUNS ?? 3);
const GENERATED = Number(process.env.VITRINE_BENCH_ITEMS ?? 1_000_000);
const generatedDir = join(root, 'test-results/generated-model');

/** A catalog of `n` items with the demo's core (session model, fold-in, prototypes) and random rows. */
async function generate(n: number): Promise<string[]> {
  const stamp = join(generatedDir, `.items-${n}`);
  const ids = Array.from({ length: n }, (_, i) => `sku-${i}`);
  if (existsSync(stamp)) return ids;
  await rm(generatedDir, { recursive: true, force: true });
  const demo = JSON.parse(await readFile(join(root, 'demo/model/manifest.json'), 'utf8')) as Manifest;
  const specs = demo.weights.flatMap((g) => g.weights);
  const core = await Promise.all(demo.weights.flatMap((g) => g.paths).map(async (p) => (await readFile(join(root, 'demo/model', p))).buffer as ArrayBuffer));
  const tensors: Record<string, ExportTensor> = {};
  for (const w of decodeWeights(core, specs)) tensors[w.name] = { values: w.values, shape: w.shape, float16: specs.find((s) => s.name === w.name)!.quantization?.dtype === 'uint8' };
  const d = demo.dim;
  const top = (demo.rows as { neighbours: number }).neighbours;
  const r = seededRandom(7);
  tensors.item_embeddings = { values: Float32Array.from({ length: n * d }, () => r() - 0.5), shape: [n, d] };
  tensors.item_bias = { values: Float32Array.from({ length: n }, () => r()), shape: [n] };
  const nbIds = new Int32Array(n * top);
  const nbWeights = new Float32Array(n * top);
  for (let i = 0; i < n * top; i++) [nbIds[i], nbWeights[i]] = [Math.floor(r() ** 3 * n), r()];
  tensors.neighbour_ids = { values: nbIds, shape: [n, top] };
  tensors.neighbour_weights = { values: nbWeights, shape: [n, top] };
  const names = demo.categories as string[];
  const categories = ids.map(() => names.filter(() => r() < 0.15).slice(0, 4));
  // Popularity falls with the index: the first items are the popular ones a home page shows.
  const popularity = ids.map((_, i) => Math.round(1e6 / (i + 1)));
  const { files: _f, weights: _w, rows: _r, popular: _p, items: _i, format: _fo, formatVersion: _v, dim: _d, itemCount: _n, metrics: _m, training: _t, ...extra } = demo;
  await mkdir(generatedDir, { recursive: true });
  await writeModel(generatedDir, { ids, categories, popularity, tensors, extra });
  writeFileSync(stamp, '');
  return ids;
}

/** Model bytes transferred since the last call (resource timing of the model's folder). */
async function modelBytes(page: Page, folder: string, from = 0): Promise<{ bytes: number; body: number; files: number; count: number }> {
  return page.evaluate(
    ({ folder, from }) => {
      const all = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => new URL(r.name).pathname.startsWith(folder));
      const mine = all.slice(from);
      // transferSize counts headers too: about 300 bytes a response over this HTTP/1.1 server, far less over HTTP/2.
      const fetched = mine.filter((r) => r.transferSize > 0);
      return { bytes: mine.reduce((s, r) => s + r.transferSize, 0), body: fetched.reduce((s, r) => s + r.encodedBodySize, 0), files: fetched.length, count: all.length };
    },
    { folder, from },
  );
}

async function rankPage(page: Page, model: string, ids: string[]) {
  await page.evaluate(
    async ({ model, ids }) => {
      const w = window as any;
      w.__v ??= await w.vitrine.createVitrine({ model, backend: 'wasm', autoTrack: false });
      if (!w.__v.ready) throw new Error(w.__v.error?.message);
      await w.__v.rank(ids);
    },
    { model, ids },
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

test('model delivery', async ({ browser }) => {
  test.setTimeout(30 * 60_000);
  const demoIds = JSON.parse(readFileSync(join(root, 'demo/model', JSON.parse(readFileSync(join(root, 'demo/model/manifest.json'), 'utf8')).items), 'utf8')).ids as string[];
  const demoPopular = (() => {
    const v = JSON.parse(readFileSync(join(root, 'demo/model', JSON.parse(readFileSync(join(root, 'demo/model/manifest.json'), 'utf8')).items), 'utf8'));
    return demoIds.map((id, i) => [id, v.popularity[i]] as const).sort((a, b) => b[1] - a[1]).map(([id]) => id);
  })();
  const generatedIds = await generate(GENERATED);
  // The next page's items are past the popular file's: their rows are range requests.
  const past = (ids: string[]) => ids.slice(POPULAR_ITEMS, POPULAR_ITEMS + 48);
  const catalogs = [
    { name: `demo catalog (${demoIds.length.toLocaleString('en')} items)`, folder: '/demo/model/', first: demoPopular.slice(0, 48), next: past(demoPopular) },
    { name: `generated catalog (${GENERATED.toLocaleString('en')} items)`, folder: '/test-results/generated-model/', first: generatedIds.slice(0, 48), next: past(generatedIds) },
  ];
  const results = [];
  for (const c of catalogs) {
    const runs = { cold: [] as number[], next: [] as number[], again: [] as number[], requests: [] as number[], coldBody: [] as number[], nextBody: [] as number[], nextRequests: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('/test/pages/blank.html');
      await rankPage(page, c.folder, c.first);
      const cold = await modelBytes(page, c.folder);
      await rankPage(page, c.folder, c.next);
      const next = await modelBytes(page, c.folder, cold.count);
      await page.goto('/test/pages/blank.html?again');
      await rankPage(page, c.folder, c.first);
      const again = await modelBytes(page, c.folder);
      runs.cold.push(cold.bytes);
      runs.next.push(next.bytes);
      runs.again.push(again.bytes);
      runs.requests.push(cold.files);
      runs.coldBody.push(cold.body);
      runs.nextBody.push(next.body);
      runs.nextRequests.push(next.files);
      await context.close();
    }
    results.push({
      name: c.name,
      cold: median(runs.cold),
      coldBody: median(runs.coldBody),
      next: median(runs.next),
      nextBody: median(runs.nextBody),
      again: median(runs.again),
      requests: median(runs.requests),
      nextRequests: median(runs.nextRequests),
    });
  }
  console.log(JSON.stringify(results));
  const kb = (b: number) => (b / 1024).toFixed(1);
  const section = `<!-- delivery:start -->
## Model delivery: bytes per page view (browser)

Reproduce: \`npm run bench:browser\` (test/bench/delivery.bench.ts; \`VITRINE_BENCH_ITEMS\` sets the generated
catalog's size). Headless Chromium against \`scripts/serve.mjs --cache\` (gzip, cacheable), model files
counted as transferred (resource timing), median of ${RUNS} visits, each in a fresh browser context, written
${new Date().toISOString().slice(0, 10)}. A page ranks 48 items (the catalog's most popular) through \`rank()\`; the next page 48 others, the
${POPULAR_ITEMS + 1}st to ${POPULAR_ITEMS + 48}th most popular (past the popular file's ${POPULAR_ITEMS});
the returning visitor loads the first page again in the same browser. The generated catalog has the demo
model's core and random rows. Before this format (version 1) every visitor fetched the whole model: the
demo's was ${kb(1811032 + 180730)} KB of files (\`weights.bin\` and \`items.json\`).

| catalog | cold page view: transferred / bodies (KB), requests | the next page: KB more, requests | returning visitor, same page (KB) |
| --- | ---: | ---: | ---: |
${results.map((r) => `| ${r.name} | ${kb(r.cold)} / ${kb(r.coldBody)}, ${r.requests} | ${kb(r.next)} / ${kb(r.nextBody)}, ${r.nextRequests} | ${kb(r.again)} |`).join('\n')}

"Transferred" counts each response's headers, about 300 bytes per response over this HTTP/1.1 server;
"bodies" is the files' bytes alone, close to what HTTP/2's compressed headers add to them. A request is
the manifest, the core, the popular file (which holds the first page's rows), or one bucket (the first of
an item past the popular file, its second for the few not in their first; shared buckets asked once). The returning visitor's buckets come from Cache Storage, the core and manifest from
the HTTP cache.
<!-- delivery:end -->`;
  writeSection(section);
});
