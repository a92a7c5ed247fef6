import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeModel, type ModelContents, type WriteStep } from '../../src/cli/write-model.js';
import { plantedLog } from '../fixtures/planted.js';

// The CLI writes over nothing it did not make. Run as the built bin (its own working folder, its own exit
// code), so `--out .` really is the working folder.
const cli = join(import.meta.dirname, '../../packages/cli/cli.js');
const run = (args: string[], cwd: string) =>
  promisify(execFile)(process.execPath, [cli, ...args], { cwd }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

/** Every file under `dir` with its contents, to show nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = await readFile(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

let site: string;
beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'vitrine-site-'));
  await writeFile(join(site, 'log.tsv'), plantedLog(60));
  await mkdir(join(site, 'public', 'css'), { recursive: true });
  await writeFile(join(site, 'public', 'index.html'), '<h1>shop</h1>');
  await writeFile(join(site, 'public', 'css', 'shop.css'), 'h1{}');
  await writeFile(join(site, 'public', '.env'), 'SECRET=1');
  await writeFile(join(site, 'notes.txt'), 'mine');
});

describe('vitrine train refuses to write over what it did not make, before training', () => {
  const cases: [string, string, RegExp][] = [
    ['a site folder with other files', 'public', /--out "public" is a folder that holds other files and no Vitrine model/],
    ['the working folder', '.', /--out "\." is the working folder or holds it/],
    ['an ancestor of the working folder', '..', /--out "\.\." is the working folder or holds it/],
    ['a file', 'notes.txt', /--out "notes\.txt" is a file; expected a model directory/],
  ];
  for (const [what, out, message] of cases) {
    test(what, async () => {
      const before = await snapshot(site);
      const r = await run(['train', '--events', 'log.tsv', '--format', 'rsc15', '--out', out], site);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/training|read \d+ interactions/);
      expect(await snapshot(site)).toEqual(before);
    });
  }

  test('a folder that holds an input', async () => {
    const dir = join(site, 'data');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'log.tsv'), plantedLog(60));
    const r = await run(['train', '--events', 'data/log.tsv', '--format', 'rsc15', '--out', 'data'], site);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out "data" holds the input "data\/log\.tsv"/);
  });

  test('a report file that vitrine did not write', async () => {
    const r = await run(['train', '--events', 'log.tsv', '--format', 'rsc15', '--out', 'model', '--report', 'notes.txt'], site);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--report "notes\.txt" exists and is not a report vitrine wrote/);
    expect(await readFile(join(site, 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('import follows the same rules', async () => {
    await writeFile(join(site, 'vectors.csv'), 'a,1,0\nb,0,1\n');
    const before = await snapshot(site);
    const r = await run(['import', '--embeddings', 'vectors.csv', '--out', 'public'], site);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out "public" is a folder that holds other files/);
    expect(await snapshot(site)).toEqual(before);
  });
});

const model = (ids: string[]): ModelContents => ({
  ids,
  tensors: { item_embeddings: { values: Float32Array.from(ids.flatMap((_, i) => [i, 1])), shape: [ids.length, 2] } },
});

/** What `vitrine inspect` says of a directory: whether every file verifies, and how many items. */
async function verify(dir: string) {
  const lines: string[] = [];
  const code = await main(['inspect', dir], (l) => lines.push(l));
  return { code, items: Number(/items\s+(\d+)/.exec(lines.join('\n'))?.[1]) };
}

describe('replacing a model is atomic', () => {
  test('a model directory is replaced; files that are not the model stay', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
    await writeModel(dir, model(['a', 'b']));
    const oldFiles = await readdir(dir);
    await writeFile(join(dir, 'README.txt'), 'kept');
    await writeModel(dir, model(['a', 'b', 'c']));
    expect(await verify(dir)).toEqual({ code: 0, items: 3 });
    const now = await readdir(dir);
    expect(now).toContain('README.txt');
    // The old model's data files are gone (but for one with the same content, and so the same name), the manifest is the new one's.
    const listed: string[] = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).files.map((f: { path: string }) => f.path);
    for (const f of oldFiles) if (f !== 'manifest.json' && !listed.includes(f)) expect(now).not.toContain(f);
    expect(now.filter((f) => !f.startsWith('.')).sort()).toEqual(['README.txt', 'manifest.json', ...listed].sort());
  });

  // A crash is a stop with no clean-up: the step hook throws and nothing after it runs.
  for (const at of ['files', 'manifest', 'swap', 'cleanup'] satisfies WriteStep[]) {
    test(`a crash at "${at}" leaves the old model or the new one, whole`, async () => {
      const dir = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'model');
      await writeModel(dir, model(['a', 'b']));
      const crash = (s: WriteStep) => {
        if (s === at) throw new Error('crash');
      };
      await expect(writeModel(dir, model(['a', 'b', 'c']), crash)).rejects.toThrow('crash');
      const { code, items } = await verify(dir);
      expect(code).toBe(0);
      expect(items).toBe(at === 'cleanup' ? 3 : 2);
      // And the next write completes.
      await writeModel(dir, model(['x', 'y', 'z', 'w']));
      expect(await verify(dir)).toEqual({ code: 0, items: 4 });
    });
  }
});
