import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const budgets: { path: string; limit: string }[] = JSON.parse(readFileSync(join(root, '.size-limit.json'), 'utf8'));

test('the README quotes every size budget that CI enforces', () => {
  for (const { path, limit } of budgets) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${path}\``));
    expect(row, `README has no size row for ${path}`).toBeDefined();
    expect(row!.trim().endsWith(`| ${limit} |`), `README's budget for ${path} is not ${limit}`).toBe(true);
  }
});

test('the quick start is the two commands', () => {
  const quick = readme.split('## Quick start')[1].split('```sh')[1].split('```')[0].trim().split('\n');
  expect(quick.map((l) => l.split('#')[0].trim())).toEqual(['npm start', 'npm test']);
});

// Figures in the README come from measurements: sizes from the built files (gzip level 9, as size-limit
// measures them), accuracy from docs/benchmarks.md, which `npm run bench:trainer` writes.
const kb = (file: string) => gzipSync(readFileSync(join(root, file)), { level: 9 }).length / 1000;

test('the README quotes the sizes the build has', () => {
  const dist = join(root, 'dist/vitrine.min.js');
  expect(existsSync(dist), 'dist/ is missing: run `npm run build` first').toBe(true);
  for (const { path } of budgets) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${path}\``))!;
    const quoted = Number(/\| ([\d.]+) KB \| [\d.]+ KB \|$/.exec(row.trim())?.[1]);
    expect(quoted, `README's size of ${path} (node scripts/readme-sizes.mjs writes them)`).toBeCloseTo(kb(path), 1);
  }
  // The opening paragraph says the same.
  const intro = readme.split('## ')[0];
  for (const [phrase, file] of [
    [/\*\*([\d.]+) KB gzip\*\*/, 'dist/vitrine.min.js'],
    [/fetches the engine \(([\d.]+) KB gzip/, 'dist/vitrine-engine.js'],
    [/plus a ([\d.]+) KB gzip WASM binary/, 'dist/tfjs-backend-wasm-simd.wasm'],
    [/([\d.]+) KB gzip of its own code/, 'dist/core.js'],
  ] as const) {
    expect(Number(phrase.exec(intro)?.[1]), `${phrase} in the README's opening`).toBeCloseTo(kb(file), 1);
  }
  // And the second stage beside tf.min.js.
  const tfMin = kb('node_modules/@tensorflow/tfjs/dist/tf.min.js');
  const [, share, quoted] = /The second stage is (\d+) % of `tf\.min\.js` \(([\d.]+) KB gzip\)/.exec(readme) ?? [];
  expect(Number(quoted)).toBeCloseTo(tfMin, 1);
  expect(Number(share)).toBe(Math.round((100 * kb('dist/vitrine-engine.js')) / tfMin));
});

test("the README's accuracy figures are docs/benchmarks.md's", () => {
  const doc = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
  const rsc = doc.split('### rsc15-sample')[1].split('###')[0];
  const row = (name: string) => rsc.split('\n').find((l) => l.startsWith(`| ${name} |`))!.split('|').slice(2, 4).map((x) => x.trim());
  const [blend, neighbourhood, lstm, knn] = ['Vitrine model (blend, as exported)', 'session neighbourhood alone', 'LSTM alone', 'item-kNN'].map(row);
  const text = readme.replace(/\s+/g, ' ');
  expect(text).toContain(`reaches HitRate@20 ${blend[0]}% and MRR@20 ${blend[1]}%`);
  expect(text).toContain(`neighbourhood alone gives ${neighbourhood[0]}% and ${neighbourhood[1]}%`);
  expect(text).toContain(`the LSTM alone ${lstm[0]}% and ${lstm[1]}%`);
  expect(text).toContain(`item-kNN, gives ${knn[0]}% and ${knn[1]}%`);
});

test("the README's ten-million-click figures are docs/benchmarks.md's", () => {
  const doc = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
  const [, epoch, rss] = /One epoch: (\d+) s against 1,800 \([^)]*\); peak RSS ([\d,]+) MB/.exec(doc) ?? [];
  expect(epoch, 'docs/benchmarks.md has no ten-million-click section (node scripts/bench-trainer-scale.mjs --large-only)').toBeDefined();
  const minutes = Math.round(Number(epoch) / 60);
  const gb = (Number(rss.replace(/,/g, '')) / 1024).toFixed(1);
  expect(readme.replace(/\s+/g, ' ')).toContain(`one epoch over 10,000,000 generated clicks and 1,000,000 items in ${minutes} minutes, at a peak of ${gb} GB of memory`);
});

test("the README's trainer defaults are the CLI's", async () => {
  const { TRAIN_HELP } = await import('../../src/cli/train.js');
  const evalCases = TRAIN_HELP.match(/--eval-cases N .*\(every k-th; default (\d+)\)/)![1];
  expect(readme).toContain(`\`--eval-cases N\` (default ${Number(evalCases).toLocaleString('en')})`);
  const { TWO_THREADS_ITEMS } = await import('../../src/cli/train.js');
  expect(readme.replace(/\s+/g, ' ')).toContain(`the catalog at most ${TWO_THREADS_ITEMS.toLocaleString('en')} items`);
  expect(readme.replace(/\s+/g, ' ')).toContain(`past ${TWO_THREADS_ITEMS.toLocaleString('en')} items a second thread is not the default`);
  const limit = TRAIN_HELP.match(/fit in (\d+)M floats/)![1];
  expect(readme).toContain(`fit in ${limit}M floats`);
});

test("docs/model-format.md's size of the popular file is the writer's", async () => {
  const { POPULAR_ITEMS } = await import('../../src/cli/write-model.js');
  const format = readFileSync(join(root, 'docs/model-format.md'), 'utf8');
  expect(format).toContain(`the ${POPULAR_ITEMS} most popular items' rows`);
});

test("the README's size where a tfjs backend starts to pay is src/lib/crossover.ts's", async () => {
  const { BACKEND_FROM } = await import('../../src/lib/crossover.js');
  const wasm = BACKEND_FROM.wasm.catalog;
  const smallest = Math.min(...Object.values(BACKEND_FROM).map((c) => c.catalog));
  expect(smallest).toBe(wasm); // the sentence names WASM
  expect(readme).toContain(`a recommend over ${wasm.toLocaleString('en-US')} rows on WASM here`);
});
