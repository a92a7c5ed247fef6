// What the script tag's two stages weigh, against TensorFlow.js as it ships: builds the engine entry in
// memory twice (as rollup.config.mjs does, and on unoptimised tfjs: the whole core and every kernel of
// the three backends), gzips each beside tf.min.js, and writes the sizes section of docs/benchmarks.md.
// Usage: npm run bench:size
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import config from '../rollup.config.mjs';
import { writeSection } from './bench-doc.mjs';

const root = join(import.meta.dirname, '..');
const gz = (code) => gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} KB`; // decimal, as size-limit reports

/** Builds `input` with `plugins` and returns the minified code's gzip size and its raw size. */
async function measure(input, plugins) {
  const bundle = await rollup({ input, plugins, onwarn() {} });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser({ format: { comments: false } })] });
  const code = output.filter((c) => c.type === 'chunk').map((c) => c.code).join('\n');
  return { raw: Buffer.byteLength(code), gzip: gz(code) };
}

const engine = config.find((c) => c.input === 'src/entrypoints/engine.ts');
const first = config.find((c) => c.input === 'src/entrypoints/script-tag.ts');
// Same plugins minus the slimming one and the .wasm copy.
const plain = engine.plugins.filter((p) => p.name !== 'slim-tfjs' && p.name !== 'copy-wasm');
const full = '\0full-entry';
const fullEntry = {
  name: 'full-entry',
  resolveId: (id) => (id === full ? id : null),
  load: (id) =>
    id === full
      ? `import '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; import '@tensorflow/tfjs-backend-webgl'; import '@tensorflow/tfjs-backend-wasm';
export * from '${join(root, 'src/entrypoints/engine.ts')}';`
      : null,
};

const rows = [
  ['first stage, `dist/vitrine.min.js` (no TensorFlow.js)', await measure(first.input, first.plugins.filter((p) => p.name !== 'copy-wasm'))],
  ['second stage, `dist/vitrine-engine.js`: the kernels Vitrine runs, cut-down core', await measure(engine.input, engine.plugins.filter((p) => p.name !== 'copy-wasm'))],
  ['the same engine on unoptimised tfjs: the whole core, every kernel of the three backends', await measure(full, [fullEntry, ...plain])],
];
const tfMin = readFileSync(join(root, 'node_modules/@tensorflow/tfjs/dist/tf.min.js'));
rows.push(['`tf.min.js`, the union package as the tfjs docs serve it (core, layers, converter, data; CPU and WebGL backends; no engine)', { raw: tfMin.length, gzip: gz(tfMin) }]);
const wasm = readFileSync(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));

const [, ours] = rows[1];
const section = `<!-- sizes:start -->
## Sizes of the script tag's two stages

Reproduce: \`npm run bench:size\` (scripts/size-report.mjs: rollup and terser as in rollup.config.mjs, gzip
level 9). Written ${new Date().toISOString().slice(0, 10)}.

| build | raw | gzip |
| --- | ---: | ---: |
${rows.map(([what, s]) => `| ${what} | ${kb(s.raw)} | ${kb(s.gzip)} |`).join('\n')}
| WASM binary apart: \`tfjs-backend-wasm-simd.wasm\` (fetched with the second stage on the WASM path only) | ${kb(wasm.length)} | ${kb(gz(wasm))} |

The second stage is ${(ours.gzip / rows[3][1].gzip * 100).toFixed(0)} % of \`tf.min.js\` and ${(ours.gzip / rows[2][1].gzip * 100).toFixed(0)} % of the same engine on unoptimised
tfjs. What it leaves out (rollup.config.mjs, src/lib/kernels.ts): every kernel the engine never dispatches
(18 are registered per backend; test/unit/kernels.test.ts fails when one it dispatches is missing), tfjs's
model loading and saving (Vitrine decodes its own weights: src/lib/weights.ts), the optimizers, and the
multi-threaded WASM build (only cross-origin-isolated pages could use it; ranking is bound by dispatch).
<!-- sizes:end -->`;
writeSection(section);
console.log(section);
