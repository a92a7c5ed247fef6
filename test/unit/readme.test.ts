import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const budgets: { path: string; limit: string }[] = JSON.parse(readFileSync(join(root, '.size-limit.json'), 'utf8'));

test('the README quotes every size budget that CI enforces', () => {
  for (const { path, limit } of budgets) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${path}\``));
    expect(row, `README has no size row for ${path}`).toBeDefined();
    expect(row!.trim().endsWith(`| ${limit} |`), `README's budget for ${path} is not ${limit}`).toBe(true);
  }
});

test('the quick start is the two commands', () => {
  const quick = readme.split('## Quick start')[1].split('```sh')[1].split('```')[0].trim().split('\n');
  expect(quick.map((l) => l.split('#')[0].trim())).toEqual(['npm start', 'npm test']);
});
