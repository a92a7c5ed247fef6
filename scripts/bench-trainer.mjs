// Trainer benchmarks: trains on the shared datasets and on a generated 1M-click log, and writes the
// figures into docs/benchmarks.md between the trainer markers. Needs ../shared/datasets (not shipped).
// Usage: npm run bench:trainer   (about 35 minutes on 2 cores)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSection } from './bench-doc.mjs';

const root = join(import.meta.dirname, '..');
const data = join(root, '../shared/datasets');
// VITRINE_CLI: a copy of the built CLI, so that dist/ can be rebuilt while the benchmark runs.
const cli = process.env.VITRINE_CLI ?? join(root, 'packages/cli/cli.js');
const work = mkdtempSync(join(tmpdir(), 'vitrine-bench-'));

function train(name, args) {
  const out = join(work, name);
  console.error(`bench: ${name}: vitrine train ${args.join(' ')}`);
  const started = Date.now();
  const json = JSON.parse(execFileSync(process.execPath, [cli, 'train', ...args, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }));
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const core = statSync(join(out, manifest.weights[0].paths[0])).size;
  const r = manifest.rows;
  const rowBytes = 16 + r.dim + r.neighbours + 2 * r.categories + Math.ceil((r.neighbours * r.refBits) / 8);
  const rowFiles = r.files.reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
  return { json, wall: (Date.now() - started) / 1000, items: manifest.itemCount, core, rowBytes, bucket: r.bucketRows * rowBytes + 4, rowFiles };
}

