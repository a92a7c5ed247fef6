// The trainer at a shop's scale, on generated logs (scripts/generate-log.mjs): a scaling table with the
// clicks fixed at 1,000,000 and the catalog at 10k, 100k and 1M items; with --large, also 10,000,000
// clicks over 1,000,000 items. One epoch each; the test set is capped (--eval-cases) since only the time
// per case matters here. Writes docs/benchmarks.md between the trainer-scale markers.
// With --large-only, just the 10,000,000-click run, written to a section of its own (about 60 minutes).
// Usage: npm run build && node scripts/bench-trainer-scale.mjs [--large | --large-only]   (about 35 minutes; 85 with --large)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLog } from './generate-log.mjs';
import { writeSection } from './bench-doc.mjs';

const root = join(import.meta.dirname, '..');
// VITRINE_CLI: a copy of the CLI to run (dist/ may be rebuilt while this runs).
const cli = process.env.VITRINE_CLI ?? join(root, 'packages/cli/cli.js');
const work = mkdtempSync(join(tmpdir(), 'vitrine-scale-'));
const EVAL_CASES = 2000;

async function run(clicks, items) {
  const log = join(work, `log-${clicks}-${items}.txt`);
  await generateLog(log, { clicks, items, seed: 7 });
  console.error(`bench: ${clicks} clicks over ${items} items`);
  const started = Date.now();
  const out = execFileSync(process.execPath, [cli, 'train', '--events', log, '--format', 'sessions', '--out', join(work, `model-${items}`), '--epochs', '1', '--eval-cases', String(EVAL_CASES), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  const json = JSON.parse(out);
  rmSync(log);
  // What recommend() fetches beyond the page's rows: the popular file.
  const manifest = JSON.parse(readFileSync(join(work, `model-${items}`, 'manifest.json'), 'utf8'));
  const popular = manifest.files.find((f) => f.path === manifest.popular);
  const stages = Object.entries(json.train.stages);
  const sum = (prefix) => stages.filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
  return {
    clicks,
    items,
    wall: (Date.now() - started) / 1000,
    epoch: sum('training the LSTM'),
    evaluation: sum('evaluating'),
    tuning: sum('tuning'),
    neighbours: sum('counting'),
    rss: json.train.peak_rss_mb,
    cases: json.cases,
    softmax: json.train.softmax,
    validation: json.train.validation_cases,
    threads: json.train.evaluation_threads,
    recommend: json.recommend,
    popularBytes: popular?.bytes,
    hitrate: json.metrics.model.hitrate,
  };
}

const f = (x) => x.toFixed(0);
const pct = (x) => (x * 100).toFixed(2);
const line = (r) =>
  `| ${r.clicks.toLocaleString('en')} | ${r.items.toLocaleString('en')} | ${f(r.epoch)} | ${f(r.neighbours)} | ${f(r.tuning)} | ${f(r.evaluation)} | ${f(r.wall)} | ${r.rss.toLocaleString('en')} |`;
const header = `| clicks | items | one epoch | neighbours | blend tuning | evaluation | whole command | peak RSS (MB) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`;
const machine = () => `Machine: ${process.env.BENCH_MACHINE ?? '2 cores, no GPU'}, Node ${process.version}, tfjs WASM backend. Written ${new Date().toISOString().slice(0, 10)}.`;

// The ten-million-click run has a section of its own, written by --large and by --large-only.
const largeSection = (r) => `<!-- trainer-scale-large:start -->
### Ten million clicks over a million items

Reproduce: \`npm run build && node scripts/bench-trainer-scale.mjs --large-only\`. ${machine()}
The same command and log generator as the table above, at 10,000,000 clicks (${r.validation.toLocaleString('en')} validation cases;
${EVAL_CASES.toLocaleString('en')} test cases, evaluated on ${r.threads === 1 ? 'one thread' : `${r.threads} threads`}). Budget: one epoch ≤ 30 minutes (1,800 s), peak RSS ≤ 8 GB.

${header}
${line(r)}

One epoch: ${f(r.epoch)} s against 1,800 (${r.epoch <= 1800 ? 'met' : '**missed**'}); peak RSS ${r.rss.toLocaleString('en')} MB against 8,192 (${r.rss <= 8192 ? 'met' : '**missed**'}).
\`recommend()\` with the popular file alone: ${(100 * r.recommend.recall).toFixed(1)}% of the exact top 20, HitRate@20 ${pct(r.recommend.hitrate)} against ${pct(r.hitrate)} over the whole catalog.
<!-- trainer-scale-large:end -->`;

if (process.argv.includes('--large-only')) {
  writeSection(largeSection(await run(10_000_000, 1_000_000)), 'trainer-scale');
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

// The output layer, same run: rsc15-sample's full softmax (what auto picks there) against the sampled one;
// and the full softmax's run again with the evaluation on one thread, against the default two.
const rsc15 = join(root, '../shared/datasets/rsc15-sample');
const rsc15Run = (name, ...flags) => {
  console.error(`bench: rsc15-sample, ${flags.join(' ')}`);
  const out = execFileSync(
    process.execPath,
    [cli, 'train', '--events', join(rsc15, 'train.tsv'), '--test', join(rsc15, 'test.tsv'), '--format', 'rsc15', '--out', join(work, `rsc15-${name}`), ...flags, '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
  );
  return JSON.parse(out);
};
const softmax = ['full', 'sampled'].map((kind) => ({ kind, json: rsc15Run(kind, '--softmax', kind) }));
const oneThread = rsc15Run('one-thread', '--softmax', 'full', '--threads', '1');
const evaluation = (json) => Object.entries(json.train.stages).find(([k]) => k.startsWith('evaluating'));
const [twoStage, twoSeconds] = evaluation(softmax[0].json);
const [, oneSeconds] = evaluation(oneThread);

const rows = [];
for (const items of [10_000, 100_000, 1_000_000]) rows.push(await run(1_000_000, items));
const large = process.argv.includes('--large') ? await run(10_000_000, 1_000_000) : undefined;

const recall = (r) =>
  `| ${r.items.toLocaleString('en')} | ${r.recommend.pool} | ${(r.popularBytes / 1000).toFixed(1)} | ${(100 * r.recommend.recall).toFixed(1)}% | ${pct(r.recommend.hitrate)} | ${pct(r.hitrate)} |`;
const section = `<!-- trainer-scale:start -->
## Trainer at scale (generated logs)

Reproduce: \`npm run build && node scripts/bench-trainer-scale.mjs\`. ${machine()}
Logs from \`scripts/generate-log.mjs\` (Zipf popularity, sessions of 1 + geometric length, mean about 5). One epoch
each (\`--epochs 1\`, ${rows[0].softmax} softmax); the epoch's time includes its early-stopping validation (${rows.map((r) => r.validation.toLocaleString('en')).join(', ')} cases, each
ranking the whole catalog); evaluation is ${EVAL_CASES.toLocaleString('en')} test cases (\`--eval-cases\`) × 8 rankings of the whole catalog, on ${rows.every((r) => r.threads === 2) ? 'two threads (the default where the log holds at most 250,000 distinct items, as each of these does)' : `${rows.map((r) => r.threads).join(', ')} threads (two by default where the log holds at most 250,000 distinct items)`}, BPR-MF's training included. Times in seconds, memory is the process's peak RSS in MB.

| rsc15-sample, \`--softmax\` | LSTM alone HitRate@20 | MRR@20 | blend HitRate@20 | MRR@20 | epochs | training (s) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${softmax.map(({ kind, json }) => `| ${kind} | ${pct(json.metrics.lstm.hitrate)} | ${pct(json.metrics.lstm.mrr)} | ${pct(json.metrics.model.hitrate)} | ${pct(json.metrics.model.mrr)} | ${json.train.epochs} | ${f(json.train.seconds)} |`).join('\n')}

The sampled softmax (each target against the batch's shared negatives, drawn by popularity and logQ-corrected; see
\`vitrine train --help\`) is what \`--softmax auto\` uses on large catalogs; on this one, auto keeps the full softmax.

The test-set evaluation (${/\d+ rankings/.exec(twoStage)?.[0]} of ${softmax[0].json.cases.toLocaleString('en')} cases each) on two threads, the default here, took
${f(twoSeconds)} s; the same command with \`--threads 1\` ${f(oneSeconds)} s (${(oneSeconds / twoSeconds).toFixed(2)}×), with the same figures${JSON.stringify(oneThread.metrics) === JSON.stringify(softmax[0].json.metrics) ? '' : ' (**they differ**)'}.

${header}
${rows.map(line).join('\n')}

\`recommend()\` on a device that holds only the popular file's items and the history's (a visitor who has seen no
page yet), on the same test cases: how much of the exact whole-catalog top 20 (the exported model's blend over
every item) its top 20 holds, and its HitRate@20 beside the whole catalog's. The popular file is the only
request it adds, the same for every visitor.

| items | pool (popular file) | popular file (KB) | recall of the exact top 20 | recommend HitRate@20 | whole-catalog HitRate@20 |
| ---: | ---: | ---: | ---: | ---: | ---: |
${rows.filter((r) => r.recommend).map(recall).join('\n')}
<!-- trainer-scale:end -->`;

writeSection(section);
if (large) writeSection(largeSection(large), 'trainer-scale');
console.error("bench: wrote docs/benchmarks.md");
