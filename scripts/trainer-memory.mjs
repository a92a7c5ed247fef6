// Where the trainer's memory goes: runs `vitrine train` on a log and samples the process's resident memory
// (/proc, every 200 ms; Linux) while each stage runs: per stage, the largest RSS seen and the RSS when it ended.
// Usage: npm run build && node scripts/trainer-memory.mjs LOG [train flags...]
//   e.g. node scripts/trainer-memory.mjs log.txt --format sessions --epochs 1 --eval-cases 2000
// With --bench (about 16 minutes): 1,000,000 generated clicks over 10,000 and 100,000 items, on one and two
// evaluation threads; what each added item costs per stage, written to docs/benchmarks.md.
// (VITRINE_CLI: a copy of the CLI to run. Models and logs go to a folder this script makes and removes.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLog } from './generate-log.mjs';
import { writeSection } from './bench-doc.mjs';

const cli = process.env.VITRINE_CLI ?? join(import.meta.dirname, '..', 'packages/cli/cli.js');
const work = mkdtempSync(join(tmpdir(), 'vitrine-memory-'));

/** Runs `vitrine train` on `log`: the stages in order, each with its largest RSS and its RSS at its end (MB). */
function stageMemory(log, flags) {
  const train = spawn(process.execPath, [cli, 'train', '--events', log, '--out', join(work, 'model'), ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Stages as the CLI names them on stderr: "NAME ..." when one starts, "NAME: done in T" when it ends.
  let stage = 'starting';
  let rss = 0;
  const largest = new Map([[stage, 0]]);
  const atEnd = new Map();
  let pending = '';
  train.stderr.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) {
      if (line.endsWith(' ...')) largest.set((stage = line.slice(0, -4)), rss);
      else if (line.startsWith(`${stage}: done in `)) {
        atEnd.set(stage, rss);
        largest.set((stage = `between stages, after: ${stage.slice(0, 48)}`), rss);
      }
    }
  });
  const sample = setInterval(() => {
    try {
      rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${train.pid}/status`, 'utf8'))[1]) / 1024;
      largest.set(stage, Math.max(largest.get(stage) ?? 0, rss));
    } catch {
      // The process has just exited.
    }
  }, 200);
  return new Promise((resolve, reject) =>
    train.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) reject(new Error(`vitrine train exited with ${code}`));
      else resolve([...largest].map(([name, mb]) => ({ name, largest: mb, atEnd: atEnd.get(name) })));
    }),
  );
}

const mb = (x) => Math.round(x).toLocaleString('en');

async function bench() {
  // The stages compared, by how the CLI's stage names start (theirs carry counts that differ between logs).
  const STAGES = [
    ['reading the log', 'reading the log'],
    ['counting', 'counting popularity and co-occurrence'],
    ['training the LSTM', 'one LSTM epoch'],
    ['fitting the long-term', 'BPR fold-in'],
    ['tuning', 'tuning the blend'],
    ['evaluating', 'evaluation (8 rankings)'],
  ];
  const runs = [];
  for (const items of [10_000, 100_000]) {
    const log = join(work, `log-${items}.txt`);
    await generateLog(log, { clicks: 1_000_000, items, seed: 7 });
    const distinct = new Set(readFileSync(log, 'utf8').split(/\s+/).filter(Boolean)).size;
    for (const threads of [1, 2]) {
      console.error(`memory: 1,000,000 clicks over ${distinct} items, ${threads} evaluation thread(s)`);
      const stages = await stageMemory(log, ['--format', 'sessions', '--epochs', '1', '--eval-cases', '2000', '--threads', String(threads)]);
      const at = (prefix) => stages.find((s) => s.name.startsWith(prefix))?.largest ?? NaN;
      runs.push({ distinct, threads, at });
    }
    rmSync(log);
  }
  const run = (distinct, threads) => runs.find((r) => r.distinct === distinct && r.threads === threads);
  const [small, large] = [...new Set(runs.map((r) => r.distinct))];
  const added = large - small;
  const perItem = (threads, prefix) => ((run(large, threads).at(prefix) - run(small, threads).at(prefix)) * 2 ** 20) / added;
  // Growing with the catalog: the stages from the LSTM's on (reading and counting move with the GC's timing).
  const grows = (prefix) => !['reading', 'counting'].includes(prefix.split(' ')[0]);
  const rows = STAGES.map(
    ([prefix, label]) =>
      `| ${label} | ${mb(run(small, 1).at(prefix))} | ${mb(run(large, 1).at(prefix))} | ${grows(prefix) ? (Math.round(perItem(1, prefix) / 100) * 100).toLocaleString('en') : ''} | ${mb(run(small, 2).at(prefix))} | ${mb(run(large, 2).at(prefix))} | ${grows(prefix) ? (Math.round(perItem(2, prefix) / 100) * 100).toLocaleString('en') : ''} |`,
  );
  // What an item holds by construction (d = 64, float32): its item-table row with Adam's two moments and its
  // gradient; its neighbour lists, index and weight (30 on train by each of the two weightings validation
  // chooses between; 100 for item-kNN and the exported 30 on train + validation), packed.
  const table = 64 * 4 * 4;
  const neighbours = (30 + 30 + 100 + 30) * 8;
  const second = (distinct) => run(distinct, 2).at('evaluating') - run(distinct, 1).at('evaluating');
  const secondPerItem = ((second(large) - second(small)) * 2 ** 20) / added;
  const kb = (bytes) => (bytes / 1000).toFixed(1);
  const section = `<!-- trainer-memory:start -->
### Where the trainer's memory goes

Reproduce: \`npm run build && node scripts/trainer-memory.mjs --bench\` (for any log: \`node scripts/trainer-memory.mjs LOG [train flags]\`).
Written ${new Date().toISOString().slice(0, 10)}. Logs from \`scripts/generate-log.mjs\`: 1,000,000 clicks over ${small.toLocaleString('en')} and
${large.toLocaleString('en')} distinct items (catalogs of 10,000 and 100,000), one epoch, 2,000 test cases. The largest RSS while each stage
ran, in MB, on one and on two evaluation threads, and what each of the ${added.toLocaleString('en')} added items cost there, in bytes.

| stage | ${small.toLocaleString('en')} items, 1 thread | ${large.toLocaleString('en')} items, 1 thread | bytes per added item | ${small.toLocaleString('en')} items, 2 threads | ${large.toLocaleString('en')} items, 2 threads | bytes per added item |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

By construction an item holds its row of the item table with Adam's two moments and its gradient (64 floats
each: ${kb(table)} KB) and its neighbour lists (index and weight: 30 on the training part by count and 30 by distance, which validation chooses between;
100 for item-kNN and the exported 30 on training and validation: ${kb(neighbours)} KB); during the epoch it cost ${kb(perItem(1, 'training the LSTM'))} KB, the rest being tfjs's copies. The reading and counting
rows move with the garbage collector's timing, not with the catalog. The evaluation's second thread loads its own
copy of the model and the baselines: ${mb(second(small))} MB at ${small.toLocaleString('en')} items and ${kb(secondPerItem)} KB for each added item, which is why it is
not the default past 250,000 items. Nothing is held per pair of items or per batch × items.
<!-- trainer-memory:end -->`;
  writeSection(section, 'trainer-scale-large');
  console.log(section);
}

try {
  const [first, ...flags] = process.argv.slice(2);
  if (first === '--bench') await bench();
  else if (!first) {
    console.error('usage: node scripts/trainer-memory.mjs LOG [train flags...] | --bench');
    process.exitCode = 2;
  } else {
    console.log('| stage | largest RSS (MB) | RSS at its end (MB) |\n| --- | ---: | ---: |');
    for (const s of await stageMemory(first, flags)) console.log(`| ${s.name} | ${mb(s.largest)} | ${s.atEnd === undefined ? '' : mb(s.atEnd)} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
