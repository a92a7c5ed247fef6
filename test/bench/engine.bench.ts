import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { benchModelV1, DIM, HIDDEN } from './bench-models.js';
import { writeSection } from '../../scripts/bench-doc.mjs';

// Engine benchmarks in real Chromium: per backend and beside plain TypeScript loops measured in the same
// page, medians of repeated runs; and, per backend, the engine's two paths (plain loops, the tfjs
// backend) at growing candidate counts, whose crossover it writes to src/lib/crossover.ts. Writes the
// engine section of docs/benchmarks.md.
// Run: npm run bench:browser

const root = join(import.meta.dirname, '../..');
const REPEATS = 41;
type Row = Record<string, number>;
const results: Record<string, Row> = {};
let renderer = '';

// Candidate counts at which the two paths are compared (ranks of a list of this many items).
const SIZES = [200, 2000, 20_000, 100_000];
const crossover: Record<string, { rank: number; catalog: number }> = {};
const WIN = 0.9;

test.beforeAll(() => {
  benchModelV1(root, 10_000);
  benchModelV1(root, 100_000);
});

for (const backend of ['wasm', 'webgl', 'cpu'] as const) {
  test(`engine on ${backend}`, async ({ page }) => {
    await page.goto('/test/pages/blank.html');
    const small = benchModelV1(root, 10_000);
    const large = benchModelV1(root, 100_000);
    results[backend] = await page.evaluate(
      async ({ backend, small, large, repeats, sizes }) => {
        const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        // Timers are coarse (0.1 ms) in a page that is not cross-origin isolated: each sample runs the call
        // until at least 5 ms have passed and divides.
        const time = async (f: () => Promise<unknown>) => {
          for (let i = 0; i < 5; i++) await f();
          const xs: number[] = [];
          for (let i = 0; i < repeats; i++) {
            const t = performance.now();
            let n = 0;
            do {
              await f();
              n++;
            } while (performance.now() - t < 5);
            xs.push((performance.now() - t) / n);
          }
          return median(xs);
        };
        const out: Record<string, number> = {};
        let t = performance.now();
        let v = await window.vitrine.createVitrine({ model: small, backend });
        out.loadCold = performance.now() - t;
        if (v.backend !== backend) throw new Error(`wanted ${backend}, got ${v.backend}: ${v.backendReason} ${v.error?.message}`);
        const history = ['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-5'];
        const ids = (m: number) => Array.from({ length: m }, (_, i) => `sku-${(i * 37) % 10_000}`);
        t = performance.now();
        await v.rank(ids(20), { history });
        out.warmup = performance.now() - t;
        for (const m of [20, 200, 2000]) out[`rank${m}`] = await time(() => v.rank(ids(m), { history }));
        // One event: the session grows by one item, so one LSTM step, the catalog normaliser and a rank of 20.
        const steps: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const grow = history.slice(0, 3);
          const s0 = performance.now();
          for (let i = 0; i < 10; i++) {
            grow.push(`sku-${200 + i}`);
            await v.rank(ids(20), { history: grow });
          }
          steps.push((performance.now() - s0) / 10);
        }
        out.step = median(steps);
        out.recommend10k = await time(() => v.recommend({ k: 20, history }));
        v.dispose();
        // Each path forced: every candidate set in plain loops (Infinity), every one through tfjs (0).
        for (const [path, plainScoringUpTo] of [['plain', Infinity], ['device', 0]] as const) {
          v = await window.vitrine.createVitrine({ model: small, backend, plainScoringUpTo });
          await v.rank(ids(20), { history });
          out[`${path}Recommend10k`] = await time(() => v.recommend({ k: 20, history }));
          out.tensorBytes10k = v.memory().numBytes;
          v.dispose();
        }
        t = performance.now();
        v = await window.vitrine.createVitrine({ model: small, backend });
        out.loadCached = performance.now() - t;
        v.dispose();
        const heap0 = (performance as any).memory?.usedJSHeapSize ?? 0;
        v = await window.vitrine.createVitrine({ model: large, backend });
        out.recommend100k = await time(() => v.recommend({ k: 20, history }));
        out.heapBytesPer10k = (((performance as any).memory?.usedJSHeapSize ?? 0) - heap0) / 10;
        v.dispose();
        const wide = (m: number) => Array.from({ length: m }, (_, i) => `sku-${(i * 37) % 100_000}`);
        for (const [path, plainScoringUpTo] of [['plain', Infinity], ['device', 0]] as const) {
          v = await window.vitrine.createVitrine({ model: large, backend, plainScoringUpTo });
          out[`${path}Recommend100k`] = await time(() => v.recommend({ k: 20, history }));
          if (path === 'device') out.tensorBytesPer10k = v.memory().numBytes / 10;
          for (const m of sizes) out[`${path}Rank${m}`] = await time(() => v.rank(wide(m), { history }));
          v.dispose();
        }
        return out;
      },
      { backend, small, large, repeats: REPEATS, sizes: SIZES },
    );
    // The smallest candidate count at which the backend beat the plain loops by more than the noise between
    // runs (WIN: at least 10% faster), for a rank of that many and for a recommend over that many rows;
    // Infinity where it never did.
    const r = results[backend];
    const first = (xs: number[]) => (xs.length ? Math.min(...xs) : Infinity);
    crossover[backend] = {
      rank: first(SIZES.filter((m) => r[`deviceRank${m}`] < WIN * r[`plainRank${m}`])),
      catalog: first([10_000, 100_000].filter((m) => r[`deviceRecommend${m / 1000}k`] < WIN * r[`plainRecommend${m / 1000}k`])),
    };
    if (backend === 'webgl') {
      renderer = await page.evaluate(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        const debug = gl?.getExtension('WEBGL_debug_renderer_info');
        return gl ? String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'none';
      });
    }
  });
}

