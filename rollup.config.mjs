// The script tag's two stages (a small IIFE that tracks and reorders, and an ES module with a slim
// TensorFlow.js bundled and the .wasm files beside it); the ESM build for bundlers (`vitrine`, whose lazy
// engine chunk is that same second stage; `vitrine/shared-tfjs`, whose engine runs on the app's tfjs;
// `vitrine/react`), with type declarations; the demo SPA; and the CLI for Node, its own package
// (packages/cli).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import replace from '@rollup/plugin-replace';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const cliPkg = JSON.parse(readFileSync(new URL('./packages/cli/package.json', import.meta.url), 'utf8'));
const externalOf = (names) => {
  const list = [...names, ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
  return (id) => list.some((dep) => id === dep || id.startsWith(`${dep}/`));
};
/** The npm build imports its dependencies and the optional peers (the app's tfjs, React). */
const sdkExternal = externalOf([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
/** `vitrine`'s engine chunk is the script tag's second stage, dist/vitrine-engine.js, built below. */
const ownEnginePath = fileURLToPath(new URL('./dist/vitrine-engine.js', import.meta.url));
const ownEngine = () => ({
  name: 'own-engine',
  resolveId(source, importer) {
    if (source === './entrypoints/engine.js' && importer?.endsWith('create-vitrine.ts')) return { id: ownEnginePath, external: true };
    return null;
  },
});
const version = () =>
  replace({
    preventAssignment: true,
    values: { __VITRINE_VERSION__: JSON.stringify(pkg.version), __VITRINE_ENGINE_INTEGRITY__: '""', __VITRINE_WASM_SHA256__: 'null', __VITRINE_OWN_TFJS__: 'false' },
  });
const sha = (algorithm, data, encoding) => createHash(algorithm).update(data).digest(encoding);
const wasmSource = (fileName) => readFileSync(new URL(`./node_modules/@tensorflow/tfjs-backend-wasm/dist/${fileName}`, import.meta.url));

/**
 * The script tag's stages check what they load: the second stage carries the sha256 of each .wasm file
 * beside it, and the first stage the SRI hash of the second stage (read from dist/ once that is built,
 * so the engine's build comes first in the list below).
 */
const engineIntegrity = () => `sha384-${sha('sha384', readFileSync(new URL('./dist/vitrine-engine.js', import.meta.url)), 'base64')}`;
const wasmHashes = () => Object.fromEntries(WASM_FILES.map((f) => [f, sha('sha256', wasmSource(f), 'hex')]));
/** dist/integrity.json: the hashes the script tag checks, for a shop's own `modulepreload` link or audit. */
const writeIntegrity = () => ({
  name: 'integrity-json',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'integrity.json', source: `${JSON.stringify({ 'vitrine-engine.js': engineIntegrity(), ...wasmHashes() }, null, 2)}\n` });
  },
});
const integrity = (stage) =>
  replace({
    preventAssignment: true,
    values: {
      __VITRINE_VERSION__: JSON.stringify(pkg.version),
      __VITRINE_WASM_SHA256__: () => (stage === 'engine' ? JSON.stringify(wasmHashes()) : 'null'),
      __VITRINE_ENGINE_INTEGRITY__: () => (stage === 'first' ? JSON.stringify(engineIntegrity()) : '""'),
      __VITRINE_OWN_TFJS__: JSON.stringify(stage === 'engine'),
    },
  });
const ts = (options = {}) => typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], noEmit: false, allowJs: false, ...options });

// The WASM backend loads these at run time; shipping them beside the script lets it find them by itself.
// (The multi-threaded binary is left out: see slimTfjs.)
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];
const copyWasm = () => ({
  name: 'copy-wasm',
  generateBundle() {
    for (const fileName of WASM_FILES) {
      this.emitFile({ type: 'asset', fileName, source: wasmSource(fileName) });
    }
  },
});

/**
 * TensorFlow.js for the script tag, cut to what Vitrine runs (src/lib/kernels.ts registers the kernels):
 * - tfjs-core without its index's side effects (the optimizers it registers are for training), nor its
 *   Node platform (whose `require('util')` a bundler warns about in an app that imports this chunk);
 * - its model save/load handlers (io: HTTP, IndexedDB, localStorage, files) dropped: Vitrine fetches and
 *   decodes its own files (src/lib/fetch-model.ts, src/lib/weights.ts). The browser platform registers
 *   the IndexedDB and localStorage model stores; it gets empty ones;
 * - the multi-threaded WASM build dropped (its glue and worker are 50 KB, it runs only on cross-origin
 *   isolated pages, and ranking is bound by dispatch, not arithmetic): src/lib/kernels.ts turns it off.
 */