// A generated click log of 1M clicks over 3,000 items: 300 groups of 10, visitors mostly moving to the
// next item of a group. Used only for the time of one epoch.
function generatedLog(clicks) {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [];
  let n = 0;
  while (n < clicks) {
    const g = Math.floor(random() * 300);
    let k = Math.floor(random() * 10);
    const len = 2 + Math.floor(random() * 8);
    const items = [];
    for (let i = 0; i < len; i++, n++) {
      items.push(`i${g * 10 + k}`);
      k = random() < 0.8 ? (k + 1) % 10 : Math.floor(random() * 10);
    }
    lines.push(items.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

const pct = (x) => (x * 100).toFixed(2);
const days = (x) => `${x} day${x === 1 ? '' : 's'}`;
const NAMES = { model: 'Vitrine model (blend, as exported)', lstm: 'LSTM alone', neighbourhood: 'session neighbourhood alone', pop: 'POP', spop: 'S-POP', itemknn: 'item-kNN', bprmf: 'BPR-MF', longterm: 'long-term profile alone', historyknn: 'item-kNN over the whole history', noprototype: 'Vitrine model without the thin-history prototype', float32: 'before export (float32)' };
const table = (r, cols) =>
  [`| | ${cols.map((c) => c[0]).join(' | ')} |`, `| --- | ${cols.map(() => '---:').join(' | ')} |`,
    ...Object.keys(r.json.metrics).map((k) => `| ${NAMES[k] ?? k} | ${cols.map((c) => pct(c[1](r.json, k))).join(' | ')} |`)].join('\n');
const visit = (r, k) => `${pct(r.json.visitors[k].returning.hitrate)} / ${pct(r.json.visitors[k].returning.mrr)}`;
const visitorsTable = (r) => {
  const v = r.json.visitors;
  return [`| | returning visitors (${v.model.returning.cases} cases) | first sessions (${v.model.first.cases} cases) |`, '| --- | ---: | ---: |',
    ...Object.keys(v).map((k) => `| ${NAMES[k] ?? k} | ${visit(r, k)} | ${pct(v[k].first.hitrate)} / ${pct(v[k].first.mrr)} |`)].join('\n');
};
const neighboursLine = ({ weighting, objective }) =>
  `neighbours weighted by ${weighting === 'distance' ? '1 / the distance of two items in a session' : 'count of sessions'} (validation HitRate@20 + MRR@20: ${Object.entries(objective).map(([w, o]) => `${w} ${(o * 100).toFixed(2)}`).join(', ')})`;
const trainLine = (r) => `blend ${JSON.stringify(r.json.train.blend)}${r.json.train.choices?.length ? ` (${r.json.train.choices.join('; ')})` : ''}; ${neighboursLine(r.json.train.neighbours)}; ${r.json.train.epochs} epochs in ${r.json.train.seconds.toFixed(0)} s (${r.json.train.clicks_per_second} clicks/s), whole command ${r.wall.toFixed(0)} s, peak memory ${r.json.train.peak_rss_mb} MB`;
const sizeLine = (r) => {
  const rec = r.json.recommend;
  return (
    `model format 2: core ${(r.core / 1024).toFixed(0)} KB; item rows of ${r.rowBytes} B (a page fetches one ${r.bucket} B bucket per item), ${(r.rowFiles / 1048576).toFixed(1)} MB of row files for ${r.items} items` +
    (rec ? `. recommend() on a device that holds only the popular file's ${rec.pool} items and the history's (no page seen): its top 20 holds ${(100 * rec.recall).toFixed(1)}% of the exact whole-catalog top 20, HitRate@20 ${(100 * rec.hitrate).toFixed(2)}%` : '')
  );
};

const rsc = train('rsc15', ['--events', join(data, 'rsc15-sample/train.tsv'), '--test', join(data, 'rsc15-sample/test.tsv'), '--format', 'rsc15']);
const ml = train('ml', ['--events', join(data, 'ml-latest-small/ratings.csv'), '--items', join(data, 'ml-latest-small/movies.csv'), '--format', 'movielens']);
// The long-term half-life (days), measured on MovieLens's returning visitors: the one tuned on validation
// (the default) against 1, 14 and none, each fixed.
const mlHalfLife = [1, 14, 100000].map((days) => ({ days, r: train(`ml-half-life-${days}`, ['--events', join(data, 'ml-latest-small/ratings.csv'), '--items', join(data, 'ml-latest-small/movies.csv'), '--format', 'movielens', '--half-life-days', String(days)]) }));
// Negative feedback: the same log read without its dislikes (ratings <= 2), against the default that reads them.
const mlNoDislikes = train('ml-no-dislikes', ['--events', join(data, 'ml-latest-small/ratings.csv'), '--items', join(data, 'ml-latest-small/movies.csv'), '--format', 'movielens', '--dislike-rating', '0']);
const tmall = train('tmall', ['--events', join(data, 'tmall-sessions/train.txt'), '--test', join(data, 'tmall-sessions/test.txt'), '--format', 'sessions']);
writeFileSync(join(work, 'million.txt'), generatedLog(1_000_000));
const million = train('million', ['--events', join(work, 'million.txt'), '--format', 'sessions', '--epochs', '1']);

/** How far this run's baselines are from the datasets README's reference figures, as measured. */
function referenceLine(r, reference = { pop: ['POP', 8.94, 2.64], spop: ['S-POP', 38.13, 26.55], itemknn: ['item-kNN', 38.56, 17.85] }) {
  const diffs = Object.entries(reference).map(([k, [name, hit, mrr]]) => {
    const d = [r.json.metrics[k].hitrate * 100 - hit, r.json.metrics[k].mrr * 100 - mrr].map((x) => (Math.abs(x) < 0.005 ? '±0.00' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`));
    return `${name} ${d[0]} / ${d[1]}`;
  });
  return `This run minus the reference, in points: ${diffs.join(', ')} (ties among equal scores are broken by popularity here).`;
}

const section = `<!-- trainer:start -->
## Trainer

Reproduce: \`npm run bench:trainer\` (builds nothing; run \`npm run build\` first). Machine: ${process.env.BENCH_MACHINE ?? '2 cores, no GPU'}, Node ${process.version}, tfjs WASM backend. Written ${new Date().toISOString().slice(0, 10)}.

### rsc15-sample (train.tsv, test.tsv): ${rsc.json.cases} test cases, full ranking over ${rsc.items} items

${table(rsc, [['HitRate@20', (j, k) => j.metrics[k].hitrate], ['MRR@20', (j, k) => j.metrics[k].mrr], ['HitRate@10', (j, k) => j.at10[k].hitrate], ['NDCG@10', (j, k) => j.at10[k].ndcg], ['top-20 popularity percentile', (j, k) => j.popularity[k]]])}

Reference baselines on this split (datasets README): POP 8.94 / 2.64, S-POP 38.13 / 26.55, item-kNN 38.56 / 17.85,
the recency-weighted neighbourhood hybrid 66.88 / 32.86 (HitRate@20 / MRR@20). ${referenceLine(rsc)}

Training: ${trainLine(rsc)}. ${sizeLine(rsc)}.

### ml-latest-small (ratings >= 4 the events, ratings <= 2 dislikes, each user's last 20% by time held out): ${ml.json.cases} test cases over ${ml.items} items

${table(ml, [['HitRate@10', (j, k) => j.at10[k].hitrate], ['NDCG@10', (j, k) => j.at10[k].ndcg], ['HitRate@20', (j, k) => j.metrics[k].hitrate], ['MRR@20', (j, k) => j.metrics[k].mrr], ['top-20 popularity percentile', (j, k) => j.popularity[k]], ['intent share @10', (j, k) => j.intent[k].at10], ['intent share @20', (j, k) => j.intent[k].at20]])}

Intent share: over the ${ml.json.intent.model.cases} test cases whose last 3 items share a genre, that genre's share of the top 10 / 20 (the catalog's own share: ${pct(ml.json.intent.model.catalog)}%). Popularity percentile: the mean share of the catalog less popular than a top-20 item.

Returning visitors (cases whose user has events before the current session, the browser's 30-minute
gap) apart from first sessions, HitRate@20 / MRR@20 (%). The long-term profile alone is its three terms as
the blend weighs them (seen ${ml.json.train.blend.seen ?? 0}, history ${ml.json.train.blend.history ?? 0}, long ${ml.json.train.blend.long}); BPR-MF (the user's learned
factors) and item-kNN over the whole history rank the items the history holds last, as the profile's
\`seen\` learned to:

${visitorsTable(ml)}

The long-term half-life: tuned on validation by default (${days(ml.json.train.blend.halfLife)} here), and fixed with \`--half-life-days\` (HitRate@20 / MRR@20 of returning visitors' cases, %):

| half-life | long-term profile alone | Vitrine model (blend) | blend tuned |
| --- | ---: | ---: | --- |
${[{ days: 'tuned', r: ml }, ...mlHalfLife].map(({ days: d, r }) => `| ${d === 'tuned' ? `tuned: ${days(r.json.train.blend.halfLife)}` : d === 100000 ? 'none (100,000 days)' : days(d)} | ${visit(r, 'longterm')} | ${visit(r, 'model')} | seen ${r.json.train.blend.seen ?? 0}, history ${r.json.train.blend.history ?? 0}, long ${r.json.train.blend.long}, category ${r.json.train.blend.category} |`).join('\n')}

Negative feedback: the ${ml.json.train.dislikes} ratings at or below 2 are read as dislikes (\`--dislike-rating\`, default 2): each case's history holds those given before its event, as a visitor's would. Against the same log read without them (\`--dislike-rating 0\`), the same test cases (%):

| | HitRate@20 | MRR@20 | returning visitors: HitRate@20 / MRR@20 | intent share @20 | top-20 popularity percentile | blend tuned |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
${[['with dislikes (default)', ml], ['without', mlNoDislikes]].map(([name, r]) => `| ${name} | ${pct(r.json.metrics.model.hitrate)} | ${pct(r.json.metrics.model.mrr)} | ${visit(r, 'model')} | ${pct(r.json.intent.model.at20)} | ${pct(r.json.popularity.model)} | dislike ${r.json.train.blend.dislike ?? '(absent: 0.3)'}, seen ${r.json.train.blend.seen ?? 0}, history ${r.json.train.blend.history ?? 0}, long ${r.json.train.blend.long}, category ${r.json.train.blend.category}, half-life ${r.json.train.blend.halfLife} |`).join('\n')}

Training: ${trainLine(ml)}. ${sizeLine(ml)}.

### tmall-sessions (train.txt, test.txt): ${tmall.json.cases} test cases, full ranking over ${tmall.items} items

${table(tmall, [['HitRate@20', (j, k) => j.metrics[k].hitrate], ['MRR@20', (j, k) => j.metrics[k].mrr], ['HitRate@10', (j, k) => j.at10[k].hitrate], ['NDCG@10', (j, k) => j.at10[k].ndcg], ['top-20 popularity percentile', (j, k) => j.popularity[k]]])}

Reference figures on this split (datasets README, HitRate@20 / MRR@20): POP 1.97 / 0.90, S-POP 45.78 / 22.74, item-kNN 8.83 / 2.98,
the co-occurrence + repeat hybrid 49.60 / 23.42; published SR-GNN 27.57 / 13.72, GCE-GNN 33.42 / 15.42.
${referenceLine(tmall, { pop: ['POP', 1.97, 0.9], spop: ['S-POP', 45.78, 22.74], itemknn: ['item-kNN', 8.83, 2.98] })}

Training: ${trainLine(tmall)} (${tmall.json.train.softmax} softmax; budget for the whole command: 15 minutes). ${sizeLine(tmall)}.

### Throughput: a generated log of 1,000,000 clicks over 3,000 items, one epoch

${million.json.train.clicks_per_second} clicks/s: one epoch took ${million.json.train.seconds.toFixed(0)} s over the log's training part (81% of it), ${(1e6 / million.json.train.clicks_per_second / 60).toFixed(1)} minutes per million clicks (budget: 3). Peak memory ${million.json.train.peak_rss_mb} MB.
<!-- trainer:end -->`;

writeSection(section);
console.error("bench: wrote docs/benchmarks.md");
