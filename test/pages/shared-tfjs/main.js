// An app that uses TensorFlow.js itself and adds Vitrine from the npm build: both share one tfjs. The app
// chooses its backend and flags, warns through its own console hook, and runs its own ops before, during
// and after Vitrine starts. Built by rollup into test/pages/shared-tfjs/build/.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createVitrine } from '../../../dist/shared-tfjs.js';

await tf.setBackend('cpu');
tf.env().set('PROD', true); // a flag of the app's own
const flagsBefore = { ...tf.env().getFlags() };
const heard = [];
const warn = console.warn;
console.warn = (...args) => {
  heard.push(String(args[0]));
  warn.apply(console, args);
};
const sum = () => tf.tidy(() => Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()));
const before = sum();
// The app keeps working, and warning, while Vitrine starts.
let said = 0;
const ticker = setInterval(() => console.warn(`app: my webgl backend and wasm warning ${++said}`), 2);
const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
// plainScoringUpTo 0: every list on the backend, which with 'auto' starts at the first rank (wait for it).
const vitrine = await createVitrine({ model: '/test/fixtures/planted-model/', wasmPaths: '/dist/', storageName: 'shared-tfjs', backend, plainScoringUpTo: 0 });
await vitrine.rank(['item-4']);
for (let t = 0; !vitrine.backend && t < 200; t++) await new Promise((r) => setTimeout(r, 50));
clearInterval(ticker);
const flagsAfter = tf.env().getFlags();
window.report = {
  ready: vitrine.ready,
  backend: vitrine.backend,
  reason: vitrine.backendReason,
  appBackend: tf.getBackend(),
  changedFlags: Object.keys(flagsBefore).filter((k) => flagsBefore[k] !== flagsAfter[k]),
  forcedFlags: { WEBGL_USE_SHAPES_UNIFORMS: flagsAfter.WEBGL_USE_SHAPES_UNIFORMS ?? null, WASM_HAS_MULTITHREAD_SUPPORT: flagsAfter.WASM_HAS_MULTITHREAD_SUPPORT ?? null },
  said,
  heard: heard.filter((m) => m.startsWith('app: ')).length,
  before,
  after: sum(),
  first: (await vitrine.rank(['item-50', 'item-4', 'item-19'], { history: ['item-18'] }))[0].id,
};