const slimTfjs = () => ({
  name: 'slim-tfjs',
  async resolveId(source, importer, options) {
    if (source === '@tensorflow/tfjs-core') return '\0tfjs-core';
    if (source === './platforms/platform_node' && /base_side_effects\.js$/.test(importer ?? '')) return '\0platform-node';
    if (/platform_browser\.js$/.test(importer ?? '') && /^\.\.\/io\/(indexed_db|local_storage)$/.test(source)) return `\0store:${source}`;
    if (/tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/.test(source)) return `\0threaded:${source.endsWith('.worker.js') ? 'worker' : 'glue'}`;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (resolved && /tfjs-core\/dist\/io\//.test(resolved.id)) return { ...resolved, moduleSideEffects: false };
    return null;
  },
  load(id) {
    if (id === '\0tfjs-core') return "import '@tensorflow/tfjs-core/dist/base_side_effects.js';\nexport * from '@tensorflow/tfjs-core/dist/base.js';";
    if (id.startsWith('\0store:')) {
      const name = id.endsWith('indexed_db') ? 'BrowserIndexedDB' : 'BrowserLocalStorage';
      return `export class ${name} {}\n${name}.URL_SCHEME = '${name}://';\nexport class ${name}Manager {}`;
    }
    if (id === '\0platform-node') return 'export {};';
    if (id === '\0threaded:worker') return "export const wasmWorkerContents = '';";
    if (id === '\0threaded:glue') return "export default () => Promise.reject(new Error('multi-threaded WASM is not in this build'));";
    return null;
  },
});

export default [
  {
    // Second stage: TensorFlow.js (only the kernels Vitrine runs) and the engine. Its source map is not
    // referenced from the file (nor published): it stays in dist/ for debugging a build.
    input: 'src/entrypoints/engine.ts',
    output: { file: 'dist/vitrine-engine.js', format: 'es', sourcemap: 'hidden', plugins: [terser({ format: { comments: false } })] },
    plugins: [slimTfjs(), integrity('engine'), nodeResolve({ browser: true }), commonjs(), ts(), copyWasm()],
    onwarn(warning, warn) {
      // tfjs's emscripten glue uses `this` at the top level and eval-free dynamic requires that never run in a browser.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
  {
    // The npm build: ES modules for bundlers, readable (the app's bundler minifies), with types.
    input: { index: 'src/index.ts', 'shared-tfjs': 'src/shared-tfjs.ts', react: 'src/react.ts' },
    external: sdkExternal,
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name].js',
      // One chunk of shared code for the three entries; the engine chunks stay apart.
      manualChunks: (id) => (id.endsWith('/src/create-vitrine.ts') ? 'core' : undefined),
      paths: { [ownEnginePath]: './vitrine-engine.js' },
    },
    plugins: [
      ownEngine(),
      version(),
      ts({ declaration: true, declarationDir: 'dist/types', outDir: 'dist', exclude: ['src/cli/**', 'src/entrypoints/**', 'src/trainer/**'] }),
    ],
  },
  {
    // First stage: no TensorFlow.js (the size check holds it to 12.1 KB gzip). Built after the second stage,
    // whose SRI hash it carries.
    input: 'src/entrypoints/script-tag.ts',
    output: {
      file: 'dist/vitrine.min.js',
      format: 'iife',
      name: 'vitrine',
      exports: 'default',
      sourcemap: 'hidden',
      // wrap_iife keeps the parentheses around the bundle's function: V8 then compiles it while the script
      // streams in, off the main thread, rather than all at once on the main thread when it runs
      // (test/browser/loading.spec.ts checks the parentheses are there). Three passes and function
      // expressions as arrows (none of this bundle's is called with `new`): 30 bytes of the 12 KB budget.
      plugins: [terser({ ecma: 2020, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false, wrap_iife: true } })],
    },
    plugins: [integrity('first'), nodeResolve({ browser: true }), ts(), writeIntegrity()],
  },
  {
    // The SPA example: an app that imports the npm build, bundled as an app would bundle it.
    input: 'demo/spa/main.js',
    output: { dir: 'demo/spa/build', entryFileNames: 'app.js', chunkFileNames: '[name].js', format: 'es', sourcemap: true, plugins: [terser()] },
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
  {
    // A test page: an app that uses TensorFlow.js itself beside Vitrine (`vitrine/shared-tfjs`: one tfjs, shared).
    input: 'test/pages/shared-tfjs/main.js',
    output: { dir: 'test/pages/shared-tfjs/build', entryFileNames: 'app.js', chunkFileNames: '[name].js', format: 'es' },
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
  {
    // The CLI: a package of its own (packages/cli), so that the SDK installs none of the trainer's dependencies.
    input: 'src/cli/bin.ts',
    external: externalOf(Object.keys(cliPkg.dependencies)),
    output: { file: 'packages/cli/cli.js', format: 'es', banner: '#!/usr/bin/env node', sourcemap: true },
    plugins: [version(), ts()],
  },
];
