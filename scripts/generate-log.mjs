// A synthetic click log in the sessions format (one session per line, item ids separated by spaces), for
// the trainer's scaling benchmarks: item popularity by a power law (Zipf, exponent 1), session lengths of a
// shop (1 + geometric, mean about 5, at most 50), and structure to learn: a visitor mostly moves to one of
// a few "companions" of the item in view, else jumps to a popular item or repeats one.
// Usage: node scripts/generate-log.mjs --clicks N --items M --out FILE [--seed S]
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

/** Writes the log and resolves with the number of sessions. */
export async function generateLog(file, { clicks, items, seed = 1 }) {
  let state = seed >>> 0 || 1;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  // Zipf by inverse CDF over the harmonic numbers: rank r has weight 1/(r+1).
  const cdf = new Float64Array(items);
  let total = 0;
  for (let r = 0; r < items; r++) cdf[r] = total += 1 / (r + 1);
  const popular = () => {
    const u = random() * total;
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Ranks are shuffled into ids so that popularity is not the id order.
  const id = Uint32Array.from({ length: items }, (_, i) => i);
  for (let i = items - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [id[i], id[j]] = [id[j], id[i]];
  }
  const companion = (item) => (item + 1 + Math.floor(random() * 4) * 7919) % items;
  const out = createWriteStream(file);
  let written = 0;
  let sessions = 0;
  let lines = [];
  while (written < clicks) {
    let length = 1;
    while (length < 50 && random() < 0.8) length++;
    length = Math.min(length, clicks - written);
    const session = [popular()];
    for (let i = 1; i < length; i++) {
      const u = random();
      session.push(u < 0.6 ? companion(session[i - 1]) : u < 0.8 ? session[Math.floor(random() * i)] : popular());
    }
    lines.push(session.map((r) => id[r]).join(' '));
    written += length;
    sessions++;
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve));
      lines = [];
    }
  }
  out.write(lines.length ? `${lines.join('\n')}\n` : '');
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return sessions;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { clicks: { type: 'string' }, items: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } } });
  if (!values.clicks || !values.items || !values.out) {
    console.error('usage: node scripts/generate-log.mjs --clicks N --items M --out FILE [--seed S]');
    process.exit(2);
  }
  const sessions = await generateLog(values.out, { clicks: Number(values.clicks), items: Number(values.items), seed: Number(values.seed ?? 1) });
  console.error(`wrote ${values.out}: ${values.clicks} clicks in ${sessions} sessions over ${values.items} items`);
}
