// The published packages as a user gets them: `vitrine` (the browser SDK) and `vitrine-cli` (the trainer),
// packed from the build, linted (publint, arethetypeswrong), published dry, and compiled against by a strict
// TypeScript consumer. Needs `npm run build` (npm test builds first).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cliPkg = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
const npm = (args: string[], cwd = root) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let dir: string;
let tarball: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vitrine-pack-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir]));
  tarball = join(dir, packed.filename);
  files = packed.files.map((f: { path: string }) => f.path);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the SDK package holds the built files every export names, and no source maps, CLI or sources', () => {
  const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  for (const target of targets) expect(files, `exports names ${target}`).toContain(target.replace(/^\.\//, ''));
  // The engine chunk finds its binaries beside itself.
  expect(files).toEqual(expect.arrayContaining(['dist/vitrine-engine.js', 'dist/tfjs-backend-wasm.wasm', 'dist/tfjs-backend-wasm-simd.wasm', 'CHANGELOG.md']));
  expect(files.filter((f) => /\.map$|cli\.js$|^src\/|threaded/.test(f))).toEqual([]);
  expect(pkg.private).toBeUndefined();
  expect(pkg.bin).toBeUndefined();
});

test("the SDK installs none of the trainer's dependencies; TensorFlow.js and React are optional peers", () => {
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['@noble/hashes', 'idb']);
  for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.peerDependenciesMeta[peer], peer).toEqual({ optional: true });
  // What the ES build imports from outside itself is a dependency or an optional peer.
  const allowed = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
  for (const file of files.filter((f) => /^dist\/[^/]+\.js$/.test(f) && !/vitrine(\.min|-engine)\.js$/.test(f))) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
      expect(allowed.some((dep) => spec === dep || spec.startsWith(`${dep}/`)), `${file} imports ${spec}`).toBe(true);
    }
  }
  // The engine chunk and the script tag import nothing by name: tfjs is bundled in.
  for (const file of ['dist/vitrine-engine.js', 'dist/vitrine.min.js']) {
    expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/(?:^|[;}])\s*import\s*[^(]*?from\s*"[^".]/);
  }
});

test('the CLI package declares what its build imports, at the versions the repository tests', () => {
  const source = readFileSync(join(root, 'packages/cli/cli.js'), 'utf8');
  const imported = new Set([...source.matchAll(/^import (?:.* from )?'([^'.][^']*)';$/gm)].map(([, spec]) => spec).filter((s) => !s.startsWith('node:')));
  const names = [...imported].map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
  expect([...new Set(names)].sort()).toEqual(Object.keys(cliPkg.dependencies).sort());
  for (const [dep, range] of Object.entries(cliPkg.dependencies)) expect(range, dep).toBe(pkg.devDependencies[dep] ?? pkg.dependencies[dep]);
  expect(cliPkg.version).toBe(pkg.version);
  expect(cliPkg.bin).toEqual({ vitrine: 'cli.js' }); // npm publish drops a bin written './cli.js'
  expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('publint and arethetypeswrong find nothing in the packed SDK', () => {
  const lint = execFileSync(bin('publint'), ['--strict', tarball], { encoding: 'utf8' });
  expect(lint).toContain('All good!');
  // An ES-module package for browsers: CommonJS and node10 resolution are out of scope. The script tag's
  // two files are exported for hosting (a bundler's `?url`), not for typed imports.
  // attw exits non-zero on any problem in the resolutions checked (execFileSync then throws, with its report).
  const attw = execFileSync(bin('attw'), [tarball, '--profile', 'esm-only', '--exclude-entrypoints', 'vitrine.min.js', 'vitrine-engine.js', '--format', 'table-flipped', '--no-color'], { encoding: 'utf8' });
  expect(attw).toMatch(/"vitrine\/react"/);
}, 60_000);

test('npm publish --dry-run succeeds for both packages with nothing to warn but the missing login', () => {
  const dryRun = (cwd: string) => execFileSync('sh', ['-c', 'npm publish --dry-run 2>&1'], { cwd, encoding: 'utf8' });
  const warnings = (out: string) => out.split('\n').filter((l) => /^npm (warn|error)/i.test(l) && !/requires you to be logged in/.test(l));
  const sdk = dryRun(root);
  expect(warnings(sdk)).toEqual([]);
  expect(sdk).toContain(`+ vitrine@${pkg.version}`);
  const cli = dryRun(join(root, 'packages/cli'));
  expect(warnings(cli)).toEqual([]);
  expect(cli).toContain(`+ vitrine-cli@${pkg.version}`);
  expect(cli).toMatch(/total files: 3/); // cli.js, README.md, package.json
}, 60_000);

test('the published types compile in a strict consumer (skipLibCheck off, no Node types)', () => {
  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', join(app, 'node_modules')]);
  execFileSync('mv', [join(app, 'node_modules/package'), join(app, 'node_modules/vitrine')]);
  writeFileSync(
    join(app, 'main.ts'),
    [
      "import { createVitrine, startVitrine, type Ranked, type Vitrine } from 'vitrine';",
      "import * as shared from 'vitrine/shared-tfjs';",
      "import { useRanked, VitrineProvider } from 'vitrine/react';",
      "const v: Vitrine = await createVitrine({ model: '/model/', backend: 'auto' });",
      "const r: Ranked[] = await v.rank(['a', 'b']);",
      "const s = await startVitrine({ model: '/model/', loadModel: 'idle' });",
      'await s.loaded;',
      "const viaShared: shared.Ranked[] = r;",
      "void shared.createVitrine; void useRanked; void VitrineProvider; void viaShared;",
      'export {};',
    ].join('\n'),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: [],
        // The optional peers' types, from this repository's node_modules.
        typeRoots: [],
        baseUrl: '.',
        paths: { react: [join(root, 'node_modules/@types/react')], '@tensorflow/*': [join(root, 'node_modules/@tensorflow/*')] },
      },
      files: ['main.ts'],
    }),
  );
  const result = (() => {
    try {
      return execFileSync(bin('tsc'), ['-p', app], { encoding: 'utf8' });
    } catch (e) {
      return (e as { stdout: string }).stdout;
    }
  })();
  expect(result).toBe('');
}, 60_000);
