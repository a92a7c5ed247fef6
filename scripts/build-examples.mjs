// Builds examples/ as a user would, from the packed package (not the sources): packs the built dist/ with
// `npm pack`, installs the tarball into a copy of each example (extracted into its node_modules; React,
// Vue and Vite come from this repository's), and runs Vite's production build. Writes
// test-results/examples/<name>/dist/ (served by the tests at /test-results/examples/<name>/dist/) and
// test-results/examples/sizes.json: each build's files with their gzip sizes. The Vue example is also built
// with webpack 5 (plain JavaScript, no loader needed) into test-results/examples/vue/webpack-dist/, served
// at …/webpack-dist/. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import webpack from 'webpack';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test-results/examples');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
const tarball = join(out, packed.filename);

// The demo's model and catalog, as the test server serves them.
process.env.VITE_VITRINE_MODEL = '/demo/model/';
process.env.VITE_VITRINE_ITEMS = '/demo/data/movies.json';
const sizes = {};
const sizesOf = (dir) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((file) => /\.(js|wasm)$/.test(file))
      .map((file) => {
        const bytes = readFileSync(join(dir, file));
        // The engine chunk, whatever the bundler named it: the one with TensorFlow.js's flags in it.
        const name = /\.js$/.test(file) && bytes.includes('WEBGL_USE_SHAPES_UNIFORMS') ? `engine: ${file}` : file;
        return [name, { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }];
      }),
  );
for (const name of readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
  const app = join(out, name);
  cpSync(join(root, 'examples', name), app, { recursive: true, filter: (src) => !/node_modules|[/\\]dist$/.test(src) });
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', join(app, 'node_modules')]);
  renameSync(join(app, 'node_modules/package'), join(app, 'node_modules/vitrine'));
  await build({ root: app, configFile: join(app, 'vite.config.js'), logLevel: 'warn', build: { outDir: join(app, 'dist'), emptyOutDir: true } });
  sizes[`${name} (vite)`] = sizesOf(join(app, 'dist/assets'));
}

// webpack 5, production mode, on the Vue example.
const vue = join(out, 'vue');
const stats = await new Promise((resolve, reject) =>
  webpack(
    {
      mode: 'production',
      context: vue,
      entry: './src/main.js',
      output: { path: join(vue, 'webpack-dist'), filename: 'main.js', chunkFilename: '[name].[contenthash:8].js', assetModuleFilename: '[name].[contenthash:8][ext]', clean: true },
      performance: { hints: false },
      plugins: [
        new webpack.DefinePlugin({
          'import.meta.env.VITE_VITRINE_MODEL': JSON.stringify(process.env.VITE_VITRINE_MODEL),
          'import.meta.env.VITE_VITRINE_ITEMS': JSON.stringify(process.env.VITE_VITRINE_ITEMS),
          __VUE_OPTIONS_API__: 'true',
          __VUE_PROD_DEVTOOLS__: 'false',
          __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
        }),
      ],
    },
    (err, result) => (err ? reject(err) : resolve(result)),
  ),
);
if (stats.hasErrors() || stats.hasWarnings()) throw new Error(`webpack: ${stats.toString({ all: false, errors: true, warnings: true })}`);
writeFileSync(join(vue, 'webpack-dist/index.html'), readFileSync(join(vue, 'index.html'), 'utf8').replace(/<script type="module" src="[^"]+"><\/script>/, '<script src="main.js"></script>'));
sizes['vue (webpack)'] = sizesOf(join(vue, 'webpack-dist'));
writeFileSync(join(out, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
console.log(`examples built from ${packed.filename} into test-results/examples/`);
