// Makes a fresh checkout runnable: installs dependencies when node_modules is missing or stale, then
// builds dist/ and the SPA example when missing or older than the sources (always with --build).
// Plain Node, no dependencies.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((m, e) => Math.max(m, mtime(join(e.parentPath, e.name))), 0);

const installed = join(root, 'node_modules/.package-lock.json');
if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
  console.log('vitrine: installing dependencies (npm ci)');
  run('npm ci --no-audit --no-fund');
}
const built = mtime(join(root, 'dist/vitrine.min.js'));
const sources = Math.max(newest(join(root, 'src')), mtime(join(root, 'rollup.config.mjs')), mtime(join(root, 'package.json')));
const spa = mtime(join(root, 'demo/spa/build/app.js'));
if (process.argv.includes('--build') || built < sources || spa < Math.max(sources, mtime(join(root, 'demo/spa/main.js')))) {
  console.log('vitrine: building dist/');
  run('npx rollup -c --silent');
}
