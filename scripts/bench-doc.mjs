// docs/benchmarks.md is written by the benchmarks, a section each between `<!-- name:start -->` and
// `<!-- name:end -->`: replaced where it stands, else added after the section `after` or at the end.
import { readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS = new URL('../docs/benchmarks.md', import.meta.url);

/** Writes `section` (which starts with its `<!-- name:start -->` line) into docs/benchmarks.md. */
export function writeSection(section, after) {
  const name = /^<!-- ([\w-]+):start -->/.exec(section)?.[1];
  if (!name) throw new Error(`a section of docs/benchmarks.md starts with <!-- name:start -->, got ${JSON.stringify(section.slice(0, 40))}`);
  let doc;
  try {
    doc = readFileSync(BENCHMARKS, 'utf8');
  } catch {
    doc = '# Benchmarks\n\nMedians of repeated runs where a figure is a time; every figure with the command that reproduces it.\n';
  }
  const old = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);
  const end = after && `<!-- ${after}:end -->`;
  // (Replaced by functions: a `$` in a section is text, not a replacement pattern.)
  if (old.test(doc)) doc = doc.replace(old, () => section);
  else if (end && doc.includes(end)) doc = doc.replace(end, () => `${end}\n\n${section}`);
  else doc = `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(BENCHMARKS, doc);
}
