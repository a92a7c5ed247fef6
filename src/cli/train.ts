import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { neighbourLists, popularity, type Weighting } from '../trainer/baselines.js';
import { blendScorer, categoryIndex, neighbourTable, trainedTypes, tuneBlend, type BlendChoice, type ModelParts } from '../trainer/blend.js';
import { bprScorer, trainBpr } from '../trainer/bpr.js';
import { evaluate, type Evaluation } from '../trainer/evaluate.js';
import type { Intent, Metrics } from '../trainer/metrics.js';
import { EXPORT_NEIGHBOURS, exportModel } from '../trainer/model-io.js';
import { POPULAR_ITEMS, popularItems } from './write-model.js';
import { FORMATS, parseTime, readItems, readLog, type CsvColumns, type Format } from '../trainer/parse.js';
import { countCases, EVENT_TYPES, sampleCases } from '../trainer/data.js';
import { bprFoldIn, categoryEmbeddings, prototypes } from '../trainer/profile-space.js';
import { embeddingProduct, FULL_SOFTMAX_LIMIT, SAMPLING_POWER, SESSION_DEFAULTS, SessionModel } from '../trainer/session-model.js';
import { splitByTime } from '../trainer/split.js';
import { startTraining } from '../trainer/tf.js';
import { intFlag, numberFlag, parseFlags } from './args.js';
import { evaluateOnThreads, evaluationThreads, type EvaluationStep } from './evaluate-shipped.js';
import { duration, progressLine } from './progress.js';
import { beyondTable, metricsTable, reportHtml } from './report.js';
import { checkModelDir, checkReportFile, defaultReport } from './output-dir.js';
import { UsageError } from './usage-error.js';
import { HALF_LIFE_DAYS } from '../scoring/index.js';

/** Test cases evaluated by default, at most: a HitRate's standard error is then under 0.16 points. */
const EVAL_CASES = 100_000;

/** Neighbours item-kNN keeps per item: more than the 20 its metrics look at, so they are exact. */
const KNN_NEIGHBOURS = 100;
/** The neighbour weightings validation chooses between (see neighbourLists). */
const WEIGHTINGS: readonly Weighting[] = ['count', 'distance'];

/**
 * Validation cases early stopping scores after each epoch: 20,000 (a HitRate's standard error of about 0.35
 * points) up to 250,000 items; past that, 5 × 10^9 item scores an epoch (5,000 cases at a million items, where
 * 20,000 cost about three minutes of each epoch). Every epoch scores the same cases, so their comparison is
 * paired and closer than the standard error says.
 */
export const validationCases = (items: number) => Math.min(20_000, Math.max(2_000, Math.floor(5e9 / items)));

/**
 * Past this many items a second evaluation thread is not the default: it loads a model of its own (on the
 * ten-million-click benchmark's log, about 700,000 items, the peak RSS went from 6.7 GB before the
 * evaluation to 10.3 GB with it).
 */
export const TWO_THREADS_ITEMS = 250_000;

/** The evaluation's threads when `--threads` is not given: two where there are two cores and few enough items. */
export const defaultThreads = (items: number, cores: number) => (items > TWO_THREADS_ITEMS ? 1 : Math.min(2, cores));

/** The long-term half-lives (days) tried on a users' log's validation cases. */
const HALF_LIFE_GRID = [1, 3, 7, 14, 30, 365];