test('plain TypeScript baseline', async ({ page }) => {
  await page.goto('/test/pages/blank.html');
  results.plain = await page.evaluate(
    ({ d, h, repeats }) => {
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = (f: () => unknown) => {
        for (let i = 0; i < 5; i++) f();
        const xs: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const t = performance.now();
          let n = 0;
          do {
            f();
            n++;
          } while (performance.now() - t < 5);
          xs.push((performance.now() - t) / n);
        }
        return median(xs);
      };
      let seed = 1;
      const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
      const make = (n: number) => Float32Array.from({ length: n }, rand);
      const E = make(100_000 * d);
      const bias = make(100_000);
      const q = make(d);
      const dot = (row: number) => {
        let s = bias[row];
        for (let j = 0; j < d; j++) s += E[row * d + j] * q[j];
        return s;
      };
      const rank = (m: number) => {
        const rows = Array.from({ length: m }, (_, i) => (i * 37) % 10_000);
        return rows.map((r, i) => ({ i, s: dot(r) })).sort((a, b) => b.s - a.s);
      };
      const topk = (n: number, k: number) => {
        const best: { r: number; s: number }[] = [];
        for (let r = 0; r < n; r++) {
          const s = dot(r);
          if (best.length < k || s > best[best.length - 1].s) {
            best.push({ r, s });
            best.sort((a, b) => b.s - a.s);
            if (best.length > k) best.pop();
          }
        }
        return best;
      };
      const K = make((d + h) * 4 * h);
      const x = make(d + h);
      const step = () => {
        // One LSTM step (a (d+h)×4h matrix–vector product) and a rank of 20.
        const g = new Float32Array(4 * h);
        for (let i = 0; i < d + h; i++) for (let j = 0; j < 4 * h; j++) g[j] += x[i] * K[i * 4 * h + j];
        return [g, rank(20)];
      };
      return {
        rank20: time(() => rank(20)),
        rank200: time(() => rank(200)),
        rank2000: time(() => rank(2000)),
        step: time(step),
        recommend10k: time(() => topk(10_000, 20)),
        recommend100k: time(() => topk(100_000, 20)),
      };
    },
    { d: DIM, h: HIDDEN, repeats: REPEATS },
  );
});

