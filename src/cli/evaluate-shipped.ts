import { Worker, parentPort, workerData } from 'node:worker_threads';
import { itemKnnScorer, popScorer, spopScorer, type Neighbours } from '../trainer/baselines.js';
import { blendScorer, categoryIndex, neighbourhoodScorer, type BlendWeights, type Categories, type ModelParts } from '../trainer/blend.js';
import type { EncodedSet } from '../trainer/data.js';
import { evaluate, type Evaluation, type Scorer } from '../trainer/evaluate.js';
import { loadModel, modelParts } from '../trainer/model-io.js';
import { embeddingProduct, SessionModel } from '../trainer/session-model.js';
import { startTraining } from '../trainer/tf.js';

// The test-set evaluation of what `train` wrote: every ranking reads the model directory as the browser's
// decoder does (float16 and all). On two threads where the machine has two cores: a worker (this same
// file, the bundled CLI) takes the rankings of the directory but the LSTM alone, while the calling thread
// evaluates the LSTM and then what only it holds (BPR-MF, the model before export). Each thread runs its
// own tfjs; the rankings and their metrics are the same on one thread or two.

/** What the rankings of an exported model need besides its directory. */
export interface ShippedJob {
  /** The model directory. */
  dir: string;
  /** The window the session model was trained with. */
  window: number;
  weights: BlendWeights;
  /** Popularity on train + validation: every ranking's tie-break, and POP. */
  popularity: Float32Array;
  /** item-kNN's neighbours (train + validation). */
  knn: Neighbours;
  /** The popular file's items: what recommend() ranks on a device holding only them (evaluated with the blend). */
  pool: ArrayLike<number>;
}

/** What `seen` subtracts to rank an item below every other (scores stay finite in float32). */
const EXCLUDED = 1e9;

export type EvaluationStep = (name: string, done: number, total: number) => void;

/**
 * The rankings of the exported model that `pick` keeps, in report order: the blend, the LSTM alone, the
 * session neighbourhood alone, POP, S-POP, item-kNN, and for users' histories the long-term profile alone,
 * item-kNN over the whole history and the blend without the thin-history prototype. The scoring parts
 * (E on tfjs, the neighbour table) are made only for a ranking that reads them: the LSTM alone does not.
 */
async function shippedScorers(job: ShippedJob, set: EncodedSet, pick: (name: string) => boolean): Promise<{ scorers: Scorer[]; cats?: Categories; dispose: () => void }> {
  const exported = (await loadModel(job.dir)).model;
  const n = exported.ids.length;
  const shipped = SessionModel.fromWeights(exported.session!, job.window);
  const cats = exported.categories && categoryIndex(exported.categories);
  let device: ReturnType<typeof embeddingProduct> | undefined;
  let parts: ModelParts | undefined;
  const partsOf = () => (parts ??= modelParts(exported, (device = embeddingProduct(exported.itemEmbeddings, exported.dim)).product, cats));
  const w = job.weights;
  const all: [string, () => Scorer][] = [
    ['model', () => blendScorer('model', shipped.scorer(), partsOf(), w)],
    ['lstm', () => shipped.scorer()],
    ['neighbourhood', () => neighbourhoodScorer(partsOf(), w)],
    ['pop', () => popScorer(job.popularity)],
    ['spop', () => spopScorer(n)],
    ['itemknn', () => itemKnnScorer(job.knn, n)],
  ];
  // Users return: the long-term profile alone (its terms as the blend weighs them: what the visitor chose
  // already, the whole history's neighbourhood, u · E) shows what it adds, beside item-kNN over the whole
  // history (ranking the history's items last) and, by train, BPR-MF's learned user vectors.
  if (set.times && exported.foldIn) {
    const { long = 0, history = 0, seen = 0 } = w;
    const off = { lstm: 0, last: 0, decay: 0, repeat: 0 };
    all.push(['longterm', () => blendScorer('longterm', undefined, partsOf(), { ...off, ...(long || history ? { long, history, seen } : { long: 1 }) })]);
    all.push(['historyknn', () => blendScorer('historyknn', undefined, partsOf(), { ...off, history: 1, seen: -EXCLUDED })]);
    // What the thin-history prototype adds: the blend with none to borrow from.
    if (exported.prototypes) all.push(['noprototype', () => blendScorer('noprototype', shipped.scorer(), { ...partsOf(), long: { ...partsOf().long!, prototypes: undefined } }, w)]);
  }
  const scorers = all.filter(([name]) => pick(name)).map(([, make]) => make());
  return { scorers, cats, dispose: () => (shipped.dispose(), device?.dispose()) };
}