export const TRAIN_HELP = `Usage: vitrine train --events FILE --format F --out DIR [options]

Reads an interaction log, splits it by time, trains item embeddings and an LSTM session model, tunes the
scoring blend on validation, evaluates on test against baselines, and writes the model directory.

Input:
  --events FILE      the interaction log
  --format F         ${FORMATS.join(' | ')}
  --test FILE        a separate test log in the same format (else the latest part of --events is held out)
  --items FILE       item metadata, movies.csv style: id,title,categories (categories separated by |)
  --min-rating R     movielens: ratings >= R are positive interactions (default 4)
  --dislike-rating R movielens: ratings <= R are dislikes, negative feedback the blend learns to weigh
                     (default 2; 0 reads none)
  --since TIME       train on the interactions at or after TIME only (unix seconds or an ISO date such as
                     2024-05-01): the recent part of a log larger than useful
  --max-clicks N     train on the most recent N interactions only (sessions format: the last lines)
  --user COL | --session COL, --item COL [--time COL] [--type COL]
                     csv, parquet: the columns of a shop's own export (types: view, click, add_to_cart, purchase;
                     dislike and dismiss are negative feedback)

Formats (UTF-8 text; fields may be "quoted", with "" for a quote inside):
  movielens  ratings.csv: userId,movieId,rating,timestamp with a header, comma-separated (or MovieLens
             100k's u.data: tab-separated, no header); times in unix seconds
  rsc15      SessionId<TAB>ItemId<TAB>Time with a header, tab-separated; times in unix seconds
  sessions   one session per line, item ids separated by spaces or tabs, oldest first (line order is time)
  csv        comma-separated with a header naming the columns; times in unix seconds (fractions allowed)
             or ISO 8601 dates such as 2024-05-01T12:30:00Z; without --time, file order is time order
  parquet    a Parquet file (a warehouse export), columns named as for csv; ids may be strings or integers,
             times timestamps, unix seconds or ISO strings; Snappy, gzip, Brotli, zstd or LZ4 compressed
Output:
  --out DIR          the model directory to write: absent, empty, or a model vitrine wrote (replaced
                     atomically); any other folder or file is refused
  --report FILE      the HTML report (default DIR.report.html, beside the model, not in it)
  --eval-cases N     test cases evaluated, at most (every k-th; default ${EVAL_CASES}): each ranks the whole catalog
  --json             print one JSON object with the metrics on stdout, and no progress (errors still go to stderr)
  --threads N        threads for the test-set evaluation, 1 or 2 (default: 2 where the machine has two cores
                     and the catalog at most ${TWO_THREADS_ITEMS.toLocaleString('en')} items; the second thread loads its own copy of the model)
Training:
  --seed N           random seed (default 1): the same command and seed give the same metrics
  --epochs N         most epochs (default ${SESSION_DEFAULTS.maxEpochs}; early stopping on validation)
  --dim N            embedding size (default ${SESSION_DEFAULTS.dim})
  --hidden N         LSTM state size (default ${SESSION_DEFAULTS.hidden})
  --learning-rate X  Adam's learning rate (default ${SESSION_DEFAULTS.learningRate})
  --softmax S        the LSTM's output layer: full (every item), sampled (each target against ${SESSION_DEFAULTS.negatives}
                     negatives a batch drawn by popularity^${SAMPLING_POWER}, logQ-corrected) or auto (default: full
                     while a batch's logits fit in ${FULL_SOFTMAX_LIMIT / 2 ** 20}M floats, else sampled: memory bounded in the catalog)
  --negatives N      negatives per batch for the sampled softmax (default ${SESSION_DEFAULTS.negatives})
Scoring:
  --half-life-days D days over which a long-term event loses half its weight; written in the model, so the
                     browser reads histories the same way. Default: tuned on validation among
                     ${HALF_LIFE_GRID.join(', ')} for users' logs (times across sessions), ${HALF_LIFE_DAYS} for session logs`;

/** The flags that say how to read a log, shared by train and eval. */
export const LOG_FLAGS = {
  events: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  'min-rating': { type: 'string' },
  'dislike-rating': { type: 'string' },
  user: { type: 'string' },
  session: { type: 'string' },
  item: { type: 'string' },
  time: { type: 'string' },
  type: { type: 'string' },
} as const;

