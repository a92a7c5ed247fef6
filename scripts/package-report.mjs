// What `npm install vitrine` costs an app, and what its bundler builds from it: installs the packed SDK into an
// empty app with npm (from the registry, scripts off) and counts node_modules; builds examples/ with Vite and
// webpack (scripts/build-examples.mjs) and lists the chunks; writes the package section of docs/benchmarks.md.
// Usage: npm run bench:size  (or: node scripts/package-report.mjs [--before OLD.tgz] to add a row for an older tarball)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BENCHMARKS, writeSection } from './bench-doc.mjs';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { before: { type: 'string' } } });
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

execFileSync(process.execPath, [join(root, 'scripts/build-examples.mjs')], { cwd: root, stdio: 'inherit' });
const examples = join(root, 'test-results/examples');
const tarball = join(examples, readdirSync(examples).find((f) => f.endsWith('.tgz')));

/** Bytes of the files under `dir` (as on disk, apparent sizes). */
function bytesUnder(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

/** Installs `tgz` into an empty app and measures its node_modules. */
function install(tgz) {
  const app = mkdtempSync(join(tmpdir(), 'vitrine-install-'));
  try {
    writeFileSync(join(app, 'package.json'), '{ "name": "empty-app", "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tgz], { cwd: app, stdio: 'ignore' });
    const lock = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8'));
    const packages = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
    return { packages: packages.length, bytes: bytesUnder(join(app, 'node_modules')), names: packages.map((p) => p.slice('node_modules/'.length)) };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

const now = install(tarball);
const before = values.before ? install(values.before) : undefined;
const sizes = JSON.parse(readFileSync(join(examples, 'sizes.json'), 'utf8'));
const engineGzip = (files) => Object.entries(files).find(([f]) => f.startsWith('engine: '))[1].gzip;
const secondStage = gzipSync(readFileSync(join(root, 'dist/vitrine-engine.js')), { level: 9 }).length;

let section = `<!-- package:start -->
## The npm package: install size, and what bundlers build from it

Reproduce: \`npm run bench:size\` (scripts/package-report.mjs: \`npm pack\`, \`npm install <tarball>\` into an
empty app from the registry with scripts off; examples/ built from the same tarball by
scripts/build-examples.mjs, Vite ${JSON.parse(readFileSync(join(root, 'node_modules/vite/package.json'), 'utf8')).version} and webpack ${JSON.parse(readFileSync(join(root, 'node_modules/webpack/package.json'), 'utf8')).version}, gzip level 9). Written ${new Date().toISOString().slice(0, 10)}.

| \`npm install vitrine\` into an empty app | packages | node_modules |
| --- | ---: | ---: |
${before ? `| before the SDK and the CLI were split (\`npm pack\` of ${values.before.split('/').pop()}, the SDK depending on all of TensorFlow.js and the trainer's readers) | ${before.packages} | ${mb(before.bytes)} |\n` : ''}| now: ${now.names.join(', ')} | ${now.packages} | ${mb(now.bytes)} |

| app (bundler) | the app's entry | Vitrine's engine chunk | \`.wasm\` files emitted |
| --- | ---: | ---: | ---: |
${Object.entries(sizes)
  .map(([app, files]) => {
    const entry = Object.entries(files).find(([f]) => /^(index-.*|main)\.js$/.test(f));
    const wasm = Object.keys(files).filter((f) => f.endsWith('.wasm')).length;
    return `| ${app} | ${kb(entry[1].gzip)} | ${kb(engineGzip(files))} | ${wasm} |`;
  })
  .join('\n')}
| the script tag's second stage, \`dist/vitrine-engine.js\`, for comparison | | ${kb(secondStage)} | |

The engine chunk is the script tag's second stage itself (TensorFlow.js cut to the kernels Vitrine runs),
re-minified by each bundler; test/browser/examples.spec.ts fails when one is larger. The app's entry holds
the app, its framework (React is most of the React app's) and Vitrine's core.
<!-- package:end -->`;
if (!before) {
  // A row measured earlier with --before stays (its tarball is not kept).
  const kept = /^\| before the SDK and the CLI were split.*\n/m.exec(readFileSync(BENCHMARKS, 'utf8'))?.[0];
  if (kept) section = section.replace('| now: ', `${kept}| now: `);
}
writeSection(section, 'sizes');
console.log(section);