test.afterAll(() => {
  const cols = ['webgl', 'wasm', 'cpu', 'plain'].filter((c) => results[c]);
  const fmt = (x: number | undefined) => (x === undefined ? '' : x < 0.1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const ratio = (c: string, k: string) => (c === 'plain' || !results.plain?.[k] ? '' : ` (${(results[c][k] / results.plain[k]).toFixed(1)}×)`);
  const rows: [string, string][] = [
    ['rank20', 'rank 20 page items, warm'],
    ['rank200', 'rank 200 page items, warm (budget on WASM: 0.1 ms)'],
    ['rank2000', 'rank 2,000 page items, warm'],
    ['step', 'one event: LSTM step + rank 20'],
    ['recommend10k', 'recommend top 20 of 10,000 items'],
    ['recommend100k', 'recommend top 20 of 100,000 items (budget on WASM: 5 ms)'],
    ['loadCold', 'createVitrine, 10k items, first in the page (engine import, backend start, fetch, decode, warm-up)'],
    ['loadCached', 'createVitrine again, model in the HTTP cache'],
    ['warmup', 'first rank after load (shader compilation on WebGL)'],
  ];
  const table = [
    `| median ms (ratio to plain TypeScript) | ${cols.join(' | ')} |`,
    `| --- | ${cols.map(() => '---:').join(' | ')} |`,
    ...rows.map(([k, label]) => `| ${label} | ${cols.map((c) => (results[c]?.[k] === undefined ? '–' : fmt(results[c][k]) + ratio(c, k))).join(' | ')} |`),
  ].join('\n');
  const mem = ['webgl', 'wasm', 'cpu']
    .filter((c) => results[c])
    .map((c) => `${c}: ${(results[c].tensorBytesPer10k / 1e6).toFixed(1)} MB of tensors (backend path) and ${(results[c].heapBytesPer10k / 1e6).toFixed(1)} MB of JS heap per 10,000 items`)
    .join('; ');
  const backends = ['webgl', 'wasm', 'cpu'].filter((c) => results[c]);
  const paths = [
    `| median ms: plain loops / tfjs backend | ${backends.join(' | ')} |`,
    `| --- | ${backends.map(() => '---:').join(' | ')} |`,
    ...SIZES.map((m) => `| rank ${m.toLocaleString('en-US')} items | ${backends.map((c) => `${fmt(results[c][`plainRank${m}`])} / ${fmt(results[c][`deviceRank${m}`])}`).join(' | ')} |`),
    ...[10, 100].map((k) => `| recommend top 20 of ${k},000 items | ${backends.map((c) => `${fmt(results[c][`plainRecommend${k}k`])} / ${fmt(results[c][`deviceRecommend${k}k`])}`).join(' | ')} |`),
    `| crossover: the backend from (rank / recommend) | ${backends.map((c) => `${crossover[c].rank.toLocaleString('en-US')} / ${crossover[c].catalog.toLocaleString('en-US')}`).join(' | ')} |`,
  ].join('\n');
  const section = `<!-- engine:start -->
## Engine (browser)

Reproduce: \`npm run bench:browser\`. Headless Chromium (${renderer || 'WebGL renderer unknown'}), models of the
shape \`vitrine train\` writes (d = ${DIM}, h = ${HIDDEN}, 30 neighbours per item, float16) with random weights, in
format version 1 (the whole catalog on the device: the case where catalog-wide work is largest);
medians of ${REPEATS} samples (each repeats the call for at least 5 ms: the page's timer is coarse) after 5 warm-up runs; plain TypeScript is the same arithmetic in Float32Array loops
in the same page. Written ${new Date().toISOString().slice(0, 10)}.

${table}

Memory after loading 100,000 items, per 10,000: ${mem}.

The engine scores a candidate set (a rank's list, a recommend's rows) in plain loops below a number of
items per backend and on the tfjs backend from there (src/lib/crossover.ts). The two paths, forced with
\`plainScoringUpTo\` (Infinity, 0), whole calls (ranks on the 100,000-item model):

${paths}

The crossover is the smallest count at which the backend was at least ${Math.round((1 - WIN) * 100)}% faster (less is within the noise
between runs on this machine), ∞ where it never was up to the largest count measured; this command writes it
to src/lib/crossover.ts. A rank's fixed costs (the
neighbourhood votes, the page's order, sorting) are the same on both paths; what differs is the device
part, a few multiply-adds per item against a handful of tfjs operations, each a dispatch and, on WebGL, a
read-back from the GPU.

On this machine WebGL runs on SwiftShader, a software renderer, so its column is a correctness run, not a
GPU timing; \`backend: 'auto'\` does not pick it here. On a machine with a GPU the same command measures the
GPU path unchanged, and its crossover.
<!-- engine:end -->`;
  const code = join(root, 'src/lib/crossover.ts');
  if (backends.length === 3) {
    const value = (x: number) => (x === Infinity ? 'Infinity' : String(x));
    const data = backends.map((c) => `  ${c}: { rank: ${value(crossover[c].rank)}, catalog: ${value(crossover[c].catalog)} },`).join('\n');
    writeFileSync(code, readFileSync(code, 'utf8').replace(/(export const BACKEND_FROM[^\n]*\n)[\s\S]*?\n\};/, `$1${data}\n};`));
  }
  writeSection(section);
  console.log(JSON.stringify(results, null, 1));
});