const FLAGS = {
  ...LOG_FLAGS,
  since: { type: 'string' },
  'max-clicks': { type: 'string' },
  'eval-cases': { type: 'string' },
  test: { type: 'string' },
  items: { type: 'string' },
  out: { type: 'string' },
  report: { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  dim: { type: 'string' },
  hidden: { type: 'string' },
  'learning-rate': { type: 'string' },
  softmax: { type: 'string' },
  negatives: { type: 'string' },
  'half-life-days': { type: 'string' },
  threads: { type: 'string' },
} as const;

/** Reads the log flags shared by train and eval. */
export function logOptions(values: Record<string, unknown>) {
  const format = values.format as string | undefined;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const columns: CsvColumns | undefined =
    format === 'csv' || format === 'parquet'
      ? { user: values.user as string, session: values.session as string, item: values.item as string, time: values.time as string, type: values.type as string }
      : undefined;
  const minRating = numberFlag(values['min-rating'] as string, 'min-rating', 4);
  const dislikeRating = numberFlag(values['dislike-rating'] as string, 'dislike-rating', 2);
  if (format === 'movielens' && dislikeRating >= minRating) {
    throw new UsageError(`--dislike-rating must be below --min-rating (${minRating}), got ${JSON.stringify(values['dislike-rating'] ?? String(dislikeRating))}: a rating cannot be liked and disliked`);
  }
  return { format: format as Format, minRating, dislikeRating, columns };
}

/** --since and --max-clicks: which recent part of the log to train on. */
function recentOptions(values: { since?: string; 'max-clicks'?: string }, format: Format, columns: CsvColumns | undefined): { since?: number; maxClicks?: number } {
  const maxClicks = values['max-clicks'] === undefined ? undefined : intFlag(values['max-clicks'], 'max-clicks', 0, 1);
  if (values.since === undefined) return { maxClicks };
  if (format === 'sessions' || (columns && !columns.time)) {
    throw new UsageError(`--since needs a log with times; the ${format} format${columns ? ' without --time' : ''} has none (use --max-clicks)`);
  }
  let since: number;
  try {
    since = parseTime(values.since, 0, 0, () => new Error());
  } catch {
    throw new UsageError(`--since must be a time (unix seconds or an ISO date such as 2024-05-01), got ${JSON.stringify(values.since)}`);
  }
  return { since, maxClicks };
}

export interface MetricsJson {
  k: number;
  cases: number;
  metrics: Record<string, Metrics>;
  at10: Record<string, Metrics>;
  /** Mean popularity percentile of each ranking's top 20 (0: the least popular items; 1: the most). */
  popularity: Record<string, number>;
  /** With item categories: how each ranking's top follows a session's evident intent. */
  intent?: Record<string, Intent>;
  /** Users' histories: HitRate@20 and MRR@20 of returning visitors' cases apart from first sessions'. */
  visitors?: Record<string, VisitorsJson>;
  /** recommend() on a device holding the popular file's items and the history's: recall of the exact top 20, and HitRate@20. */
  recommend?: { pool: number; recall: number; hitrate: number };
  train?: {
    seconds: number;
    epochs: number;
    clicks_per_second: number;
    peak_rss_mb?: number;
    /** Negative feedback read (dislikes, dismissals): the histories hold it, the sequences do not. */
    dislikes?: number;
    softmax?: 'full' | 'sampled';
    /** How the model's neighbours weigh a pair's sequences, as validation chose, and each weighting's validation HitRate@20 + MRR@20. */
    neighbours?: { weighting: Weighting; objective: Record<string, number> };
    /** Validation cases early stopping scored after each epoch. */
    validation_cases?: number;
    /** Threads the test-set evaluation ran on. */
    evaluation_threads?: number;
    /** Seconds per stage of the command, by what the progress line calls it. */
    stages?: Record<string, number>;
    /** The blend tuned on validation, and what an intent-aware pick traded. */
    blend?: Record<string, number | undefined>;
    choices?: string[];
  };
}

const SOFTMAX = ['auto', 'full', 'sampled'] as const;
function softmaxFlag(value: string | undefined): (typeof SOFTMAX)[number] {
  if (value === undefined) return SESSION_DEFAULTS.softmax;
  if (!(SOFTMAX as readonly string[]).includes(value)) throw new UsageError(`--softmax must be one of ${SOFTMAX.join(', ')}, got ${JSON.stringify(value)}`);
  return value as (typeof SOFTMAX)[number];
}

/** `vitrine train`: returns the exit code. */
export async function train(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, FLAGS, TRAIN_HELP);
  if (values.help) {
    out(TRAIN_HELP);
    return 0;
  }
  if (!values.events) throw new UsageError(`--events is required\n\n${TRAIN_HELP}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${TRAIN_HELP}`);
  const parse = logOptions(values);
  const halfLifeFlag = values['half-life-days'] === undefined ? undefined : numberFlag(values['half-life-days'], 'half-life-days', HALF_LIFE_DAYS);
  if (halfLifeFlag !== undefined && !(halfLifeFlag > 0)) throw new UsageError(`--half-life-days must be a positive number of days, got ${JSON.stringify(values['half-life-days'])}`);
  const recent = recentOptions(values, parse.format, parse.columns);
  const seed = intFlag(values.seed, 'seed', 1, 0);
  const asked = values.threads === undefined ? undefined : intFlag(values.threads, 'threads', 1);
  if (asked !== undefined && asked > 2) throw new UsageError(`--threads must be 1 or 2, got ${JSON.stringify(values.threads)}`);
  const options = {
    ...SESSION_DEFAULTS,
    seed,
    maxEpochs: intFlag(values.epochs, 'epochs', SESSION_DEFAULTS.maxEpochs),
    dim: intFlag(values.dim, 'dim', SESSION_DEFAULTS.dim),
    hidden: intFlag(values.hidden, 'hidden', SESSION_DEFAULTS.hidden),
    learningRate: numberFlag(values['learning-rate'], 'learning-rate', SESSION_DEFAULTS.learningRate),
    softmax: softmaxFlag(values.softmax),
    negatives: intFlag(values.negatives, 'negatives', SESSION_DEFAULTS.negatives),
  };
  // Before any work: the CLI writes over nothing it did not make, and never over its own inputs.
  await checkModelDir(values.out, [values.events, values.test, values.items]);
  const reportFile = values.report ?? defaultReport(values.out);
  await checkReportFile(reportFile);
  const progress = progressLine(process.stderr, { quiet: values.json });
  const log = (line: string) => progress.line(line);

  const backend = await startTraining();
  const readAll = () =>
    progress.stage('reading the log', async () => ({
      events: await readLog(values.events!, { ...parse, ...recent }),
      testLog: values.test ? await readLog(values.test, parse) : undefined,
      meta: values.items ? await readItems(values.items) : undefined,
    }));
  let read: Awaited<ReturnType<typeof readAll>> | undefined = await readAll();
  const { testLog, meta } = read;
  const { kind, events: interactions, negatives } = read.events;
  log(`read ${interactions} interactions${negatives ? ` and ${negatives} dislikes` : ''} in ${read.events.sequences.length} ${kind} from ${values.events}`);
  const split = splitByTime(read.events, testLog);
  // The parsed log (a string per event) is not needed past the split: let go before training.
  read = undefined;
  const testSet = sampleCases(split.test, intFlag(values['eval-cases'], 'eval-cases', EVAL_CASES));
  const n = split.vocab.size;
  split.lines.forEach(log);
  const threads = evaluationThreads(asked ?? defaultThreads(n, availableParallelism()));
  if (asked === undefined && n > TWO_THREADS_ITEMS && availableParallelism() > 1) log(`evaluating on one thread: a second would load its own copy of the model (${n} items; --threads 2 to force)`);
  if (testSet !== split.test) log(`evaluating ${countCases(testSet)} of the ${countCases(split.test)} test cases, evenly spread (--eval-cases)`);

  // Count-based parts: fitted on train for tuning on validation, on train + validation for the test. The
  // model's neighbours weigh two items' sequences by count or by how near the items come in them (1 / the
  // distance): validation chooses, beside the blend. The item-kNN baseline counts, as the literature's does.
  const { popTrain, nbTrainBy, popFull } = await progress.stage('counting popularity and co-occurrence', () => {
    const popTrain = popularity(split.train, n);
    const lists = neighbourLists(split.train, n, popTrain, WEIGHTINGS.map((weighting) => ({ top: EXPORT_NEIGHBOURS, weighting })));
    return { popTrain, nbTrainBy: new Map(WEIGHTINGS.map((w, i) => [w, lists[i]])), popFull: popularity(split.full, n) };
  });

  const trainClicks = split.train.seqs.reduce((a, s) => a + s.length, 0);
  // Early stopping watches a sample of validation: the full ranking of each case costs a pass over the catalog.
  const validSample = sampleCases(split.valid, validationCases(n));
  const model = new SessionModel(n, options);
  const started = performance.now();
  const history = await progress.stage(`training the LSTM on ${backend} (${trainClicks} clicks, d=${options.dim}, h=${options.hidden}, at most ${options.maxEpochs} epochs)`, (step) =>
    model.fit(
      split.train,
      async () => (await evaluate(model.scorer(), validSample, popTrain)).at20.hitrate,
      (r) => {
        if (r.batch !== undefined) step((r.epoch - 1) * r.batches! + r.batch, r.batches! * options.maxEpochs, `epoch ${r.epoch}, loss ${r.loss.toFixed(3)}`);
        else log(`  epoch ${r.epoch}  loss ${r.loss.toFixed(3)}  validation HitRate@20 ${(r.valid * 100).toFixed(2)}%  ${duration(r.seconds)}`);
      },
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const epochs = history.length;
  log(`output layer: ${model.softmax === 'sampled' ? `sampled softmax (${Math.min(options.negatives, n)} negatives a batch, logQ-corrected)` : 'full softmax'}`);

  const weights = await model.weights();
  const E = weights.item_embeddings;
  const M = await progress.stage('fitting the long-term profile (BPR in the item space, then its fold-in map)', () => bprFoldIn(split.train, E, n, options.dim, { seed }));
  const device = embeddingProduct(E, options.dim);
  const categories = meta ? split.vocab.ids.map((id) => meta.get(id)?.categories ?? []) : undefined;
  const cats = categories && categoryIndex(categories);
  // The blend is tuned through the scoring core with the parts fitted on train: the same arithmetic the
  // browser runs, and the same thin-history prototypes (of the training users).
  const types = { eventTypes: [...EVENT_TYPES], trainedTypes: trainedTypes(split.train), window: options.window };
  const long = { E, M, d: options.dim, prototypes: prototypes(split.train, M, E, options.dim, 16, seed), product: device.product };
  const partsBy = new Map(
    WEIGHTINGS.map((w): [Weighting, ModelParts] => [
      w,
      { halfLife: halfLifeFlag ?? HALF_LIFE_DAYS, n, neighbours: neighbourTable(nbTrainBy.get(w)!, EXPORT_NEIGHBOURS), long, categories: cats, session: types },
    ]),
  );
  const tunedBy = new Map<Weighting, Awaited<ReturnType<typeof tuneBlend>>>();
  await progress.stage('tuning the blend on validation', async () => {
    for (const w of WEIGHTINGS) tunedBy.set(w, await tuneBlend(model.scorer(), split.valid, partsBy.get(w)!, popTrain, undefined, halfLifeFlag === undefined ? HALF_LIFE_GRID : []));
  });
  const weighting = WEIGHTINGS.reduce((a, b) => (tunedBy.get(b)!.objective > tunedBy.get(a)!.objective ? b : a));
  const [tuned, parts] = [tunedBy.get(weighting)!, partsBy.get(weighting)!];
  // The other weighting's lists are let go: at a million items they weigh hundreds of megabytes.
  nbTrainBy.clear();
  partsBy.clear();
  const { knnFull, nbFull } = await progress.stage('counting co-occurrence on train + validation', () => {
    // item-kNN ranks by its neighbours alone: the best KNN_NEIGHBOURS decide its top 20 as all of them would.
    const [knnFull, nbFull] = neighbourLists(split.full, n, popFull, [
      { top: KNN_NEIGHBOURS, weighting: 'count' },
      { top: EXPORT_NEIGHBOURS, weighting },
    ]);
    return { knnFull, nbFull };
  });
  log(`neighbours weighted by ${weighting} (validation HitRate@20 + MRR@20: ${WEIGHTINGS.map((w) => `${w} ${(tunedBy.get(w)!.objective * 100).toFixed(2)}`).join(', ')})`);
  const halfLife = tuned.weights.halfLife ?? parts.halfLife!;
  log(`blend ${JSON.stringify(tuned.weights)} (best of ${tuned.tried}; validation HitRate@20 + MRR@20 = ${tuned.objective.toFixed(4)})`);
  const choices = tuned.choices.filter((c) => c.weight !== c.best.weight).map(choiceLine);
  choices.forEach(log);

  // The model is written first, then evaluated as the browser will read it: its files through the
  // browser's decoder (float16 and all), ranked by the scoring core. The manifest gets the figures after.
  const catVectors = categories ? categoryEmbeddings(categories, E, options.dim) : undefined;
  const trained = {
    ids: split.vocab.ids,
    categories,
    popularity: popFull,
    session: weights,
    trainedTypes: types.trainedTypes,
    neighbours: nbFull,
    blend: { ...tuned.weights, halfLife },
    foldIn: M,
    prototypes: prototypes(split.full, M, E, options.dim, 16, seed),
    categoryNames: catVectors?.names,
    categoryVectors: catVectors?.vectors,
  };
  const training = { log: basename(values.events), format: parse.format, kind, interactions, items: n, split: split.lines, seed, epochs, seconds: round(seconds), history };
  await exportModel(values.out, trained, { window: options.window, training });
  // Evaluated as the browser will read it: the model's files through the browser's decoder (float16 and
  // all), ranked by the scoring core; beside them BPR-MF and the model before export (float32).
  const pool = popularItems(trained.popularity, POPULAR_ITEMS);
  const job = { dir: values.out, window: options.window, weights: tuned.weights, popularity: popFull, knn: knnFull, pool };
  const more = async (step: EvaluationStep) => {
    // Users return, so their learned factors apply; sessions are new and are folded in.
    const bpr = trainBpr(split.full, n, { seed });
    const results: Record<string, Evaluation> = {};
    results.bprmf = await evaluate(bprScorer(bpr, kind === 'users' && !testLog), testSet, popFull, (d, t) => step('bprmf', d, t), cats?.of);
    // What float16 costs: the same blend before export (float32, and the neighbours trained on train + validation as exported).
    const float32Parts: ModelParts = { ...parts, halfLife, neighbours: neighbourTable(nbFull, EXPORT_NEIGHBOURS), long: { ...parts.long!, prototypes: trained.prototypes } };
    results.float32 = await evaluate(blendScorer('float32', model.scorer(), float32Parts, tuned.weights), testSet, popFull, (d, t) => step('float32', d, t), cats?.of);
    return results;
  };
  // Every ranking's cases: the exported model's six (nine for users' histories), BPR-MF, float32.
  const cases = countCases(testSet);
  const rankings = 8 + (testSet.times ? 3 : 0);
  const results = await progress.stage(`evaluating ${rankings} rankings on the test set${threads > 1 ? ` (${threads} threads)` : ''}`, (step) => {
    const done = new Map<string, number>();
    return evaluateOnThreads(job, testSet, threads, more, (name, d) => {
      done.set(name, d);
      step([...done.values()].reduce((a, b) => a + b, 0), cases * rankings, name);
    });
  });
  device.dispose();
  model.dispose();

  const summary: MetricsJson = {
    ...resultsJson(results),
    train: {
      seconds: round(seconds),
      epochs,
      clicks_per_second: Math.round((trainClicks * epochs) / seconds),
      dislikes: negatives,
      softmax: model.softmax,
      neighbours: { weighting, objective: Object.fromEntries(WEIGHTINGS.map((w) => [w, round(tunedBy.get(w)!.objective)])) },
      validation_cases: countCases(validSample),
      evaluation_threads: threads,
      blend: { ...tuned.weights, halfLife },
      choices,
    },
  };
  // The same files again (content-addressed: unchanged), and the manifest with the test figures.
  await exportModel(values.out, trained, { window: options.window, training, metrics: { k: 20, cases: summary.cases, at20: roundAll(summary.metrics), at10: roundAll(summary.at10) } });

  const notes = [
    `Trained on ${backend} in ${duration(seconds)} (${epochs} epochs, ${summary.train!.clicks_per_second} clicks/s); seed ${seed}.`,
    `Blend tuned on validation: ${JSON.stringify(tuned.weights)}. "LSTM alone" and "session neighbourhood alone" show each part's contribution.`,
    ...choices,
    ...(summary.recommend
      ? [
          `recommend() on a device holding only the ${summary.recommend.pool} popular items and the history's (no page seen): its top 20 holds ${(100 * summary.recommend.recall).toFixed(1)}% of the exact whole-catalog top 20; HitRate@20 ${(100 * summary.recommend.hitrate).toFixed(2)}%.`,
        ]
      : []),
    'Ties in every ranking go to the more popular item. Precision@K = hits/K with one target per case; F1 is the harmonic mean of mean precision and mean recall.',
  ];
  await mkdir(dirname(reportFile), { recursive: true });
  await writeFile(
    reportFile,
    reportHtml({ title: `Vitrine model: ${values.events}`, split: split.lines, cases: summary.cases, at20: summary.metrics, at10: summary.at10, beyond: summary, history, notes }),
  );
  log(`wrote ${values.out} and ${reportFile}`);
  summary.train!.stages = Object.fromEntries([...progress.seconds].map(([name, t]) => [name, round(t)]));
  summary.train!.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  if (values.json) out(JSON.stringify(summary));
  else {
    out(`\n${summary.cases} test cases, full ranking over ${n} items\n`);
    out(metricsTable(summary.metrics, 20));
    out('');
    out(metricsTable(summary.at10, 10));
    out('');
    out(beyondTable(summary));
  }
  return 0;
}

/** Says what an intent-aware pick of a blend weight cost and gained on validation. */
function choiceLine(c: BlendChoice): string {
  const pts = (x: number) => (x * 100).toFixed(2);
  const days = (x: number) => `${x} day${x === 1 ? '' : 's'}`;
  const what = c.key === 'halfLife' ? `half-life ${days(c.weight)} rather than ${days(c.best.weight)}` : `${c.key} weight ${c.weight} rather than ${c.best.weight}`;
  return `${what}: validation HitRate@20 + MRR@20 ${pts(c.objective)} against ${pts(c.best.objective)} (within its standard error, ${pts(c.best.se)}), intent share of the top 20 ${pts(c.intent!)}% against ${pts(c.best.intent!)}%`;
}

type VisitorsJson = Record<'returning' | 'first', { cases: number; hitrate: number; mrr: number }>;

/** The JSON of evaluations by ranking name (train and eval print the same shape): accuracy, popularity, intent, visitors. */
export function resultsJson(results: Record<string, Evaluation>): Omit<MetricsJson, 'train'> {
  const each = <T>(pick: (e: Evaluation) => T) => Object.fromEntries(Object.entries(results).map(([k, e]) => [k, pick(e)]));
  const first = Object.values(results)[0];
  const part = (p: { cases: number; at20: Metrics }) => ({ cases: p.cases, hitrate: round(p.at20.hitrate), mrr: round(p.at20.mrr) });
  return {
    k: 20,
    cases: first.cases,
    metrics: each((e) => e.at20),
    at10: each((e) => e.at10),
    popularity: each((e) => round(e.popularity)),
    ...(first.intent && { intent: each((e) => ({ cases: e.intent!.cases, at10: round(e.intent!.at10), at20: round(e.intent!.at20), catalog: round(e.intent!.catalog) })) }),
    ...(first.visitors && { visitors: each((e): VisitorsJson => ({ returning: part(e.visitors!.returning), first: part(e.visitors!.first) })) }),
    ...(first.recommend && { recommend: { pool: first.recommend.pool, recall: round(first.recommend.recall), hitrate: round(first.recommend.hitrate) } }),
  };
}
export const round = (x: number) => Math.round(x * 1e4) / 1e4;
function roundAll(at: Record<string, Metrics>) {
  return Object.fromEntries(Object.entries(at).map(([k, m]) => [k, Object.fromEntries(Object.entries(m).map(([f, v]) => [f, round(v)]))]));
}
