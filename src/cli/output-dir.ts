import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from './usage-error.js';

// What the CLI may write over. It replaces only what it made itself: a model directory (its manifest.json
// says "vitrine-model") or an empty one, and a report file it wrote. Anything else at the path is the
// user's, and the command stops before it trains, naming the path.

/** The generator mark in every report the CLI writes; a file without it is not ours to overwrite. */
export const REPORT_MARK = '<meta name="generator" content="vitrine">';

/** The path as the file system resolves it (symbolic links followed), as far as it exists. */
async function real(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : resolve(await real(parent), relative(parent, abs));
  }
}

/** True when `inner` is `outer` or lies inside it. */
const within = (inner: string, outer: string) => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

/** A directory's manifest.json, parsed, when it is a Vitrine model's; else undefined. */
export async function modelManifest(dir: string): Promise<{ files?: unknown } | undefined> {
  try {
    const json = JSON.parse(await readFile(resolve(dir, 'manifest.json'), 'utf8'));
    return json !== null && typeof json === 'object' && json.format === 'vitrine-model' ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws a UsageError (exit 2) unless `out` is a path the CLI may write a model to: absent, an empty
 * directory, or a directory that holds a Vitrine model; never the working folder, one of its ancestors,
 * or a folder that holds one of `inputs`.
 */
export async function checkModelDir(out: string, inputs: readonly (string | undefined)[] = []): Promise<void> {
  const target = await real(out);
  const cwd = await real(process.cwd());
  if (within(cwd, target)) {
    throw new UsageError(`--out ${JSON.stringify(out)} is the working folder or holds it; name a folder of its own for the model, such as public/vitrine/model`);
  }
  for (const input of inputs) {
    if (input !== undefined && within(await real(input), target)) {
      throw new UsageError(`--out ${JSON.stringify(out)} holds the input ${JSON.stringify(input)}; name a folder of its own for the model`);
    }
  }
  let info;
  try {
    info = await stat(target);
  } catch {
    return; // absent: it will be made
  }
  if (!info.isDirectory()) throw new UsageError(`--out ${JSON.stringify(out)} is a file; expected a model directory (absent, empty, or one written by vitrine)`);
  if ((await readdir(target)).length === 0 || (await modelManifest(target))) return;
  throw new UsageError(
    `--out ${JSON.stringify(out)} is a folder that holds other files and no Vitrine model (no manifest.json with "format": "vitrine-model"); ` +
      'vitrine replaces only a model directory it wrote, or an empty one: name a new folder',
  );
}

/** Throws a UsageError unless `file` is absent or a report the CLI wrote (it carries REPORT_MARK). */
export async function checkReportFile(file: string): Promise<void> {
  let text: string;
  try {
    if (!(await stat(file)).isFile()) throw new UsageError(`--report ${JSON.stringify(file)} is not a file; expected the path of an HTML report to write`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return; // absent
  }
  if (!text.includes(REPORT_MARK)) {
    throw new UsageError(`--report ${JSON.stringify(file)} exists and is not a report vitrine wrote; name another file`);
  }
}

/** Where the report goes by default: beside the model directory, never in it (it would be deployed with it). */
export const defaultReport = (out: string) => `${out.replace(/[\\/]+$/, '')}.report.html`;
