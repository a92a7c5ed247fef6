import { test, type Browser } from '@playwright/test';
import { writeSection } from '../../scripts/bench-doc.mjs';

// Would the engine pay its way in a Web Worker (WebGL through OffscreenCanvas)? The same second stage
// (dist/vitrine-engine.js) started on the page's main thread and in a module worker, on WASM and on
// WebGL, with the demo's model: time to a ready engine, main-thread long tasks and blocking time during
// the start, and a rerank after a click (a new session event, then 48 items ranked), as the page sees it:
// in the worker that includes the round trip of two messages. Medians of RUNS fresh pages.
// Writes the worker section of docs/benchmarks.md. Run: npm run bench:browser
const RUNS = Number(process.env.VITRINE_BENCH_RUNS ?? 5);
const CLICKS = 40;

type Result = { ready: number; longTasks: number; longest: number; blocking: number; rerank: number; backend: string };

async function run(browser: Browser, where: 'main' | 'worker', backend: 'wasm' | 'webgl'): Promise<Result> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/test/pages/blank.html');
  const result = await page.evaluate(
    async ({ where, backend, clicks }) => {
      const origin = location.origin;
      const long: number[] = [];
      const observer = new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration)));
      observer.observe({ type: 'longtask' });
      // The engine's side, the same text on either thread: start, then rank on request.
      const engineSide = `
        let engine;
        const ids = [];
        const events = [];
        async function handle(m) {
          if (m.type === 'start') {
            const R = await import('${origin}/dist/vitrine-engine.js');
            const s = await R.loadEngine(new URL('${origin}/demo/model/manifest.json'), { timeoutMs: 30000 },
              { backend: m.backend, wasmPaths: '${origin}/dist/', scoring: {}, gapMs: 1800000 });
            engine = s.engine;
            ids.push(...s.files.items.ids);
            return { backend: s.backend };
          }
          events.push({ id: ids[m.click * 7 % ids.length], type: 'click', time: Date.now() });
          const list = ids.slice(m.click % 50, m.click % 50 + 48);
          const ranked = await engine.rank({ ids: list, events, now: Date.now(), pinned: new Set(), exclude: new Set(), diversity: 0, explain: false, categories: new Map() });
          return { first: ranked[0].id };
        }`;
      let call: (m: object) => Promise<any>;
      if (where === 'worker') {
        const code = `${engineSide}\nonmessage = async (e) => postMessage(await handle(e.data));`;
        const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
        call = (m) => new Promise((resolve) => ((worker.onmessage = (e) => resolve(e.data)), worker.postMessage(m)));
      } else {
        const handle = new Function(`${engineSide}\nreturn handle;`)();
        call = (m) => handle(m);
      }
      const t0 = performance.now();
      const started = await call({ type: 'start', backend });
      const ready = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 200)); // long tasks are reported a little late
      const during = [...long];
      const times: number[] = [];
      for (let click = 0; click < clicks; click++) {
        const t = performance.now();
        await call({ type: 'rank', click });
        times.push(performance.now() - t);
      }
      observer.disconnect();
      times.sort((a, b) => a - b);
      return {
        ready,
        longTasks: during.length,
        longest: Math.max(0, ...during),
        blocking: during.reduce((s, d) => s + Math.max(0, d - 50), 0),
        rerank: times[Math.floor(times.length / 2)],
        backend: started.backend,
      };
    },
    { where, backend, clicks: CLICKS },
  );
  await context.close();
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The reading of the table, from its own numbers. */
function verdict(all: Record<string, Result[]>): string {
  const m = (key: string, k: keyof Result) => median(all[key].map((r) => r[k] as number));
  const stray = ['wasm', 'webgl'].map((b) => all[`${b}/main`].filter((r) => r.longTasks > 0).length);
  const ready = m('wasm/worker', 'ready') - m('wasm/main', 'ready');
  const trip = m('wasm/worker', 'rerank') - m('wasm/main', 'rerank');
  return `Reading: on the main thread the start-up yields between its steps (weights decoded one by one, WebGL
shaders compiled a step per task and each program awaited in a task of its own); a long task still showed
in ${stray[0]} of ${RUNS} WASM starts and ${stray[1]} of ${RUNS} WebGL starts. In a worker there are none by construction, and
the WASM start is ${Math.abs(ready).toFixed(0)} ms ${ready < 0 ? 'sooner (nothing to yield to)' : 'later'}; a rerank ${trip > 0.05 ? `pays ${trip.toFixed(2)} ms more for the round trip` : 'costs no more within this noise (the round trip is hidden by the rank itself)'},
and the profile's events would have to be sent across. The script tag keeps the engine on the main thread
for now; the numbers say a worker is the next step if a real GPU's start shows long tasks.`;
}

test('engine on the main thread or in a worker', async ({ browser }) => {
  const rows: string[] = [];
  const all: Record<string, Result[]> = {};
  for (const backend of ['wasm', 'webgl'] as const) {
    for (const where of ['main', 'worker'] as const) {
      const results: Result[] = [];
      for (let i = 0; i < RUNS; i++) results.push(await run(browser, where, backend));
      all[`${backend}/${where}`] = results;
      const m = (k: keyof Result) => median(results.map((r) => r[k] as number));
      rows.push(
        `| ${backend === 'wasm' ? 'WASM' : 'WebGL'} | ${where === 'main' ? 'main thread' : 'worker'} (${results[0].backend}) | ${m('ready').toFixed(0)} | ${m('longTasks')} | ${m('longest').toFixed(0)} | ${m('blocking').toFixed(0)} | ${m('rerank').toFixed(2)} |`,
      );
    }
  }
  console.log(JSON.stringify(all));
  const section = `<!-- worker:start -->
## The engine on the main thread or in a worker (browser)

Reproduce: \`npm run bench:browser\` (test/bench/worker.bench.ts). The second stage
(\`dist/vitrine-engine.js\`) with the demo's model (5,316 items), started on the page's main thread and in a
module worker (WebGL there through OffscreenCanvas), median of ${RUNS} fresh pages each; a rerank is one click
added to the session, then 48 items ranked, ${CLICKS} times, timed by the page (in the worker: with the
messages' round trip). Headless Chromium on this machine, WebGL on SwiftShader. Written ${new Date().toISOString().slice(0, 10)}.

| backend | where | start → ready (ms) | main-thread long tasks during the start | longest (ms) | blocking time (ms) | rerank after a click, median (ms) |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

${verdict(all)}
<!-- worker:end -->`;
  writeSection(section);
});
