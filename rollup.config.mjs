// Three outputs: the ESM build for bundlers (dependencies external, with type declarations), the
// script-tag IIFE (everything bundled, .wasm files copied beside it) and the CLI for Node.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import replace from '@rollup/plugin-replace';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`));
const version = () => replace({ preventAssignment: true, values: { __VITRINE_VERSION__: JSON.stringify(pkg.version) } });
const ts = (options = {}) => typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], noEmit: false, allowJs: false, ...options });

// The WASM backend loads these at run time; shipping them beside the script lets it find them by itself.
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const copyWasm = () => ({
  name: 'copy-wasm',
  generateBundle() {
    for (const fileName of WASM_FILES) {
      const source = readFileSync(new URL(`./node_modules/@tensorflow/tfjs-backend-wasm/dist/${fileName}`, import.meta.url));
      this.emitFile({ type: 'asset', fileName, source });
    }
  },
});

export default [
  {
    input: 'src/index.ts',
    external: isExternal,
    output: { dir: 'dist', format: 'es', entryFileNames: 'index.js', sourcemap: true },
    plugins: [
      version(),
      ts({ declaration: true, declarationDir: 'dist/types', outDir: 'dist', exclude: ['src/cli/**', 'src/entrypoints/**'] }),
    ],
  },
  {
    input: 'src/entrypoints/script-tag.ts',
    output: {
      file: 'dist/vitrine.min.js',
      format: 'iife',
      name: 'vitrine',
      exports: 'default',
      sourcemap: true,
      plugins: [terser({ format: { comments: false } })],
    },
    plugins: [version(), nodeResolve({ browser: true }), commonjs(), ts(), copyWasm()],
    onwarn(warning, warn) {
      // tfjs's emscripten glue uses `this` at the top level and eval-free dynamic requires that never run in a browser.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
  {
    // The SPA example: an app that imports the npm build, bundled as an app would bundle it.
    input: 'demo/spa/main.js',
    output: { file: 'demo/spa/app.js', format: 'es', sourcemap: true, plugins: [terser()] },
    plugins: [nodeResolve({ browser: true }), commonjs()],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  },
  {
    input: 'src/cli/bin.ts',
    external: isExternal,
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node', sourcemap: true },
    plugins: [version(), ts()],
  },
];
