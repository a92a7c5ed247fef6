// Where the trainer's memory goes: runs `vitrine train` on a log and samples the process's resident memory
// (/proc, every 200 ms; Linux) while each stage runs. Prints, per stage, the largest RSS seen and the RSS
// when it ended. Two logs that differ only in their catalog show what each stage holds per item.
// Usage: npm run build && node scripts/trainer-memory.mjs LOG [train flags...]
//   e.g. node scripts/trainer-memory.mjs log.txt --format sessions --epochs 1 --eval-cases 2000
// (VITRINE_CLI: a copy of the CLI to run. The model is written to a folder this script makes and removes.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [log, ...flags] = process.argv.slice(2);
if (!log) {
  console.error('usage: node scripts/trainer-memory.mjs LOG [train flags...]');
  process.exit(2);
}
const cli = process.env.VITRINE_CLI ?? join(import.meta.dirname, '..', 'packages/cli/cli.js');
const work = mkdtempSync(join(tmpdir(), 'vitrine-memory-'));
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
train.on('exit', (code) => {
  clearInterval(sample);
  rmSync(work, { recursive: true, force: true });
  console.log('| stage | largest RSS (MB) | RSS at its end (MB) |\n| --- | ---: | ---: |');
  for (const [name, mb] of largest) console.log(`| ${name} | ${Math.round(mb).toLocaleString('en')} | ${atEnd.has(name) ? Math.round(atEnd.get(name)).toLocaleString('en') : ''} |`);
  if (code !== 0) console.error(`vitrine train exited with ${code}`);
  process.exitCode = code ?? 1;
});