/** Evaluates the exported model's rankings (those `pick` keeps) on `set`, in report order. */
async function evaluateShipped(job: ShippedJob, set: EncodedSet, pick: (name: string) => boolean, step: EvaluationStep): Promise<Record<string, Evaluation>> {
  const { scorers, cats, dispose } = await shippedScorers(job, set, pick);
  const results: Record<string, Evaluation> = {};
  try {
    for (const s of scorers) {
      results[s.name] = await evaluate(s, set, job.popularity, (done, total) => step(s.name, done, total), cats?.of, s.name === 'model' ? job.pool : undefined);
    }
  } finally {
    dispose();
  }
  return results;
}

/** The order of the rankings in the report: the exported model's (those its kind has), then the caller's. */
const ORDER = ['model', 'lstm', 'neighbourhood', 'pop', 'spop', 'itemknn', 'longterm', 'historyknn', 'noprototype'];

/** A set's arrays as copies of their own (a sample's are views of the whole log's: posted as they are, each would carry all of it). */
function compact(set: EncodedSet): EncodedSet {
  return {
    seqs: set.seqs.map((s) => s.slice()),
    types: set.types.map((t) => t.slice()),
    start: set.start.slice(),
    ...(set.origin && { origin: set.origin.slice() }),
    ...(set.times && { times: set.times.map((t) => t.slice()) }),
    ...(set.negatives && { negatives: set.negatives }),
  };
}

interface WorkerInput {
  job: ShippedJob;
  set: EncodedSet;
  /** The rankings it leaves to the calling thread. */
  skip: string[];
}

type WorkerMessage = { step: [string, number, number] } | { results: Record<string, Evaluation> } | { error: string };

/** The worker's key in workerData: a worker running the CLI's file for anything else finds none. */
const WORKER_KEY = 'vitrine:evaluate';

/** Whether this file can start a worker of itself: the bundled CLI can; the TypeScript sources (tests) cannot. */
const canThread = import.meta.url.endsWith('.js');

/** The threads an evaluation asked for `requested` gets: 1 where this file cannot start a worker. */
export function evaluationThreads(requested: number): number {
  return canThread ? requested : 1;
}

/** In a worker started by {@link evaluateOnThreads}: evaluates its rankings and posts them back. Returns whether it was one. */
export async function evaluationWorker(): Promise<boolean> {
  const input = (workerData as Record<string, WorkerInput> | null)?.[WORKER_KEY];
  if (!input || !parentPort) return false;
  const port = parentPort;
  const post = (m: WorkerMessage) => port.postMessage(m);
  try {
    await startTraining();
    const results = await evaluateShipped(input.job, input.set, (name) => !input.skip.includes(name), (name, done, total) => post({ step: [name, done, total] }));
    post({ results });
  } catch (e) {
    post({ error: (e as Error)?.stack ?? String(e) });
  }
  return true;
}

function inWorker(input: WorkerInput, step: EvaluationStep): Promise<Record<string, Evaluation>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { [WORKER_KEY]: input } });
    worker.on('message', (m: WorkerMessage) => {
      if ('step' in m) return step(...m.step);
      void worker.terminate();
      'results' in m ? resolve(m.results) : reject(new Error(`the evaluation thread failed: ${m.error}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the evaluation thread stopped (exit code ${code})`)));
  });
}

/**
 * Evaluates the exported model's rankings and then `more` (rankings only this thread holds); with
 * `threads` 2, the directory's rankings but the LSTM's in a worker meanwhile. Results in report order:
 * the directory's, then `more`'s. `step` hears each ranking's progress.
 */
export async function evaluateOnThreads(
  job: ShippedJob,
  set: EncodedSet,
  threads: number,
  more: (step: EvaluationStep) => Promise<Record<string, Evaluation>>,
  step: EvaluationStep,
): Promise<Record<string, Evaluation>> {
  let results: Record<string, Evaluation>;
  if (evaluationThreads(threads) > 1) {
    const here = ['lstm'];
    const elsewhere = inWorker({ job, set: compact(set), skip: here }, step);
    // Both run to the end (a rejection of the worker's is not left unhandled while this thread works).
    const [mine, theirs] = await Promise.allSettled([(async () => ({ ...(await evaluateShipped(job, set, (name) => here.includes(name), step)), ...(await more(step)) }))(), elsewhere]);
    if (mine.status === 'rejected') throw mine.reason;
    if (theirs.status === 'rejected') throw theirs.reason;
    results = { ...theirs.value, ...mine.value };
  } else {
    results = { ...(await evaluateShipped(job, set, () => true, step)), ...(await more(step)) };
  }
  const ordered: Record<string, Evaluation> = {};
  for (const name of [...ORDER, ...Object.keys(results)]) if (results[name] && !ordered[name]) ordered[name] = results[name];
  return ordered;
}
