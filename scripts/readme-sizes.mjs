// Writes the sizes the README quotes (its size table and opening paragraph) from the built files, gzip
// level 9 as size-limit measures them. Run after `npm run build`; test/unit/readme.test.ts checks them.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../', import.meta.url);
const kb = (file) => (gzipSync(readFileSync(new URL(file, root)), { level: 9 }).length / 1000).toFixed(1);
const budgets = JSON.parse(readFileSync(new URL('.size-limit.json', root), 'utf8'));
let readme = readFileSync(new URL('README.md', root), 'utf8');
for (const { path, limit } of budgets) {
  // The size and the budget both: a budget changed in .size-limit.json is written here too.
  readme = readme.replace(new RegExp(`^(\\| \`${path.replace(/[.]/g, '\\.')}\`.*\\| )[\\d.]+ KB \\| [\\d.]+ KB \\|$`, 'm'), `$1${kb(path)} KB | ${limit} |`);
}
const intro = [
  [/(\*\*)[\d.]+( KB gzip\*\*)/, 'dist/vitrine.min.js'],
  [/(fetches the engine \()[\d.]+( KB gzip)/, 'dist/vitrine-engine.js'],
  [/(plus a )[\d.]+( KB gzip WASM binary)/, 'dist/tfjs-backend-wasm-simd.wasm'],
  [/()[\d.]+( KB gzip of its own code)/, 'dist/core.js'],
];
for (const [pattern, file] of intro) readme = readme.replace(pattern, `$1${kb(file)}$2`);
// The second stage beside tf.min.js, as the tfjs docs serve it.
const tfMin = 'node_modules/@tensorflow/tfjs/dist/tf.min.js';
const share = ((100 * Number(kb('dist/vitrine-engine.js'))) / Number(kb(tfMin))).toFixed(0);
readme = readme.replace(/(The second stage is )\d+( % of `tf\.min\.js` \()[\d.]+( KB gzip\))/, `$1${share}$2${kb(tfMin)}$3`);
writeFileSync(new URL('README.md', root), readme);
console.log('README sizes written from dist/');
