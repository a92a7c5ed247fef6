import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TINY_ITEMS_FILE, TINY_MODEL_DIR, copyOfTinyModel } from './model-files.js';

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
}

test('inspect summarises the tiny model and verifies its hashes', async () => {
  const { code, text } = await run(['inspect', TINY_MODEL_DIR]);
  expect(code).toBe(0);
  expect(text).toMatch(/items\s+6/);
  expect(text).toMatch(/dimensions\s+4/);
  expect(text).toMatch(/item_embeddings \[6×4\] float32/);
  expect(text).toMatch(/weights-[0-9a-f]{16}\.bin\s+96 B\s+sha256 ok/);
});

test('inspect prints a trained model\'s metrics as tables', async () => {
  const { code, text } = await run(['inspect', join(import.meta.dirname, '../fixtures/planted-model')]);
  expect(code).toBe(0);
  expect(text).toMatch(/^metrics {5}on \d+ held-out cases, full ranking$/m);
  expect(text).toMatch(/^\| @20 \(%\) \| HitRate \| MRR \| NDCG \| Precision \| Recall \| F1 \|$/m);
  expect(text).toMatch(/^\| POP \| [\d.]+ \|/m);
  expect(text).not.toMatch(/\{"k":/);
});

test('inspect exits 1 and names the file whose hash does not match', async () => {
  const dir = await copyOfTinyModel();
  const items = await readFile(join(dir, TINY_ITEMS_FILE), 'utf8');
  await writeFile(join(dir, TINY_ITEMS_FILE), items.replace('"a"', '"z"'));
  const { code, text } = await run(['inspect', dir]);
  expect(code).toBe(1);
  expect(text).toMatch(/items-[0-9a-f]{16}\.json\s+33 B\s+sha256 MISMATCH/);
});

test('usage errors exit 2 and say what was expected', async () => {
  expect((await run(['inspect', '/no/such/dir'])).code).toBe(2);
  expect((await run(['inspect'])).code).toBe(2);
  expect((await run(['frobnicate'])).code).toBe(2);
  expect((await run(['inspect', '--bogus', TINY_MODEL_DIR])).code).toBe(2);
  expect((await run(['--help'])).text).toMatch(/Usage: vitrine <command>/);
});

test('the built bin runs under plain Node', async () => {
  const cli = join(import.meta.dirname, '../../packages/cli/cli.js');
  expect(existsSync(cli), 'packages/cli/cli.js is missing: run `npm run build` first').toBe(true);
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'inspect', TINY_MODEL_DIR]);
  expect(stdout).toMatch(/format\s+vitrine-model v1/);
  const bad = await promisify(execFile)(process.execPath, [cli, 'inspect', '/no/such/dir']).catch((e) => e);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/\/no\/such\/dir\/manifest\.json: not found; expected a model directory/);
});
