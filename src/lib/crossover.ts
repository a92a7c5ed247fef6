// Where tfjs starts to pay, per backend and per kind of work: the smallest number of candidates at which
// the backend was at least 10% faster than the plain loops (a rank of a list of that many items; a recommend over
// that many rows), Infinity where it never was up to the largest count measured. The engine scores fewer
// in plain loops. Written by test/bench/engine.bench.ts (npm run bench:browser, docs/benchmarks.md
// "Engine"); WebGL was measured on a software renderer (SwiftShader), which `auto` never picks: a machine
// with a GPU measures its own with the same command.
import type { BackendName } from '../types/index.js';

export interface Crossover {
  /** Ranking a list (a gather of its rows). */
  rank: number;
  /** Recommending over the rows held (one product with the whole table). */
  catalog: number;
}

export const BACKEND_FROM: Readonly<Record<BackendName, Crossover>> = {
  webgl: { rank: Infinity, catalog: Infinity },
  wasm: { rank: Infinity, catalog: 100000 },
  cpu: { rank: Infinity, catalog: Infinity },
};
