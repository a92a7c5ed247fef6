// How many candidates a rank or a recommend scores in plain TypeScript before tfjs pays, per backend:
// the smallest number of rows at which the backend was faster than the plain loops, Infinity where it
// never was up to the largest size measured. Written by test/bench/engine.bench.ts (npm run bench:browser,
// docs/benchmarks.md "Engine"); WebGL was measured on a software renderer (SwiftShader), which `auto` never
// picks: a machine with a GPU measures its own with the same command.
import type { BackendName } from '../types/index.js';

export const PLAIN_UP_TO: Readonly<Record<BackendName, number>> = { webgl: Infinity, wasm: Infinity, cpu: Infinity };
