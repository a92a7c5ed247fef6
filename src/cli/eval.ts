import { itemKnnScorer, neighboursFromTable, popScorer, spopScorer } from '../trainer/baselines.js';
import { blendScorer, categoryIndex, neighbourhoodScorer } from '../trainer/blend.js';
import { EVENT_TYPES, countCases, type EncodedSet } from '../trainer/data.js';
import { encodeNegatives } from '../trainer/split.js';
import { evaluate, prefixScorer, type Evaluation, type Scorer } from '../trainer/evaluate.js';
import { loadModel, modelParts } from '../trainer/model-io.js';
import { FORMATS, readLog } from '../trainer/parse.js';
import { embeddingProduct, SessionModel } from '../trainer/session-model.js';
import { startTraining } from '../trainer/tf.js';
import { parseFlags } from './args.js';
import { progressLine } from './progress.js';
import { beyondTable, metricsTable } from './report.js';
import { LOG_FLAGS, logOptions, resultsJson, type MetricsJson } from './train.js';
import { UsageError } from './usage-error.js';

export const EVAL_HELP = `Usage: vitrine eval --model DIR --events FILE --format F [--json]

Scores an existing model directory on a log: every next-item prediction of every sequence, the model
seeing only the prefix, ranked over all items, beside POP, S-POP and item-kNN from the model's own counts.
Items the model does not know are dropped from the log (and counted).

  --model DIR    a model directory written by vitrine train or vitrine import
  --events FILE  the log to score
  --format F     ${FORMATS.join(' | ')} (and the csv column flags of vitrine train)
  --json         print one JSON object with the metrics on stdout`;

const FLAGS = { ...LOG_FLAGS, model: { type: 'string' } } as const;

/** Mean of the prefix's embeddings against every item: what a model of embeddings alone can do. */
function embeddingScorer(E: Float32Array, d: number, n: number): Scorer {
  const q = new Float32Array(d);
  return prefixScorer('embeddings', n, (prefix, _, out) => {
    q.fill(0);
    for (const item of prefix) for (let k = 0; k < d; k++) q[k] += E[item * d + k];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += q[k] * E[j * d + k];
      out[j] = s;
    }
  });
}

/** `vitrine eval`: returns the exit code. */
export async function evalCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, FLAGS, EVAL_HELP);
  if (values.help) {
    out(EVAL_HELP);
    return 0;
  }
  if (!values.model || !values.events) throw new UsageError(`--model and --events are required\n\n${EVAL_HELP}`);
  const parse = logOptions(values);
  const progress = progressLine(process.stderr, { quiet: values.json });
  await startTraining();
  const { model } = await loadModel(values.model);
  const log = await readLog(values.events, parse);
  const index = new Map(model.ids.map((id, i) => [id, i]));
  const n = model.ids.length;
  const set: EncodedSet = { seqs: [], types: [], start: [], ...(log.kind === 'users' && { times: [] }) };
  let dropped = 0;
  const negatives: EncodedSet['negatives'] = [];
  for (const s of log.sequences) {
    const rows: number[] = [];
    const times: number[] = [];
    const types: number[] = [];
    s.items.forEach((id, i) => {
      const row = index.get(id);
      if (row === undefined) return void dropped++;
      rows.push(row);
      types.push(EVENT_TYPES.indexOf(s.types[i]));
      times.push(s.times[i]);
    });
    if (rows.length < 2) continue;
    set.seqs.push(Int32Array.from(rows));
    set.types.push(Uint8Array.from(types));
    set.start.push(1);
    set.times?.push(Float64Array.from(times));
    negatives.push(encodeNegatives(s, (id) => index.get(id), true));
  }
  if (negatives.some(Boolean)) set.negatives = negatives;
  if (countCases(set) === 0) throw new UsageError(`${values.events}: no sequence has two items the model knows; nothing to evaluate`);
  progress.line(`${countCases(set)} cases from ${set.seqs.length} ${log.kind}${dropped ? `; ${dropped} events of items the model does not know dropped` : ''}`);

  const pop = model.popularity ?? new Float32Array(n);
  const cats = model.categories && categoryIndex(model.categories);
  const scorers: Scorer[] = [];
  let session: SessionModel | undefined;
  let device: ReturnType<typeof embeddingProduct> | undefined;
  if (model.session && model.neighbourTable && model.blend) {
    session = SessionModel.fromWeights(model.session, model.session.window);
    device = model.foldIn && embeddingProduct(model.itemEmbeddings, model.dim);
    const parts = modelParts(model, device?.product, cats);
    scorers.push(blendScorer('model', session.scorer(), parts, model.blend), session.scorer(), neighbourhoodScorer(parts, model.blend));
  } else {
    scorers.push({ ...embeddingScorer(model.itemEmbeddings, model.dim, n), name: 'model' });
  }
  scorers.push(popScorer(pop), spopScorer(n));
  if (model.neighbourTable) scorers.push(itemKnnScorer(neighboursFromTable(model.neighbourTable), n));
  const results: Record<string, Evaluation> = {};
  for (const s of scorers) results[s.name] = await progress.stage(`evaluating ${s.name}`, (step) => evaluate(s, set, pop, step, cats?.of));
  session?.dispose();
  device?.dispose();
  const summary: MetricsJson = resultsJson(results);
  if (values.json) out(JSON.stringify(summary));
  else {
    out(`${summary.cases} cases, full ranking over ${n} items (item-kNN uses the model's exported top neighbours)\n`);
    out(metricsTable(summary.metrics, 20));
    out('');
    out(metricsTable(summary.at10, 10));
    out('');
    out(beyondTable(summary));
  }
  return 0;
}
